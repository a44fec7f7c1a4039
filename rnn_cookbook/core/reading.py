"""Reading text off disk as people keep it: plain files in any common encoding, folders, delimited
files, and `.tar.gz` archives read member by member without unpacking them.

Every reader here decodes bytes through `decode`: UTF-8 first (a byte-order mark is honoured),
then, only if that fails, Windows-1252 (which every Latin-1 file of printable text also is) and
finally Latin-1, which decodes any byte. An `encoding` given by the user is used as it is, and an
error names the file and the byte it cannot read. The encoding actually used is returned beside
the text, so loaders can say in a note when a file was not UTF-8: nothing is mangled silently.
"""

from __future__ import annotations

import codecs
import dataclasses
import tarfile
from collections.abc import Iterator
from pathlib import Path

from rnn_cookbook.core.delimited import separator_of
from rnn_cookbook.core.errors import DataError

FALLBACK_ENCODINGS = ("cp1252", "latin-1")  # tried in order when UTF-8 fails and no encoding is given
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar")


@dataclasses.dataclass
class EncodingLog:
    """The encodings used for the files read so far (for one note, not one per file)."""

    used: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def add(self, name: str, encoding: str) -> None:
        self.used.setdefault(encoding, []).append(name)

    def notes(self) -> list[str]:
        """One note per encoding other than UTF-8, naming the first file read with it."""
        notes = []
        for encoding, names in self.used.items():
            if encoding not in ("utf-8", "utf-8-sig"):
                more = f" and {len(names) - 1} more file(s)" if len(names) > 1 else ""
                notes.append(f"{names[0]}{more}: not UTF-8, read as {encoding} (set encoding=... if that is wrong)")
        return notes


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """`data` as text, and the encoding used (see the module docstring). `name` is for errors."""
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise DataError(f"encoding={encoding!r} is not an encoding Python knows (e.g. utf-8, latin-1, cp1252)") from None
        except UnicodeDecodeError as exc:
            raise DataError(f"{name} is not {encoding} text (byte {exc.start}); give the file's encoding=...") from None
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for fallback in FALLBACK_ENCODINGS:
        try:
            return data.decode(fallback), fallback
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def read_text_file(path: Path, encoding: str | None = None, log: EncodingLog | None = None) -> str:
    """The whole of a text file, decoded by `decode`; `log` records the encoding used."""
    text, used = decode(Path(path).read_bytes(), str(path), encoding)
    if log is not None:
        log.add(str(path), used)
    return text


def is_archive(path: Path) -> bool:
    """A `.tar.gz`, `.tgz` or `.tar` file, read member by member."""
    return path.is_file() and path.name.lower().endswith(ARCHIVE_SUFFIXES)


def archive_members(path: Path, encoding: str | None = None, log: EncodingLog | None = None) -> Iterator[tuple[str, str]]:
    """(member name, text) of every regular file in a tar archive, in the archive's order, without unpacking it."""
    try:
        with tarfile.open(path) as archive:
            for member in archive:
                if not member.isfile() or Path(member.name).name.startswith("."):
                    continue
                handle = archive.extractfile(member)
                if handle is None:
                    continue
                name = f"{path.name}:{member.name}"
                text, used = decode(handle.read(), name, encoding)
                if log is not None:
                    log.add(name, used)
                yield member.name, text
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise DataError(f"cannot read the archive {path}: {exc}") from None


