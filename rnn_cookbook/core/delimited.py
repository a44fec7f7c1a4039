"""Separators of delimited files, named the way people type them on a command line.

Both the series loader and the text loader read delimited files. A separator is given as the
character itself or by name (`--set sep=tab`: a tab is awkward to type in a shell), or left out
and read off the file: `.tsv` files are tab-separated, anything else is sniffed from its first
lines by `csv.Sniffer` among comma, semicolon, tab and bar, defaulting to comma.
"""

from __future__ import annotations

import csv
from pathlib import Path

from rnn_cookbook.core.errors import DataError

SEPARATOR_NAMES = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "bar": "|", "space": " "}


#: How common binary files begin, to say what a file is when it is not text at all.
BINARY_STARTS = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"%PDF": "a PDF document",
    b"PK\x03\x04": "a zip archive (an .xlsx workbook is one: save it as CSV)", b"\x1f\x8b": "a gzip archive",
    b"\x93NUMPY": "a NumPy array", b"\x89HDF": "an HDF5 file",
}


def check_text_file(path: str | Path) -> None:
    """Refuse a file that is not text at all (an image renamed .csv, a workbook) in one line that says what it is."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(4096)
    for start, what in BINARY_STARTS.items():
        if head.startswith(start):
            raise DataError(f"{path} is not a text table: it is {what}")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has NULs, and a BOM
        raise DataError(f"{path} is not a text table: it holds binary data (NUL bytes in its first {len(head):,} bytes)")


def separator_of(path: str | Path, sep: str | None = None) -> str:
    """The one-character separator of `path`: `sep` (a character or a name), else detected.

    A file that is not text at all is refused first (`check_text_file`): no separator can help it.
    """
    if Path(path).is_file():
        check_text_file(path)
    if sep is None or sep == "":
        return detect_separator(Path(path))
    character = SEPARATOR_NAMES.get(sep.lower(), sep) if isinstance(sep, str) else sep
    if character == "\\t":
        character = "\t"
    if not isinstance(character, str) or len(character) != 1:
        names = ", ".join(SEPARATOR_NAMES)
        raise DataError(f"sep must be one character or one of {names}; got {sep!r}")
    return character


def detect_separator(path: Path) -> str:
    """`\\t` for .tsv files; otherwise the separator csv.Sniffer reads off the first lines (default `,`)."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = "".join(handle.readline() for _ in range(20))
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","
