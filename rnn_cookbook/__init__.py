"""rnn-cookbook: the classic recurrent-network tutorials as recipes you can run, read, call and trust.

Importing the package is cheap on purpose: nothing here imports TensorFlow or a recipe, so
`rnn-cookbook --help` and `rnn-cookbook list` answer at once. Recipes live in
`rnn_cookbook.recipes`; the shared kitchen (data, callbacks, runs, training, plots) in the
submodules beside this file.
"""

__version__ = "0.1.0"
