"""Sequence to sequence: an LSTM encoder reads "535+61" one character at a time, an LSTM decoder writes "596".

Source: seed 004 §2.3 (序列到序列任务) names the idea and gives no code: an encoder turns the input
sequence into a fixed-size hidden state, and a decoder generates the output sequence from it. The
task here is Keras' own "addition RNN" example, the smallest problem on which that idea can be
seen to work or fail: the input and output are strings of different lengths, and every output
character depends on characters far apart in the input (the carry).

The model, Keras 3 only:

- **Encoder**: `Embedding` → `LSTM(return_state=True)`. Its final state `[h, c]` is all the
  decoder ever learns about the question. Padding is masked, so it never moves the state.
- **Decoder**: `Embedding` → `LSTM(return_sequences=True)` whose initial state is the encoder's
  state → `Dense` softmax over the characters, at every step.
- **Teacher forcing** in training: the decoder reads the true answer shifted right by one
  (start token `^` + "596") and learns to write the answer followed by the end token ("596" + `$`),
  one sparse categorical cross-entropy term per character (padding masked out of the loss).
- **Inference is a separate loop**: with no true answer to read, the decoder must read its own
  output. `GreedyDecoder` runs the encoder once, then a one-step, state-carrying decoder (the
  same trained layers, fed one character and the state), batched over all questions at once:
  it takes the most likely character, feeds it back, and stops at the end token `$`, or after the
  longest possible answer (`digits + 1` characters). This is the approach of
  `rnn_cookbook.generation`: never re-run the decoder over the whole answer for each character.

The data is synthetic by nature and says so in the output ("addition_3digit (synthetic)"). Each
operand is drawn as in Keras' example: a length of 1 to `digits` digits, then that many random
digits, so short numbers are as common as long ones (0..999 by default). Pairs are drawn with
a fixed seed, and a+b and b+a count as *one* pair: every pair appears at most once, in one split
only, so no test question (nor its mirror image) is seen in training. The distinct pairs are
shuffled before they are split, so all three splits follow the same distribution.

`reverse_input` (default: on) makes the encoder read the question backwards (`go_backwards=True`),
the trick of Sutskever et al. (2014) that Keras' example also uses. The answer is written most
significant digit first, and reading backwards puts the start of the question (the first
operand's leading digits) last into the encoder, closest to the first answer characters that
depend on it. Measured with the defaults (seed 0): validation loss 0.042 after 5 epochs reading
backwards, 0.213 reading forwards; after 10 epochs forwards, 0.952 exact match. The setting is
part of the saved model (the LSTM's `go_backwards`), so a reloaded model reads questions the way it
was trained. With the defaults the model answers 99.4% of held-out 3-digit sums exactly (20
epochs, early stopping; about 4 minutes on two busy CPU cores).

The run reports, on the held-out test pairs, decoded with the greedy loop (no teacher forcing):

- `exact_match`: the share of questions whose whole answer is right, the figure that matters;
- `char_accuracy`: the share of answer characters (and the end token) right at their position;
- `loss`: the teacher-forced cross-entropy per answer character, in nats.

Beside the model, three baselines answer the same questions: `most_frequent_answer` (the most
common training sum), `copy_first_operand`, and `no_carry` (adding digit by digit and dropping
every carry: its exact match is the share of sums that need no carry, so the gap to it is what
the model learned about carrying).

    rnn-cookbook run seq2seq_addition
    rnn-cookbook run seq2seq_addition --set digits=2 --set reverse_input=false
    python -m rnn_cookbook.recipes.seq2seq_addition --quick

    from rnn_cookbook.recipes import seq2seq_addition
    result = seq2seq_addition.train(seq2seq_addition.Config.quick())
    seq2seq_addition.answer(result.model, ["12+34", "99+1"])   # ['46', '100']
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook import script
from rnn_cookbook.config import RecipeConfig, check_positive
from rnn_cookbook.data.pipeline import array_dataset
from rnn_cookbook.data.text.vocabulary import CharVocabulary, VOCABULARY_FILE
from rnn_cookbook.errors import ConfigError, DataError, RunFolderError
from rnn_cookbook.generation import EpochPrinter, PerModel, copy_weights, one_step_copy
from rnn_cookbook.training import Evaluation, TrainResult, compile_for_classes, train_recipe

if TYPE_CHECKING:
    import tensorflow as tf

# The characters the model reads and writes. Padding is id 0, so `mask_zero=True` hides it.
PAD, START, END = " ", "^", "$"
QUESTION_CHARACTERS = "0123456789+"
VOCABULARY = CharVocabulary((PAD, START, END, *QUESTION_CHARACTERS))
PAD_ID, START_ID, END_ID = (VOCABULARY.tokens.index(c) for c in (PAD, START, END))
MAX_DIGITS = 9  # operands and sums stay well inside int64, and the decoder's answers short
#: Why `rnn-cookbook search` refuses this recipe.
NOT_SEARCHABLE = (
    "its model takes two inputs (the question and the answer shifted by one) that scikit-learn's folds "
    "cannot slice as one array, and its score, exact match of whole answers, needs the step-by-step "
    "decoder rather than model.predict; compare settings with `rnn-cookbook run seq2seq_addition --set ...`"
)
LAYER_NAMES = ("encoder_embedding", "encoder", "decoder_embedding", "decoder", "next_char")


@dataclasses.dataclass
class Config(RecipeConfig):
    """Keras' addition example (50k pairs, LSTM(128), batch 128) as an encoder-decoder with teacher forcing."""

    recipe: ClassVar[str] = "seq2seq_addition"

    digits: int = 3  # operands of up to 3 digits: 0..999, sums up to 1998
    train_size: int = 50000  # distinct pairs (a+b and b+a count as one) for training
    validation_size: int = 5000  # ... for early stopping on the teacher-forced validation loss
    test_size: int = 5000  # ... held out for the final exact-match figure
    reverse_input: bool = True  # the encoder reads the question backwards (Sutskever et al., 2014)
    embedding_dim: int = 32  # 14 characters need few dimensions
    units: int = 128  # encoder and decoder LSTM size (Keras' example: 128)
    epochs: int = 30  # early stopping usually ends training sooner
    batch_size: int = 128
    learning_rate: float = 3e-3
    patience: int = 5  # the loss plateaus for a few epochs before the carries click
    sample_every: int = 5  # print a few decoded validation answers every n epochs (0: never)

    def validate(self) -> None:
        super().validate()
        for name in ("digits", "train_size", "validation_size", "test_size", "embedding_dim", "units"):
            check_positive(name, getattr(self, name))
        check_positive("sample_every", self.sample_every, allow_zero=True)
        if not isinstance(self.reverse_input, bool):
            raise ConfigError(f"reverse_input must be true or false, got {self.reverse_input!r}")
        if self.digits > MAX_DIGITS:
            raise ConfigError(f"digits must be at most {MAX_DIGITS}, got {self.digits}")
        wanted = self.train_size + self.validation_size + self.test_size
        if wanted > 0.8 * distinct_pairs(self.digits):
            raise ConfigError(
                f"train_size + validation_size + test_size = {wanted}, but there are only "
                f"{distinct_pairs(self.digits)} distinct pairs of numbers with up to {self.digits} digit(s) "
                f"(a+b and b+a count as one); ask for at most 80% of them, or raise digits"
            )

    @classmethod
    def quick(cls) -> Config:
        """Seconds on CPU: 2-digit sums, a smaller model, a few epochs at a higher learning rate."""
        return cls(
            digits=2, train_size=3000, validation_size=300, test_size=500, embedding_dim=16, units=64,
            epochs=10, batch_size=32, learning_rate=0.02, patience=3, sample_every=0,
        )


