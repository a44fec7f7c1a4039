"""Reopen a finished translator run in a new process and translate: `rnn-cookbook translate RUN TEXT...`.

`TranslatorRun` loads `model.keras` with `safe_mode=True` and `vocabulary.json`, checks each text
(empty, unknown characters, too long) in one line, and translates with beam search by default;
`translate(run_dir, texts)` is the same from Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rnn_cookbook.translation.pairs import tokenize
from rnn_cookbook.core.vocabulary import VOCABULARY_FILE
from rnn_cookbook.core.errors import DataError, RunFolderError
from rnn_cookbook.core.runs import RunFolder
from rnn_cookbook.translation.translator import SideVocabulary, Translator


# --- a run folder, reopened ---------------------------------------------------------------------------
class TranslatorRun:
    """A trained translator reopened from its run folder, in this or any later process."""

    def __init__(self, run_dir: str | Path) -> None:
        self.run = RunFolder.open(run_dir)
        settings = self.run.settings(VOCABULARY_FILE, lacking="does not translate", hint="; translate needs a translator run")
        if not isinstance(settings, dict) or settings.get("task") != "translation":
            raise RunFolderError(f"{self.run.path} was made by {self.run.recipe}, which does not translate; give a translator run")
        self.settings = settings
        self.source = SideVocabulary.from_dict(settings["source"])
        self.target = SideVocabulary.from_dict(settings["target"])
        self.config = self.run.read_json("config.json").get("config", {})
        self.model = self.run.load_model()
        self.translator = Translator(
            self.model, self.source, self.target,
            max_source_length=self.config.get("max_source_length"), max_target_length=self.config.get("max_target_length"),
        )

    @property
    def max_source_length(self) -> int:
        return self.translator.source_limit

    @property
    def beam(self) -> int:
        """The beam width the run was evaluated with (its config's `beam`), 4 if it has none."""
        return int(self.config.get("beam", 4))

    @property
    def length_penalty(self) -> float:
        return float(self.config.get("length_penalty", 0.6))

    def check(self, texts: Any) -> tuple[list[str], list[str]]:
        """The texts as a list, and one note per text that will translate poorly; bad texts are a `DataError`.

        Empty texts, texts of only unknown tokens and texts longer than the model reads are errors,
        each naming the text: a translation of nothing would only mislead.
        """
        if isinstance(texts, (str, bytes)) or not isinstance(texts, Sequence):
            raise DataError(f"texts must be a list of strings, got {type(texts).__name__}")
        notes = []
        for number, text in enumerate(texts, start=1):
            if not isinstance(text, str):
                raise DataError(f"text {number} must be a string, got {type(text).__name__}")
            tokens = tokenize(text, self.source.level)
            unit = "character" if self.source.level == "chars" else "word"
            if not tokens:
                raise DataError(f"text {number} is empty; give a sentence to translate")
            unknown = self.source.unknown(text)
            if len(unknown) == len(set(self.source.split(text))):
                raise DataError(
                    f"text {number} {text!r} has no {unit} this model knows; it translates "
                    f"{self.settings.get('source_language', 'its source language')}"
                )
            if len(tokens) > self.max_source_length:
                raise DataError(
                    f"text {number} is {len(tokens)} {unit}s long; this model reads at most "
                    f"{self.max_source_length} (split it into sentences)"
                )
            if unknown:
                notes.append(f"text {number}: not in the vocabulary, read as [UNK]: {' '.join(unknown)}")
        return list(texts), notes

    def translate(self, texts: Sequence[str], *, beam: int | None = None, length_penalty: float | None = None) -> list[str]:
        """The translation of each text (checked first: see `check`), by beam search of the run's width unless given."""
        texts, _ = self.check(texts)
        beam = self.beam if beam is None else beam
        length_penalty = self.length_penalty if length_penalty is None else length_penalty
        return self.translator.translate(texts, beam=beam, length_penalty=length_penalty)


    def empty_note(self, translations: Sequence[str]) -> str | None:
        """A note when some translations are empty (the model wrote [END] first), with the run's validation BLEU.

        An empty line alone reads as a crash or a missing input; what it means is a model that has
        not learnt enough, which the run's own validation scores show. None when none is empty.
        """
        empty = [number for number, text in enumerate(translations, start=1) if not text.strip()]
        if not empty:
            return None
        which = f"text {empty[0]}" if len(empty) == 1 else f"{len(empty)} of {len(translations)} texts"
        validation = self.run.load_metrics().get("validation", {}) if self.run.file("metrics.json").is_file() else {}
        bleu = validation.get("model", {}).get("bleu")
        memory = validation.get("baselines", {}).get("translation_memory", {}).get("bleu")
        scores = "" if bleu is None else f" (validation BLEU {bleu:.1f}" + (
            "" if memory is None else f", against {memory:.1f} for the translation memory") + ")"
        return (
            f"{which}: the model wrote an empty translation; it is undertrained{scores}: train it on more pairs "
            "and for more epochs (a --quick run is a smoke test, not a translator)"
        )


#: What `rnn-cookbook translate` prints in place of an empty translation, so that every text keeps its line.
EMPTY_TRANSLATION = "(empty translation)"


def translate(run_dir: str | Path, texts: Sequence[str], *, beam: int | None = None, length_penalty: float | None = None) -> list[str]:
    """The translations of `texts` by the translator run in `run_dir` (loaded in safe mode), e.g.
    `translate("runs/translator/<run>", ["我们明天见。"]) == ["See you tomorrow."]`."""
    return TranslatorRun(run_dir).translate(texts, beam=beam, length_penalty=length_penalty)
