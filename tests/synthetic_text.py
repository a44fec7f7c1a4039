"""SYNTHETIC text for the tests: templated movie reviews with a known sentiment, and writers for
the on-disk layouts the loaders read (CSV, aclImdb folders, one file per class).

Nothing here is real data; it exists so the text recipes can be tested offline in seconds.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

POSITIVE = ["great", "wonderful", "moving", "brilliant", "delightful", "superb", "charming", "gripping"]
NEGATIVE = ["awful", "boring", "dreadful", "clumsy", "tedious", "terrible", "dull", "messy"]
SUBJECTS = ["the acting", "the plot", "this film", "the music", "the ending", "the script", "the cast", "the pacing"]
OPENERS = ["honestly", "overall", "i think", "to be fair", "in the end", "as expected", "frankly", "all in all"]


def synthetic_reviews(count: int = 2000, seed: int = 0) -> list[tuple[str, int]]:
    """SYNTHETIC: `count` short reviews, half positive (label 1) and half negative (label 0)."""
    rng = random.Random(seed)
    reviews = []
    for i in range(count):
        label = i % 2
        words = POSITIVE if label else NEGATIVE
        first, second = rng.sample(SUBJECTS, 2)
        text = f"{rng.choice(OPENERS)} {first} was {rng.choice(words)} and {second} felt {rng.choice(words)}."
        reviews.append((text, label))
    rng.shuffle(reviews)
    return reviews


def write_csv(path: Path, reviews: list[tuple[str, int]], text_column: str = "text", label_column: str = "label") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([text_column, label_column])
        writer.writerows(reviews)
    return path


def write_acl_imdb(root: Path, train: list[tuple[str, int]], test: list[tuple[str, int]]) -> Path:
    """The aclImdb layout: root/{train,test}/{pos,neg}/<id>_<rating>.txt."""
    for split, reviews in (("train", train), ("test", test)):
        for polarity in ("pos", "neg"):
            (root / split / polarity).mkdir(parents=True, exist_ok=True)
        for i, (text, label) in enumerate(reviews):
            polarity, rating = ("pos", 9) if label else ("neg", 2)
            (root / split / polarity / f"{i}_{rating}.txt").write_text(text, encoding="utf-8")
    return root


QUESTION_TEMPLATES = {  # SYNTHETIC: six TREC-like coarse classes, each with two fine ones and its own words
    "ABBR:exp": "what does {x} stand for ?",
    "ABBR:abb": "what is the abbreviation of {x} ?",
    "DESC:manner": "how did {x} develop ?",
    "DESC:reason": "why did {x} happen ?",
    "ENTY:animal": "which animal is {x} ?",
    "ENTY:food": "what food is {x} ?",
    "HUM:ind": "who invented {x} ?",
    "HUM:gr": "which team won {x} ?",
    "LOC:city": "where is the caf\u00e9 {x} ?",
    "LOC:country": "in which country is Z\u00fcrich {x} ?",
    "NUM:count": "how many {x} are there ?",
    "NUM:date": "when was {x} built ?",
}
TOPICS = ["the telescope", "nasa", "the bridge", "radio", "the canal", "the museum", "penicillin", "the railway"]


def synthetic_questions(count: int = 600, seed: int = 0) -> list[tuple[str, str]]:
    """SYNTHETIC: `count` questions as (text, `COARSE:fine` label), the twelve fine classes in turn."""
    rng = random.Random(seed)
    labels = list(QUESTION_TEMPLATES)
    return [(QUESTION_TEMPLATES[labels[i % len(labels)]].format(x=rng.choice(TOPICS)), labels[i % len(labels)]) for i in range(count)]


def write_labelled_lines(path: Path, pairs: list[tuple[str, str]], *, prefix: str = "", encoding: str = "utf-8") -> Path:
    """Lines `LABEL text` (TREC), or `__label__LABEL text` (fastText) with prefix="__label__"."""
    path.write_bytes("".join(f"{prefix}{label} {text}\n" for text, label in pairs).encode(encoding))
    return path
