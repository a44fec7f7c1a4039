"""`python -m rnn_cookbook` is the same as the `rnn-cookbook` command."""

import sys

from rnn_cookbook.cli import main

sys.exit(main())
