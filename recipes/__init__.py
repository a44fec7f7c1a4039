"""The recipes: one module each, installed as `rnn_cookbook.recipes`.

Every recipe module has the same five names: `Config`, `load_data`, `build_model`, `train` and
`main`. `rnn-cookbook list` shows them all; `rnn_cookbook.registry` is the table behind it.
"""
