"""Reading text off disk as people keep it: plain files in any common encoding, folders, delimited
files, and `.tar.gz` archives read member by member without unpacking them.

Every reader here decodes bytes through `decode`: UTF-8 first (a byte-order mark is honoured).
A file that is not UTF-8 throughout is decoded line by line: each line that is UTF-8 is read as
UTF-8, and only the others fall back to Windows-1252 (which every Latin-1 file of printable text
also is), then Latin-1, which decodes any byte. So one Latin-1 line in a UTF-8 file stays one
line read otherwise, instead of turning every `café` of the file into `cafÃ©`. An `encoding`
given by the user is used as it is, for the whole file, and an error names the file and the byte
it cannot read. What was done is returned beside the text (`Decoding`), so loaders say in a note
which lines were not UTF-8: nothing is mangled silently.
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


SHOWN_LINES = 5  # line numbers a note lists before "..."


@dataclasses.dataclass(frozen=True)
class Decoding:
    """How a file was decoded: its encoding, or UTF-8 with some lines read by a fallback."""

    encoding: str  # utf-8, utf-8-sig, utf-16, a fallback for the whole file, or the encoding given
    fallback: str | None = None  # set when only some lines needed it
    fallback_lines: tuple[int, ...] = ()  # their numbers, from 1
    lines: int = 0

    @property
    def is_utf8(self) -> bool:
        return self.encoding in ("utf-8", "utf-8-sig") and not self.fallback_lines

    def describe(self) -> str:
        if not self.fallback_lines:
            return f"not UTF-8, read as {self.encoding}"
        shown = ", ".join(str(n) for n in self.fallback_lines[:SHOWN_LINES])
        more = ", ..." if len(self.fallback_lines) > SHOWN_LINES else ""
        return (
            f"{len(self.fallback_lines)} of {self.lines} lines are not UTF-8 and were read as {self.fallback} "
            f"(line {shown}{more}); the others as UTF-8"
        )


@dataclasses.dataclass
class EncodingLog:
    """How the files read so far were decoded (for a few notes, not one per file)."""

    used: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def add(self, name: str, decoding: Decoding) -> None:
        if not decoding.is_utf8:
            self.used.setdefault(decoding.describe(), []).append(name)

    def notes(self) -> list[str]:
        """One note per way of decoding other than UTF-8, naming the first file read that way."""
        notes = []
        for described, names in self.used.items():
            more = f" and {len(names) - 1} more file(s)" if len(names) > 1 else ""
            notes.append(f"{names[0]}{more}: {described} (set encoding=... if that is wrong)")
        return notes


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, Decoding]:
    """`data` as text, and how it was decoded (see the module docstring). `name` is for errors."""
    if encoding is not None:
        try:
            return data.decode(encoding), Decoding(encoding)
        except LookupError:
            raise DataError(f"encoding={encoding!r} is not an encoding Python knows (e.g. utf-8, latin-1, cp1252)") from None
        except UnicodeDecodeError as exc:
            raise DataError(f"{name} is not {encoding} text (byte {exc.start}); give the file's encoding=...") from None
    if data.startswith(codecs.BOM_UTF8):
        data, bom = data[len(codecs.BOM_UTF8):], True
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), Decoding("utf-16")
    else:
        bom = False
    try:
        return data.decode("utf-8"), Decoding("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError:
        return _decode_by_line(data)


def _decode_by_line(data: bytes) -> tuple[str, Decoding]:
    """UTF-8 where a line decodes as UTF-8; Windows-1252, else Latin-1, where it does not."""
    lines = data.split(b"\n")  # joined back with the same byte: line endings are kept as they were
    decoded, fallback_lines, fallbacks = [], [], []
    for number, raw in enumerate(lines, start=1):
        try:
            decoded.append(raw.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        for fallback in FALLBACK_ENCODINGS:
            try:
                decoded.append(raw.decode(fallback))
                break
            except UnicodeDecodeError:
                continue
        fallback_lines.append(number)
        fallbacks.append(fallback)
    used = "cp1252" if all(f == "cp1252" for f in fallbacks) else "cp1252 or latin-1"
    counted = len(lines) - (lines[-1] == b"")  # a final newline ends the last line, it starts none
    if len(fallback_lines) == sum(1 for raw in lines if raw.strip()) or counted <= 1:  # none of it was UTF-8
        return "\n".join(decoded), Decoding(used)
    return "\n".join(decoded), Decoding("utf-8", fallback=used, fallback_lines=tuple(fallback_lines), lines=counted)


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