def text_files(folder: Path) -> list[Path]:
    """Every file under `folder` that is not hidden, in name order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def table_column(
    path: str | Path,
    column: str | int,
    *,
    sep: str | None = None,
    header: bool = True,
    encoding: str | None = None,
    log: EncodingLog | None = None,
) -> list[str]:
    """One column of a delimited file, as strings (the texts of an unlabelled CSV, say)."""
    path = Path(path)
    rows, _ = read_rows(path, sep, min_columns=1, encoding=encoding, log=log)
    names = [c.strip() for c in rows[0]] if header else [str(i) for i in range(len(rows[0]))]
    at = column_position(path, names, column, "text_column", header)
    return [row[at] for row in (rows[1:] if header else rows)]


def read_rows(
    path: Path, sep: str | None, *, min_columns: int = 2, encoding: str | None = None, log: EncodingLog | None = None
) -> tuple[list[list[str]], list[int]]:
    """The non-blank rows of a delimited file and their line numbers; ragged rows are errors.

    The file is decoded by `read_text_file` (a spreadsheet's byte-order mark is not a column name).
    """
    import csv
    import io

    separator = separator_of(path, sep)
    quoting = csv.QUOTE_NONE if separator == "\t" else csv.QUOTE_MINIMAL
    text = read_text_file(path, encoding, log)
    rows, line_numbers = [], []
    start = 1
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quoting=quoting)
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                line_numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"cannot read {path} (separator {separator!r}), line {start}: {exc}") from None
    if not rows:
        raise DataError(f"{path} holds no rows")
    width = len(rows[0])
    for row, line in zip(rows, line_numbers, strict=True):
        if len(row) != width:
            raise DataError(
                f"{path}, line {line}: {len(row)} fields where line {line_numbers[0]} has {width} "
                f"(separator {separator!r}; a separator inside a text must be quoted, or set sep)"
            )
    if width < min_columns:
        raise DataError(f"{path} has one column with separator {separator!r}: set sep (e.g. sep=tab)")
    return rows, line_numbers


def column_position(path: Path, names: list[str], column: str | int, role: str, header: bool) -> int:
    """The position of `column` (a name, or with `header=False` a position from 0)."""
    if not header:
        try:
            position = int(column)
        except (TypeError, ValueError):
            raise DataError(f"{path} has no header (header=none): give {role} as a position from 0, got {column!r}") from None
        if not 0 <= position < len(names):
            raise DataError(f"{role}={position} but {path} has {len(names)} columns (positions 0-{len(names) - 1})")
        return position
    if str(column) not in names:
        raise DataError(f"{path} has no column {str(column)!r} (columns: {', '.join(names)}); set {role}, or header=none")
    return names.index(str(column))


def unlabeled_texts(
    source: str | Path,
    *,
    text_column: str = "text",
    sep: str | None = None,
    include: str | None = None,
    encoding: str | None = None,
    log: EncodingLog | None = None,
) -> list[str]:
    """Texts without labels, for a language model, one per non-blank line of:

    - a text file;
    - a folder of text files (every file under it, in name order);
    - a `.tar.gz` / `.tgz` / `.tar` archive, read member by member without unpacking it;
    - a CSV/TSV file's `text_column`.

    `include` keeps only the files (or archive members) whose path inside the folder or archive
    matches that shell pattern, e.g. `*/train/*` for aclImdb's training and unlabelled reviews
    without its test reviews. HTML line breaks (`<br />`) become spaces.
    """
    from fnmatch import fnmatch

    log = EncodingLog() if log is None else log
    path = Path(source)

    def wanted(name: str) -> bool:
        return include is None or fnmatch(name, include)

    if is_archive(path):
        texts = [line for name, text in archive_members(path, encoding, log) if wanted(name) for line in text.splitlines()]
    elif path.is_dir():
        files = [f for f in text_files(path) if wanted(str(f.relative_to(path)))]
        texts = [line for file in files for line in read_text_file(file, encoding, log).splitlines()]
    elif path.is_file() and path.suffix.lower() in (".csv", ".tsv"):
        texts = table_column(path, text_column, sep=sep, encoding=encoding, log=log)
    elif path.is_file():
        texts = read_text_file(path, encoding, log).splitlines()
    else:
        raise DataError(f"{source}: no such file or folder (give a text file, a folder of them, a .tar.gz archive or a CSV)")
    texts = [t.replace("<br />", " ").strip() for t in texts if t.strip()]
    if not texts:
        raise DataError(f"{source} holds no text" + (f" in files matching {include!r}" if include else ""))
    return texts