# --- the data ----------------------------------------------------------------------------------------
def distinct_pairs(digits: int) -> int:
    """How many unordered pairs {a, b} of numbers below 10**digits exist (a+b and b+a are one)."""
    n = 10**digits
    return n * (n + 1) // 2


def sample_pairs(count: int, digits: int, seed: int, *, round_size: int = 65536) -> np.ndarray:
    """`count` distinct unordered pairs, shape (count, 2), each in the order it was drawn.

    Each operand is drawn as in Keras' addition example: a length of 1..`digits` digits, then that
    many random digits (leading zeros vanish, so "07" is 7). Duplicates and mirror images of pairs
    already drawn are dropped, so the likeliest pairs come first: shuffle before splitting.
    """
    if count > distinct_pairs(digits):
        raise ConfigError(f"there are only {distinct_pairs(digits)} distinct pairs with up to {digits} digit(s)")
    rng = np.random.default_rng(seed)
    pairs = np.empty((0, 2), dtype="int64")
    keys = np.empty(0, dtype="int64")
    for _ in range(1000):
        lengths = rng.integers(1, digits + 1, size=(round_size, 2))
        drawn = rng.integers(0, 10**lengths)
        new_keys = drawn.min(axis=1) * 10**digits + drawn.max(axis=1)  # the same key for a+b and b+a
        all_keys = np.concatenate([keys, new_keys])
        _, first = np.unique(all_keys, return_index=True)
        first = np.sort(first)  # keep the order of drawing
        pairs = np.concatenate([pairs, drawn])[first]
        keys = all_keys[first]
        if len(pairs) >= count:
            return pairs[:count]
    raise ConfigError(f"drew only {len(pairs)} distinct pairs of up to {digits} digit(s); ask for fewer pairs")


