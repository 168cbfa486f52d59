"""Opening a file someone gives QAM, so that no file can exhaust the machine.

Every file QAM reads (a table to import, an answers file, a question set) is checked first:
it must be a regular file (a FIFO would block, a device like /dev/zero never ends, a folder is
not a file) and no bigger than a stated limit. Reading then stops at stated limits of rows and
cell length. The limits are far above any real file: a spreadsheet holds at most 1,048,576
rows and 32,767 characters a cell, and a 200,000-row register is about 100 MB as CSV.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from qam.errors import ImportFileError

MAX_TABLE_BYTES = 512 * 1024 * 1024  # a CSV or XLSX to import
MAX_ROWS = 1_048_576  # the most rows a spreadsheet sheet holds
MAX_COLUMNS = 16_384  # the most columns a spreadsheet sheet holds
MAX_CELL = 32_767  # the most characters a spreadsheet cell holds
MAX_XLSX_EXPANDED = 1024 * 1024 * 1024  # what an XLSX may expand to when unzipped
MAX_XLSX_RATIO = 200  # uncompressed / compressed; real workbooks are under 20
MAX_ANSWERS_BYTES = 256 * 1024 * 1024  # `qam capture --answers FILE`
MAX_LINE = 1_000_000  # one JSON line of answers
MAX_QUESTION_SET_BYTES = 10 * 1024 * 1024  # a question set file
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024 * 1024  # `qam capture --document FILE`: hashed, never kept


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_input(path: Path | str, *, max_bytes: int, what: str = "file") -> Path:
    """The path, once it is known to be a regular file within `max_bytes`; else ImportFileError.

    The check follows symlinks and happens before the file is opened, so a FIFO or a device
    is refused without blocking or reading a byte.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ImportFileError(f"{path} does not exist; check the file name and folder.") from None
    except OSError as err:
        raise ImportFileError(f"{path} cannot be read ({err.strerror}).") from None
    if not stat.S_ISREG(info.st_mode):
        hint = "; give the file inside it" if stat.S_ISDIR(info.st_mode) else ""
        raise ImportFileError(f"{path} is {_kind(info.st_mode)}, not a {what}{hint}.")
    if info.st_size > max_bytes:
        raise ImportFileError(
            f"{path} is {info.st_size / 1024 / 1024:,.0f} MB; QAM reads a {what} of at most "
            f"{max_bytes / 1024 / 1024:,.0f} MB. Split it into smaller files."
        )
    return path


def read_bytes(path: Path | str, *, max_bytes: int, what: str = "file") -> bytes:
    """The whole of a small file, checked first by `check_input`."""
    path = check_input(path, max_bytes=max_bytes, what=what)
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew after the check
        raise ImportFileError(f"{path} is larger than {max_bytes:,} bytes; split it.")
    return data


def bounded_lines(stream: IO[str], *, max_line: int = MAX_LINE, source: str) -> Iterator[str]:
    """The lines of a text stream, refusing one longer than `max_line` characters before it
    is read whole (a pipe of /dev/zero has no line end)."""
    number = 0
    while True:
        line = stream.readline(max_line + 1)
        if not line:
            return
        number += 1
        if len(line) > max_line and not line.endswith("\n"):
            raise ImportFileError(
                f"{source} line {number} is over {max_line:,} characters; split it."
            )
        yield line
