"""The recipe notebooks as package data: `<name>.ipynb` and its py:percent source `<name>.py`.

Not meant to be imported: each `<name>.py` is a notebook that trains a model when run. See
`rnn_cookbook.notebook` for how they are built, copied (`rnn-cookbook notebook RECIPE`) and tested.
"""