def questions_of(pairs: np.ndarray) -> list[str]:
    """The questions the model reads: "a+b"."""
    return [f"{a}+{b}" for a, b in pairs.tolist()]


def answers_of(pairs: np.ndarray) -> list[str]:
    """The answers it should write: str(a + b)."""
    return [str(a + b) for a, b in pairs.tolist()]


def encode_questions(questions: Sequence[str], length: int) -> np.ndarray:
    """Character ids, shape (n, length), padded on the right with id 0 (masked in the encoder)."""
    ids = np.full((len(questions), length), PAD_ID, dtype="int32")
    for row, question in enumerate(questions):
        ids[row, : len(question)] = VOCABULARY.encode_text(question)
    return ids


def encode_answers(answers: Sequence[str], max_answer_length: int) -> tuple[np.ndarray, np.ndarray]:
    """Teacher forcing: decoder inputs `^` + answer, targets answer + `$`, both (n, max_answer_length + 1).

    Target position t is the character after input position t. Positions past the end token are
    padding in both; the decoder's mask (id 0 in its input) keeps them out of the loss.
    """
    width = max_answer_length + 1
    inputs = np.full((len(answers), width), PAD_ID, dtype="int32")
    targets = np.full((len(answers), width), PAD_ID, dtype="int32")
    for row, text in enumerate(answers):
        ids = VOCABULARY.encode_text(text)
        inputs[row, : len(ids) + 1] = [START_ID, *ids]
        targets[row, : len(ids) + 1] = [*ids, END_ID]
    return inputs, targets


