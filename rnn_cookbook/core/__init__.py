"""The kitchen: what every recipe shares, whatever its task.

- `config`: `RecipeConfig`, the dataclass every recipe's `Config` extends, with each field's type
  and range declared once and checked the same way from every way in;
- `runs`: `RunFolder`, the folder a run writes (config, history, metrics, model, plots) and reads back;
- `training`: `train_recipe`, the one training path (seed, build, fit, evaluate, save, report);
- `callbacks`: the callback presets (early stopping, learning-rate schedule, backup for `--resume`);
- `distribute`: one device, `mirrored` (TensorFlow) or `data_parallel` (JAX) over processes;
- `script`: the command line every recipe shares (`--quick`, `--set`, `--config`, `--output`, ...);
- `errors`, `files`, `quiet`: one-line errors, atomic writes, TensorFlow's start-up log silenced;
- data that several tasks read: `download`, `delimited`, `reading` (text in any encoding),
  `vocabulary` (tokens to ids and back), `splits`, `pipeline` (`tf.data`);
- `scores` and `plots`: metrics and figures several tasks report.
- `headline`: which metric leads a comparison, and the note when a baseline beats the model on validation.

Nothing here imports a task folder (`text`, `forecasting`, `generation`, `translation`, ...) or a
recipe: imports run cli → search → recipes → task folders → kitchen.
"""

from rnn_cookbook import lazy_submodules

__getattr__ = lazy_submodules(__name__)
