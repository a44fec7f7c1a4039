"""Sentence pairs for translation: read, tokenised, cut to length, and split without leaks.

The files people have are tab-separated pairs, one a line: Tatoeba's exports and the
manythings.org/anki packs (`English<TAB>other language<TAB>attribution`), or any
`source<TAB>target[<TAB>more]` file. `load_pairs` reads them as they are:

- The file's columns are named by `columns`, e.g. `"en,zh"`. With `"auto"`, a column written in
  Chinese or Japanese script is that language (`zh` or `ja`) and the source, and the other column
  English, the target (Tatoeba's packs pair English with another language); a file without such a
  column reads as `source<TAB>target`. `source` and `target` choose the direction (`source=en
  target=zh` turns Tatoeba's round). The columns after those two (Tatoeba's attribution, say) are
  kept aside, never dropped: `SentencePairs.extra`.
- Chinese and Japanese are read as characters (no segmenter is needed), every other language as
  words and punctuation marks (`tokenize`); `source_tokens` / `target_tokens` choose, and `jieba`
  cuts Chinese into words with the jieba segmenter (`pip install "rnn-cookbook[jieba]"`).
  `subwords` learns SentencePiece pieces from the training sentences (`.subwords`); here, before
  any model is learnt (length limits, retrieval), such a side counts in words.
- Pairs longer than the model's maximum on either side are dropped, and the run says how many.
- **The split.** Tatoeba repeats sentences: "Which book is yours?" has six Chinese translations.
  A random split of the lines puts the same English sentence in training and test, and the test
  score then rewards memory. Here every pair is a node, pairs that share their source or their
  target text are joined, and each connected group goes whole into one split: no sentence of
  either language is on both sides.

A malformed line (one column, an empty side) is an error that names the file and the line.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rnn_cookbook.core.download import download
from rnn_cookbook.core.reading import decode
from rnn_cookbook.core.errors import ConfigError, DataError

#: Languages read one character at a time: their words are not separated by spaces.
CHARACTER_LANGUAGES = ("zh", "cmn", "yue", "ja", "jpn", "th", "tha")
AUTO = "auto"
TOKEN_LEVELS = (AUTO, "chars", "words", "jieba", "subwords")
#: Tatoeba's English-Chinese pairs as manythings.org/anki packs them (the zip holds cmn.txt).
CMN_ENG_URL = "https://www.manythings.org/anki/cmn-eng.zip"
CMN_ENG_HINT = (
    "download cmn-eng.zip from manythings.org/anki (or Tatoeba's own export), unzip it, "
    "and set data=path/to/cmn.txt"
)
#: `data=toy`: 60 short Chinese-English pairs written for the cookbook's quick runs and tests. A
#: model learns a little from them in seconds; they are not a benchmark.
TOY_PAIRS = """\
我很好。\tI'm fine.
我很累。\tI'm tired.
我很饿。\tI'm hungry.
我很忙。\tI'm busy.
我很高兴。\tI'm happy.
他很好。\tHe's fine.
他很累。\tHe's tired.
他很饿。\tHe's hungry.
他很忙。\tHe's busy.
他很高兴。\tHe's happy.
她很好。\tShe's fine.
她很累。\tShe's tired.
她很饿。\tShe's hungry.
她很忙。\tShe's busy.
她很高兴。\tShe's happy.
我们很好。\tWe're fine.
我们很累。\tWe're tired.
我们很饿。\tWe're hungry.
我们很忙。\tWe're busy.
我们很高兴。\tWe're happy.
我喜欢猫。\tI like cats.
我喜欢狗。\tI like dogs.
我喜欢茶。\tI like tea.
我喜欢书。\tI like books.
他喜欢猫。\tHe likes cats.
他喜欢狗。\tHe likes dogs.
他喜欢茶。\tHe likes tea.
他喜欢书。\tHe likes books.
她喜欢猫。\tShe likes cats.
她喜欢狗。\tShe likes dogs.
她喜欢茶。\tShe likes tea.
她喜欢书。\tShe likes books.
我们喜欢猫。\tWe like cats.
我们喜欢狗。\tWe like dogs.
我们喜欢茶。\tWe like tea.
我们喜欢书。\tWe like books.
我明天去。\tI'll go tomorrow.
他明天去。\tHe'll go tomorrow.
她明天去。\tShe'll go tomorrow.
我们明天去。\tWe'll go tomorrow.
我今天去。\tI'll go today.
他今天去。\tHe'll go today.
她今天去。\tShe'll go today.
我们今天去。\tWe'll go today.
我们明天见。\tSee you tomorrow.
我不喜欢猫。\tI don't like cats.
我不喜欢狗。\tI don't like dogs.
我不喜欢茶。\tI don't like tea.
他不喜欢猫。\tHe doesn't like cats.
他不喜欢狗。\tHe doesn't like dogs.
她不喜欢茶。\tShe doesn't like tea.
她不喜欢书。\tShe doesn't like books.
我们不喜欢狗。\tWe don't like dogs.
我们不喜欢书。\tWe don't like books.
谢谢。\tThank you.
你好。\tHello.
再见。\tGoodbye.
我是学生。\tI'm a student.
他是老师。\tHe's a teacher.
她是医生。\tShe's a doctor.
"""
_WORD = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)
#: A run of Han characters, kana and CJK punctuation: what jieba segments (the rest of a text is read as words).
_HAN_RUN = re.compile(r"([\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")


def tokenize(text: str, level: str) -> list[str]:
    """`text` as tokens: characters (spaces dropped), jieba's words, or words with punctuation marks apart.

    `"I'll see you at 5."` → `["I'll", "see", "you", "at", "5", "."]`; `"我们明天见。"` →
    `["我", "们", "明", "天", "见", "。"]`, or with `jieba` `["我们", "明天", "见", "。"]`. Case is
    kept: the output should read like the references.
    """
    text = unicodedata.normalize("NFKC", text)
    if level == "chars":
        return [c for c in text if not c.isspace()]
    if level == "jieba":  # the split alternates other text (read as words) and Han runs (cut by jieba)
        runs = _HAN_RUN.split(text)
        return [t for i, run in enumerate(runs) for t in (jieba_segmenter().lcut(run) if i % 2 else _WORD.findall(run))]
    return _WORD.findall(text)


def jieba_segmenter():  # noqa: ANN201  (jieba has no type hints)
    """jieba, imported once and quiet (it logs its dictionary loading), or a ConfigError that says how to install it."""
    try:
        import jieba
    except ImportError:
        raise ConfigError('jieba tokens need the jieba package: pip install "rnn-cookbook[jieba]"') from None
    import logging

    jieba.setLogLevel(logging.WARNING)
    return jieba


def detokenize(tokens: Sequence[str], level: str) -> str:
    """Tokens back to text: characters and jieba's words run together; words get spaces, but not before
    punctuation (with `jieba`, the words between Han runs too: "我用" "iPhone" "8" "拍照" → "我用iPhone 8拍照")."""
    if level == "chars":
        return "".join(tokens)
    if level == "jieba":
        runs = itertools.groupby(tokens, key=lambda token: bool(_HAN_RUN.fullmatch(token)))
        return "".join("".join(run) if han else detokenize(list(run), "words") for han, run in runs)
    text = ""
    for token in tokens:
        glue = not text or (len(token) == 1 and token in ".,!?;:%)]}…。，！？") or text.endswith(("(", "[", "{", "$"))
        text += token if glue else " " + token
    return text


def level_of(language: str, setting: str = "auto") -> str:
    """`chars`, `words`, `jieba` or `subwords`: the setting, or by language with `auto` (`CHARACTER_LANGUAGES` are chars)."""
    if setting != "auto":
        return setting
    return "chars" if language.lower() in CHARACTER_LANGUAGES else "words"


def script_language(texts: Sequence[str]) -> str | None:
    """`zh` or `ja` when most letters of `texts` are Han (or kana) characters, else None."""
    han = kana = letters = 0
    for text in texts:
        for c in text:
            if not c.isalpha():
                continue
            letters += 1
            name = unicodedata.name(c, "")
            han += name.startswith("CJK")
            kana += name.startswith(("HIRAGANA", "KATAKANA"))
    if not letters or (han + kana) / letters < 0.5:
        return None
    return "ja" if kana > 0.1 * letters else "zh"


@dataclasses.dataclass(frozen=True)
class SentencePairs:
    """Source and target sentences, their token levels, and the split each pair belongs to."""

    name: str
    source_language: str
    target_language: str
    source_level: str
    target_level: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    split: np.ndarray  # "train" | "validation" | "test", one per pair
    extra: tuple[tuple[str, ...], ...] = ()  # the file's other columns (attribution), one tuple per pair
    notes: tuple[str, ...] = ()

    def part(self, name: str) -> tuple[list[str], list[str]]:
        """(sources, targets) of one split."""
        rows = np.flatnonzero(self.split == name)
        return [self.sources[i] for i in rows], [self.targets[i] for i in rows]

    def sizes(self) -> dict[str, int]:
        return {name: int((self.split == name).sum()) for name in ("train", "validation", "test")}

    @property
    def label(self) -> str:
        return f"{self.name} ({self.source_language}->{self.target_language})"


def read_pair_file(path: str | Path, *, encoding: str | None = None) -> tuple[list[list[str]], str]:
    """The tab-separated rows of a pair file (a text file, or a zip holding one), and its name.

    Blank lines are skipped (Tatoeba's files end with one); a line with fewer than two columns,
    or with an empty sentence, is a `DataError` naming the line.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file; give a tab-separated file of sentence pairs ({CMN_ENG_HINT})")
    if path.is_dir():
        raise DataError(f"{path} is a folder; give the tab-separated file of sentence pairs inside it")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if m.endswith(".txt") and not Path(m).name.startswith(("_", "."))]
            if len(members) != 1:
                raise DataError(f"{path}: expected one .txt file of pairs in the zip, found {members or 'none'}")
            name = f"{path.name}:{members[0]}"
            text, _ = decode(archive.read(members[0]), name, encoding)
    else:
        name = str(path)
        text, _ = decode(path.read_bytes(), name, encoding)
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) < 2:
            raise DataError(f"{name}, line {number}: one column; pairs are source<TAB>target (tab-separated)")
        if not fields[0].strip() or not fields[1].strip():
            raise DataError(f"{name}, line {number}: an empty sentence in the first two columns")
        rows.append([f.strip() for f in fields])
    if not rows:
        raise DataError(f"{name} holds no sentence pairs")
    return rows, name