@dataclasses.dataclass(frozen=True)
class AdditionData:
    """Disjoint train / validation / test pairs, and what the model reads and writes for each."""

    digits: int
    train: np.ndarray  # (n, 2) operands
    validation: np.ndarray
    test: np.ndarray

    @property
    def label(self) -> str:
        return f"addition_{self.digits}digit (synthetic)"

    @property
    def question_length(self) -> int:
        return 2 * self.digits + 1  # "999+999"

    @property
    def max_answer_length(self) -> int:
        return self.digits + 1  # "1998"

    def split(self, name: str) -> np.ndarray:
        return {"train": self.train, "validation": self.validation, "test": self.test}[name]

    def arrays(self, name: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """({"question": ids, "answer_in": ids}, targets) of one split, for `fit` and `evaluate`."""
        pairs = self.split(name)
        answer_in, targets = encode_answers(answers_of(pairs), self.max_answer_length)
        return {"question": encode_questions(questions_of(pairs), self.question_length), "answer_in": answer_in}, targets

    def dataset(self, name: str, cfg: Config, *, shuffle: bool = False) -> tf.data.Dataset:
        return array_dataset(*self.arrays(name), cfg.batch_size, shuffle=shuffle, seed=cfg.seed)

    def notes(self) -> list[str]:
        top = 10**self.digits - 1
        return [
            f"synthetic: {len(self.train)} training, {len(self.validation)} validation and {len(self.test)} test "
            f"sums of two numbers in 0..{top}; each pair (a+b and b+a count as one) is in one split only"
        ]


def load_data(cfg: Config) -> AdditionData:
    """Distinct pairs drawn with the config's seed, shuffled, then cut into test, validation and training.

    The shuffle matters: the first distinct pairs drawn are the likeliest ones (short numbers), so
    cutting the drawing order would give the test set more short sums than training has.
    """
    pairs = sample_pairs(cfg.test_size + cfg.validation_size + cfg.train_size, cfg.digits, cfg.seed)
    pairs = pairs[np.random.default_rng([cfg.seed, 1]).permutation(len(pairs))]
    test, validation, train = np.split(pairs, [cfg.test_size, cfg.test_size + cfg.validation_size])
    return AdditionData(cfg.digits, train=train, validation=validation, test=test)


# --- the model -----------------------------------------------------------------------------------------
def build_model(cfg: Config) -> keras.Model:
    """Encoder LSTM → its state → decoder LSTM (teacher-forced) → Dense softmax over the characters."""
    question_length, answer_width = 2 * cfg.digits + 1, cfg.digits + 2
    question = keras.Input(shape=(question_length,), dtype="int32", name="question")
    answer_in = keras.Input(shape=(answer_width,), dtype="int32", name="answer_in")
    size = len(VOCABULARY)

    encoded = keras.layers.Embedding(size, cfg.embedding_dim, mask_zero=True, name="encoder_embedding")(question)
    _, state_h, state_c = keras.layers.LSTM(
        cfg.units, return_state=True, go_backwards=cfg.reverse_input, name="encoder"
    )(encoded)

    decoded = keras.layers.Embedding(size, cfg.embedding_dim, mask_zero=True, name="decoder_embedding")(answer_in)
    decoded = keras.layers.LSTM(cfg.units, return_sequences=True, name="decoder")(
        decoded, initial_state=[state_h, state_c]
    )
    outputs = keras.layers.Dense(size, activation="softmax", name="next_char")(decoded)
    model = keras.Model([question, answer_in], outputs, name="seq2seq_addition")
    return compile_for_classes(model, cfg)  # accuracy per character, teacher-forced, padding masked


# --- inference: a separate, step-by-step loop ------------------------------------------------------------
class GreedyDecoder:
    """Answer questions with a trained model, one character at a time, without teacher forcing.

    Two inference models are built from the trained layers: `encoder` maps question ids to the
    state `[h, c]` (the trained encoder layers themselves, which already return their state);
    `step` maps one character id and a state to the next character's probabilities and the new
    state (the trained embedding and output layers, and a copy of the decoder LSTM that returns its
    state, with the trained weights). `decode_ids` runs them in a short loop: start token, then
    the most likely character fed back each step, until every row has written the end token or
    `max_answer_length` characters. Build it once and call it as often as needed.
    """

    def __init__(self, model: keras.Model) -> None:
        layers = _named_layers(model)
        question_input, answer_input = model.inputs  # as build_model orders them
        self.question_length = int(question_input.shape[1])
        self.max_answer_length = int(answer_input.shape[1]) - 1
        self.digits = (self.question_length - 1) // 2
        units = layers["decoder"].units

        question = keras.Input(shape=(self.question_length,), dtype="int32", name="question")
        _, state_h, state_c = layers["encoder"](layers["encoder_embedding"](question))
        self.encoder = keras.Model(question, [state_h, state_c], name="encoder_inference")

        token = keras.Input(shape=(1,), dtype="int32", name="previous_char")
        states = [keras.Input(shape=(units,), name=f"decoder_state_{i}") for i in range(2)]
        # The embedding and output layers are the trained ones, shared; the decoder LSTM is a copy
        # that returns its state (the training model has no use for the decoder's final state).
        step_decoder = one_step_copy(layers["decoder"], name="decoder_one_step_lstm")
        hidden, new_h, new_c = step_decoder(layers["decoder_embedding"](token), initial_state=states)
        self.step = keras.Model([token, *states], [layers["next_char"](hidden), new_h, new_c], name="decoder_one_step")
        self._copied = [(layers["decoder"], step_decoder)]
        self.sync()

        never = np.zeros(len(VOCABULARY), dtype="float32")
        never[[PAD_ID, START_ID]] = -2.0  # probabilities are >= 0: these two are never the argmax
        self._never = never

    def sync(self) -> None:
        """Copy the trained decoder LSTM's weights again (the other layers are shared, not copied)."""
        copy_weights(self._copied)

    def decode_ids(self, question_ids: np.ndarray) -> np.ndarray:
        """Character ids written for each question row, shape (n, steps); after `$` every id is padding.

        A plain loop of a few steps (answers are short), each one batched over every question; it
        calls the Keras models and NumPy only, so it runs on any Keras backend.
        """
        as_tensor = keras.ops.convert_to_tensor
        state_h, state_c = self.encoder(as_tensor(np.asarray(question_ids, dtype="int32")), training=False)
        token = np.full((len(question_ids), 1), START_ID, dtype="int32")
        finished = np.zeros(len(question_ids), dtype=bool)
        written = []
        for _ in range(self.max_answer_length):
            probabilities, state_h, state_c = self.step([as_tensor(token), state_h, state_c], training=False)
            best = (keras.ops.convert_to_numpy(probabilities)[:, 0, :] + self._never).argmax(axis=-1).astype("int32")
            best[finished] = PAD_ID  # a finished row writes padding
            written.append(best)
            finished |= best == END_ID
            if finished.all():  # every answer has its end token: stop early
                break
            token = best[:, None]
        return np.stack(written, axis=1)

    def answer(self, questions: Iterable[str]) -> list[str]:
        """The model's answer to each question (checked first: see `check_questions`)."""
        questions = check_questions(questions, digits=self.digits)
        if not questions:
            return []
        return [ids_to_answer(row) for row in self.decode_ids(encode_questions(questions, self.question_length))]


def _named_layers(model: keras.Model) -> dict[str, keras.layers.Layer]:
    """The layers `GreedyDecoder` needs, or a clear error for a model of another recipe."""
    found = {layer.name: layer for layer in model.layers}
    missing = [name for name in LAYER_NAMES if name not in found]
    if missing or len(model.inputs) != 2:
        raise RunFolderError(
            f"model {model.name!r} is not a seq2seq_addition model (it lacks the layer(s) {', '.join(missing) or '-'} "
            "or its two inputs, question and answer_in)"
        )
    if found["next_char"].units != len(VOCABULARY):
        raise RunFolderError(
            f"model {model.name!r} writes {found['next_char'].units} characters, not the {len(VOCABULARY)} of this recipe"
        )
    return found


def ids_to_answer(ids: Sequence[int]) -> str:
    """The characters before the first end token (or padding): the answer as a string."""
    text = []
    for i in ids:
        if i in (END_ID, PAD_ID):
            break
        text.append(VOCABULARY.tokens[int(i)])
    return "".join(text)


def check_questions(questions: Iterable[str], *, digits: int) -> list[str]:
    """The questions as the model reads them ("a+b", at most `digits` digits each), or a `DataError`.

    Leading zeros are dropped ("007+5" is read as "7+5"): the model only saw numbers written without them.
    """
    if isinstance(questions, (str, bytes)) or not isinstance(questions, Iterable):
        raise DataError(f"questions must be a list of strings like ['535+61'], got {type(questions).__name__}")
    longest = 2 * digits + 1
    checked = []
    for number, question in enumerate(questions, start=1):
        where = f"question {number}"
        if not isinstance(question, str):
            raise DataError(f"{where} must be a string like '535+61', got {type(question).__name__}")
        if not question:
            raise DataError(f"{where} is empty; write it like '535+61'")
        if len(question) > longest:
            raise DataError(
                f"{where} is {len(question)} characters long; this model reads at most {longest} ('{'9' * digits}+{'9' * digits}')"
            )
        wrong = [c for c in dict.fromkeys(question) if c not in QUESTION_CHARACTERS]
        if wrong:
            shown = ", ".join(repr(c) for c in wrong)
            raise DataError(f"{where} {question!r} has character(s) {shown}; only digits and one '+' are allowed")
        operands = question.split("+")
        if len(operands) != 2 or not all(operands):
            raise DataError(f"{where} {question!r} must be two numbers joined by one '+', like '535+61'")
        for operand in operands:
            if len(operand.lstrip("0") or "0") > digits:
                raise DataError(f"{where} {question!r}: {operand} has more than {digits} digit(s), which this model adds")
        checked.append("+".join(str(int(operand)) for operand in operands))
    return checked


_DECODERS: PerModel[GreedyDecoder] = PerModel()


def answer(model: keras.Model, questions: Iterable[str]) -> list[str]:
    """The trained `model`'s answers to `questions`, e.g. `answer(model, ["535+61"]) == ["596"]`.

    Greedy step-by-step decoding (see `GreedyDecoder`); the decoder is built once per model and
    reused, with the model's current weights. Bad questions are a `DataError` that says why.
    """
    return _DECODERS.get(model, lambda: GreedyDecoder(model)).answer(questions)


# --- evaluation ---------------------------------------------------------------------------------------------
def answer_scores(predicted: Sequence[str], expected: Sequence[str]) -> dict[str, float]:
    """`exact_match` (whole answers) and `char_accuracy` (answer characters and end token, by position).

    Each answer is compared with its end token appended, so a missing or an extra character costs
    the position where it happens: "59" for "596" gets 2 of 4 right, "5966" for "596" 3 of 4.
    """
    exact = np.mean([p == e for p, e in zip(predicted, expected, strict=True)]) if expected else 0.0
    right = total = 0
    for p, e in zip(predicted, expected, strict=True):
        p, e = p + END, e + END
        right += sum(a == b for a, b in zip(p, e, strict=False))
        total += len(e)
    return {"exact_match": float(exact), "char_accuracy": right / total if total else 0.0}


def no_carry_sum(a: int, b: int) -> str:
    """Digit-by-digit sums with every carry dropped: what addition looks like before carrying is learned."""
    result, place = 0, 1
    while a or b:
        result += ((a % 10 + b % 10) % 10) * place
        a, b, place = a // 10, b // 10, place * 10
    return str(result)


def baseline_answers(data: AdditionData, pairs: np.ndarray) -> dict[str, list[str]]:
    """Answers of three rules that learn nothing about carrying, for the same questions."""
    most_common = Counter(answers_of(data.train)).most_common(1)[0][0]
    operands = pairs.tolist()
    return {
        "most_frequent_answer": [most_common] * len(operands),
        "copy_first_operand": [str(a) for a, _ in operands],
        "no_carry": [no_carry_sum(a, b) for a, b in operands],
    }


def evaluate(model: keras.Model, data: AdditionData, cfg: Config) -> Evaluation:
    """Greedy answers to the held-out test questions, scored beside the baselines."""
    expected = answers_of(data.test)
    predicted = answer(model, questions_of(data.test))
    loss, _ = model.evaluate(data.dataset("test", cfg), verbose=0)
    return Evaluation(
        data=data.label,
        split="test",
        model={**answer_scores(predicted, expected), "loss": float(loss)},
        baselines={name: answer_scores(guesses, expected) for name, guesses in baseline_answers(data, data.test).items()},
    )


class AnswerPrinter(EpochPrinter):
    """Print a few greedy answers to validation questions every `every` epochs, as Keras' example does."""

    def __init__(self, data: AdditionData, *, count: int = 5, every: int = 5) -> None:
        super().__init__(every=every)
        self.pairs, self.width = data.validation[:count], data.question_length

    def heading(self, epoch: int) -> str:
        return f"greedy answers after epoch {epoch + 1}"

    def report(self, epoch: int) -> str:
        got = answer(self.model, questions_of(self.pairs))
        return "\n".join(
            f"{question:>{self.width}} = {guess:<{self.width}} {'ok' if guess == right else 'wrong: ' + right}"
            for question, right, guess in zip(questions_of(self.pairs), answers_of(self.pairs), got, strict=True)
        )


def vocabulary_record(cfg: Config) -> dict[str, Any]:
    """What `vocabulary.json` holds: the characters (as every character recipe saves them) and their roles."""
    return {
        **VOCABULARY.to_dict(),
        "task": "seq2seq_addition",
        "pad": PAD,
        "start": START,
        "end": END,
        "digits": cfg.digits,
        "reverse_input": cfg.reverse_input,
    }


def train(
    cfg: Config | None = None, *, output: str | Path | None = None, verbose: int | None = None, resume: bool = False
) -> TrainResult:
    """The whole recipe: distinct pairs, teacher-forced fit, greedy answers to held-out sums."""
    cfg = cfg or Config()
    data = load_data(cfg)
    return train_recipe(
        cfg,
        build_model=lambda: build_model(cfg),
        datasets=lambda: (data.dataset("train", cfg, shuffle=True), data.dataset("validation", cfg)),
        evaluate=lambda model: evaluate(model, data, cfg),
        examples_per_epoch=len(data.train),
        extra_callbacks=[AnswerPrinter(data, every=cfg.sample_every if verbose != 0 else 0)],
        json_files={VOCABULARY_FILE: vocabulary_record(cfg)},
        notes=data.notes(),
        output=output,
        verbose=verbose,
        resume=resume,
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: `python -m rnn_cookbook.recipes.seq2seq_addition --help`."""
    return script.main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
