"""Adding with an encoder-decoder: the characters, the questions, the greedy decoder and its baselines.

The `seq2seq_addition` recipe trains an LSTM encoder and an LSTM decoder with teacher forcing:
the decoder reads the true answer shifted right by one. Answering has no true answer to read,
so the decoder must read its own output. What this module gives the recipe:

- the characters the model reads and writes (`VOCABULARY`: padding, `^` start, `$` end, digits
  and `+`) and the questions and answers as ids (`encode_questions`, `encode_answers`);
- `GreedyDecoder`: the encoder run once, then a one-step, state-carrying copy of the decoder
  (`rnn_cookbook.decoding`), batched over all questions, fed its own most likely character until
  every row has written `$`; `answer(model, questions)` builds one per model and reuses it;
- `check_questions`: a question the model cannot read ("hello", "", "1234+5" for 3 digits) is a
  one-line error that says why;
- `answer_scores` (exact match, per character) and `baseline_answers`: the most frequent answer,
  copying the first operand, and adding without carrying, which learn nothing about carrying.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook.core.errors import ConfigError, DataError, RunFolderError
from rnn_cookbook.core.vocabulary import CharVocabulary
from rnn_cookbook.decoding import EpochPrinter, PerModel, copy_weights, one_step_copy

# The characters the model reads and writes. Padding is id 0, so `mask_zero=True` hides it.
# The characters the model reads and writes. Padding is id 0, so `mask_zero=True` hides it.
PAD, START, END = " ", "^", "$"


QUESTION_CHARACTERS = "0123456789+"


VOCABULARY = CharVocabulary((PAD, START, END, *QUESTION_CHARACTERS))


PAD_ID, START_ID, END_ID = (VOCABULARY.tokens.index(c) for c in (PAD, START, END))


MAX_DIGITS = 9  # operands and sums stay well inside int64, and the decoder's answers short


LAYER_NAMES = ("encoder_embedding", "encoder", "decoder_embedding", "decoder", "next_char")


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


def baseline_answers(train_pairs: np.ndarray, pairs: np.ndarray) -> dict[str, list[str]]:
    """Answers of three rules that learn nothing about carrying, to the questions of `pairs`."""
    most_common = Counter(answers_of(train_pairs)).most_common(1)[0][0]
    operands = pairs.tolist()
    return {
        "most_frequent_answer": [most_common] * len(operands),
        "copy_first_operand": [str(a) for a, _ in operands],
        "no_carry": [no_carry_sum(a, b) for a, b in operands],
    }


class AnswerPrinter(EpochPrinter):
    """Print a few greedy answers to validation questions every `every` epochs, as Keras' example does."""

    def __init__(self, pairs: np.ndarray, question_length: int, *, count: int = 5, every: int = 5) -> None:
        super().__init__(every=every)
        self.pairs, self.width = pairs[:count], question_length

    def heading(self, epoch: int) -> str:
        return f"greedy answers after epoch {epoch + 1}"

    def report(self, epoch: int) -> str:
        got = answer(self.model, questions_of(self.pairs))
        return "\n".join(
            f"{question:>{self.width}} = {guess:<{self.width}} {'ok' if guess == right else 'wrong: ' + right}"
            for question, right, guess in zip(questions_of(self.pairs), answers_of(self.pairs), got, strict=True)
        )


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