def column_languages(rows: Sequence[Sequence[str]], columns: str, source: str, target: str) -> tuple[tuple[str, str], str]:
    """The languages of the first two columns, and how they were found (for a note).

    `columns` names them; with `auto`, a column in Chinese or Japanese script is that language and
    the other one is the other language asked for, or English when none is (Tatoeba's packs pair
    English with another language). Without such a column, the columns are the `source` and
    `target` asked for, in that order, or plainly `source` and `target`.
    """
    if columns != AUTO:
        named = tuple(c.strip() for c in columns.split(","))
        if len(named) != 2 or not all(named) or named[0] == named[1] or AUTO in named:
            raise ConfigError(f"columns must name the file's first two columns, like 'en,zh'; got {columns!r}")
        return named, "as set by columns"
    sample = rows[:: max(1, len(rows) // 2000)]
    found = [script_language([row[i] for row in sample]) for i in (0, 1)]
    asked = [language for language in (source, target) if language != AUTO]
    if (found[0] is None) != (found[1] is None):
        i = 0 if found[0] is not None else 1
        others = [language for language in asked if language != found[i]]
        other = others[0] if others else "en"
        languages = [other, other]
        languages[i] = found[i]
        because = "as asked" if others else "as in Tatoeba's packs, which pair English with another language"
        return (languages[0], languages[1]), f"column {i + 1} is {found[i]} by its script, column {2 - i} {other}, {because}"
    wanted_script = [language for language in asked if language.lower() in CHARACTER_LANGUAGES]
    if wanted_script:
        raise ConfigError(
            f"no column of the file is written in {wanted_script[0]}'s script, but {wanted_script[0]} was asked; "
            "set source=... and target=... to the file's languages (source<TAB>target), or columns=... to name them"
        )
    languages = (source if source != AUTO else "source", target if target != AUTO else "target")
    return languages, "the first is the source, the second the target; set columns=... to name them"


def direction(languages: tuple[str, str], source: str, target: str) -> tuple[str, str]:
    """(source, target) languages: as asked, with `auto` filled in. By default a Chinese or Japanese
    column is the source (the tutorials' direction, into English), otherwise the first column."""
    if source == AUTO and target == AUTO:
        first = next((language for language in languages if language.lower() in CHARACTER_LANGUAGES), languages[0])
        return first, languages[1 - languages.index(first)]
    if source == AUTO:
        return (languages[1 - languages.index(target)] if target in languages else languages[0]), target
    if target == AUTO:
        return source, (languages[1 - languages.index(source)] if source in languages else languages[1])
    return source, target


def connected_groups(left: Sequence[str], right: Sequence[str]) -> np.ndarray:
    """A group number per pair: pairs sharing a left or a right sentence are in one group (union-find)."""
    parent = list(range(len(left)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for side in (left, right):
        first: dict[str, int] = {}
        for i, text in enumerate(side):
            j = first.setdefault(text, i)
            if j != i:
                parent[root(i)] = root(j)
    roots = np.array([root(i) for i in range(len(left))])
    return np.unique(roots, return_inverse=True)[1]


def split_groups(groups: np.ndarray, validation_fraction: float, test_fraction: float, seed: int) -> np.ndarray:
    """"train" / "validation" / "test" per pair, whole groups at a time, in a seeded random order."""
    count = int(groups.max()) + 1 if len(groups) else 0
    sizes = np.bincount(groups, minlength=count)
    order = np.random.default_rng(seed).permutation(count)
    filled = np.cumsum(sizes[order])
    total = len(groups)
    part = np.full(count, "train", dtype=object)
    test_groups = order[filled <= round(test_fraction * total)]
    validation_groups = order[(filled > round(test_fraction * total)) & (filled <= round((test_fraction + validation_fraction) * total))]
    part[test_groups] = "test"
    part[validation_groups] = "validation"
    return part[groups].astype(str)


def load_pairs(
    source: str | Path,
    *,
    source_language: str = "auto",
    target_language: str = "auto",
    columns: str = "auto",
    source_tokens: str = "auto",
    target_tokens: str = "auto",
    max_source_length: int = 32,
    max_target_length: int = 24,
    validation_fraction: float = 0.1,
    test_fraction: float = 0.1,
    seed: int = 0,
    encoding: str | None = None,
    max_pairs: int | None = None,
    origin: str = CMN_ENG_URL,
    file_hash: str | None = None,
    cache_dir: str | Path | None = None,
) -> SentencePairs:
    """Sentence pairs from `source`: a file path, `cmn-eng` (Tatoeba's pairs, downloaded once) or `toy`.

    See the module docstring for the columns, tokens, length limit and split. manythings.org
    rebuilds its zip as Tatoeba grows, so the download has no fixed checksum unless `file_hash`
    names one. `max_pairs` keeps a random sample (seeded by `seed`) of the pairs within the length
    limits, before the split: a first look at a large file in seconds.
    """
    for name, value in (("source_tokens", source_tokens), ("target_tokens", target_tokens)):
        if value not in TOKEN_LEVELS:
            raise ConfigError(f"{name} must be one of {', '.join(TOKEN_LEVELS)}; got {value!r}")
    if source_language == target_language != AUTO:
        raise ConfigError(f"source and target are both {source_language!r}; translate between two languages")
    if "jieba" in (source_tokens, target_tokens):
        jieba_segmenter()  # not installed: say so before reading a large file
    if "subwords" in (source_tokens, target_tokens):
        from rnn_cookbook.translation.subwords import sentencepiece

        sentencepiece()
    if str(source) == "toy":
        rows, name = [line.split("\t") for line in TOY_PAIRS.splitlines()], "toy (hand-written)"
    else:
        if str(source) == "cmn-eng":
            source = download("cmn-eng", "cmn-eng.zip", origin, file_hash, cache_dir, hint=CMN_ENG_HINT)
        rows, name = read_pair_file(source, encoding=encoding)
    languages, how = column_languages(rows, columns, source_language, target_language)
    source_language, target_language = direction(languages, source_language, target_language)
    for language in (source_language, target_language):
        if language not in languages:
            raise ConfigError(
                f"{name}'s columns are {languages[0]},{languages[1]} ({how}); source and target must be two "
                f"of them, got {source_language}->{target_language} (set columns=... to name the file's columns)"
            )
    s, t = languages.index(source_language), languages.index(target_language)
    levels = level_of(source_language, source_tokens), level_of(target_language, target_tokens)
    kept, too_long = [], 0
    for row in rows:
        if len(tokenize(row[s], levels[0])) > max_source_length or len(tokenize(row[t], levels[1])) > max_target_length:
            too_long += 1
        else:
            kept.append(row)
    if not kept:
        raise DataError(
            f"every pair of {name} is longer than max_source_length={max_source_length} or "
            f"max_target_length={max_target_length} tokens; raise them"
        )
    sampled = ""
    if max_pairs is not None and len(kept) > max_pairs:
        chosen = np.sort(np.random.default_rng(seed).choice(len(kept), size=max_pairs, replace=False))
        sampled = f"; kept a random {max_pairs:,} of the {len(kept):,} others (max_pairs)"
        kept = [kept[i] for i in chosen]
    sources, targets = [row[s] for row in kept], [row[t] for row in kept]
    split = split_groups(connected_groups(sources, targets), validation_fraction, test_fraction, seed)
    sizes = Counter(split.tolist())
    for part in ("train", "validation", "test"):
        if not sizes.get(part):
            raise DataError(
                f"{name}: {len(kept)} pair(s) are too few for a train, validation and test split "
                "whose sentences never repeat across them; give more pairs"
            )
    notes = (
        f"{name}: {len(rows):,} pairs; columns {languages[0]},{languages[1]}: {how}; translating "
        f"{source_language} ({levels[0]}) -> {target_language} ({levels[1]})",
        f"dropped {too_long:,} pair(s) longer than {max_source_length} source or {max_target_length} target tokens{sampled}; "
        f"split {sizes['train']:,} train / {sizes['validation']:,} validation / {sizes['test']:,} test, "
        "no sentence on two sides",
    )
    return SentencePairs(
        name=name if name.startswith("toy") else Path(name).name.split(":")[-1],
        source_language=source_language,
        target_language=target_language,
        source_level=levels[0],
        target_level=levels[1],
        sources=tuple(sources),
        targets=tuple(targets),
        split=split,
        extra=tuple(tuple(row[2:]) for row in kept),
        notes=notes,
    )
