"""Files QAM writes for people: atomically, and safe to open in a spreadsheet."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from qam.errors import QamError

# A cell starting with one of these can run as a formula in Excel, LibreOffice or Sheets
# (OWASP CSV injection), so exports put an apostrophe in front of it.
RISKY_FIRST = ("=", "+", "-", "@", "|", "%", "{", "\t", "\r", "\n")


def spreadsheet_safe(value: object) -> str:
    """Text as a cell no spreadsheet will run: a leading apostrophe before a risky character."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(RISKY_FIRST) else text


OWNER_ONLY = 0o600
READ_BITS = 0o444


def output_mode(store_path: Path | str | None, *, public: bool = False) -> int:
    """The permissions for a file made from a store: the store's own read and write bits (so a
    store only its owner may read yields files only its owner may read), and readable by
    everyone for a public report, which is meant to be shared. No store to copy: owner only."""
    try:
        mode = os.stat(store_path).st_mode & 0o666 if store_path else OWNER_ONLY
    except OSError:
        mode = OWNER_ONLY
    mode |= 0o600  # whoever wrote the file can always read and replace it
    return mode | READ_BITS if public else mode


@contextlib.contextmanager
def atomic_file(path: Path | str, *, mode: int = OWNER_ONLY) -> Iterator[BinaryIO]:
    """A binary file to write that appears at `path` whole when the block ends, or not at all,
    with permissions `mode` (see `output_mode`; owner-only unless told otherwise).

    The temporary file sits in the same folder (so os.replace is a rename on one disk) and is
    fsynced before the rename; a killed run, or an error in the block, leaves the previous
    file intact and no partial file under the final name.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise QamError(
            f"Cannot create the folder {folder} ({err.strerror}); choose another path."
        ) from err
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        # Set before the data goes in, so no reader ever sees the data under wider permissions.
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path | str, data: str | bytes, *, mode: int = OWNER_ONLY) -> Path:
    """Write `data` so that `path` holds the old file or the whole new one, never half of it."""
    with atomic_file(path, mode=mode) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)
