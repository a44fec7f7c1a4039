"""Images read row by row: loaders (digits, MNIST, Fashion-MNIST, IDX folders, `.npz`) and plots."""

from rnn_cookbook import lazy_submodules

__getattr__ = lazy_submodules(__name__)
