"""Files QAM writes for people: atomically, and safe to open in a spreadsheet."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from qam.errors import QamError, RefusedError

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


# ----------------------------------------------------------------------------- targets
# An output never replaces what it should not (issue #12): it goes to a new path, or over a
# regular file that is QAM's own output of the same kind, or over any regular file with
# --overwrite. A folder, a FIFO, a device or a socket (or a symbolic link to one) is refused
# whatever is asked: renaming a new file over /dev/full, as root, would replace the device.
# "QAM's own output of the same kind" is recognised by what QAM writes at its start:
#   sync bundle     its first line is a manifest starting {"format":"qam-sync-bundle"
#   public key      its first line starts {"format":"qam-sync-key"
#   HTML report     <meta name="generator" content="QAM ...> in its head
#   CSV             its header row ends with the "Protective marking" column
#   XLSX            its document properties name QAM as the author
#   ICS calendar    PRODID:-//QAM// in its header
# An empty file holds nothing to lose (a name made by `mktemp`), so it may be replaced too.

HEAD_BYTES = 8192


@dataclass(frozen=True)
class Kind:
    """A kind of file QAM writes, and how to recognise one QAM wrote before."""

    name: str  # in words, for the message ("sync bundle", "report")
    suffixes: tuple[str, ...]
    marker: bytes  # what a file of this kind that QAM wrote holds in its first HEAD_BYTES

    def written_by_qam(self, path: Path) -> bool:
        if self.suffixes == (".xlsx",):
            return _xlsx_by_qam(path)
        try:
            with path.open("rb") as fh:
                head = fh.read(HEAD_BYTES)
        except OSError:
            return False
        return self.marker in head


BUNDLE = Kind("sync bundle", (".qam-bundle",), b'{"format":"qam-sync-bundle"')
PUBLIC_KEY = Kind("QAM public key file", (".qam-key",), b'{"format":"qam-sync-key"')
HTML = Kind("QAM report", (".html", ".htm"), b'<meta name="generator" content="QAM')
CSV = Kind("QAM CSV export", (".csv",), b"Protective marking")
XLSX = Kind("QAM spreadsheet", (".xlsx",), b"")
ICS = Kind("QAM calendar", (".ics",), b"PRODID:-//QAM//")
KINDS = (BUNDLE, PUBLIC_KEY, HTML, CSV, XLSX, ICS)
CSV_MARKING_HEADER = "Protective marking"  # the last column of every CSV QAM writes
XLSX_CREATOR = "QAM"


def _xlsx_by_qam(path: Path) -> bool:
    """True if the workbook's document properties name QAM as its author (read without
    expanding anything but that small part)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as book:
            info = book.getinfo("docProps/core.xml")
            if info.file_size > 65536:
                return False
            core = book.read(info)
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError):
        return False
    return f"<dc:creator>{XLSX_CREATOR}</dc:creator>".encode() in core


def kind_of(path: Path) -> Kind | None:
    """The kind of output a file name says it is, if QAM writes that kind."""
    suffix = path.suffix.lower()
    return next((k for k in KINDS if suffix in k.suffixes), None)


def is_folder(path: Path) -> bool:
    """A folder a person gave for a default file name: a real one, never a symbolic link to
    one (which is refused as a target)."""
    return path.is_dir() and not path.is_symlink()


def _special(mode: int) -> str | None:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return None


def check_target(path: Path | str, kind: Kind | None = None, *, overwrite: bool = False) -> Path:
    """The path to write an output to, after refusing what it must never replace (see above);
    a symbolic link to a regular file is followed, so the link keeps pointing at the output."""
    given = Path(path)
    kind = kind or kind_of(given)
    try:
        info = os.stat(given)  # follows a symbolic link to what it names
    except FileNotFoundError:
        if given.is_symlink():
            raise RefusedError(
                f"{given} is a symbolic link to nothing; give a plain file name."
            ) from None
        return given
    except OSError as err:
        raise QamError(f"Cannot use {given} ({err.strerror}); choose another path.") from None
    special = _special(info.st_mode)
    if special:
        link = " (through a symbolic link)" if given.is_symlink() else ""
        raise RefusedError(
            f"{given} is {special}{link}, not a file QAM may write; give a file name."
        )
    target = given.resolve() if given.is_symlink() else given
    if overwrite or info.st_size == 0:
        return target
    if kind is not None and kind.written_by_qam(target):
        return target
    what = f"a {kind.name}" if kind else "a file QAM wrote"
    raise RefusedError(
        f"{given} already exists and is not {what}; give a new file name, or add "
        "--overwrite to replace it."
    )


@contextlib.contextmanager
def atomic_file(
    path: Path | str,
    *,
    mode: int = OWNER_ONLY,
    kind: Kind | None = None,
    overwrite: bool = False,
) -> Iterator[BinaryIO]:
    """A binary file to write that appears at `path` whole when the block ends, or not at all,
    with permissions `mode` (see `output_mode`; owner-only unless told otherwise), after
    `check_target` refused what it must not replace (`kind`: the kind of output, else the
    file name's).

    The temporary file sits in the same folder (so os.replace is a rename on one disk) and is
    fsynced before the rename; a killed run, or an error in the block, leaves the previous
    file intact and no partial file under the final name. An error names `path`, never the
    temporary file.
    """
    given = Path(path)
    target = check_target(given, kind, overwrite=overwrite)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise QamError(
            f"Cannot create the folder {folder} ({err.strerror}); choose another path."
        ) from err
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise QamError(f"Cannot write {given} ({err.strerror}); choose another path.") from None
    try:
        # Set before the data goes in, so no reader ever sees the data under wider permissions.
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except OSError as err:
        Path(temp).unlink(missing_ok=True)
        raise QamError(
            f"Cannot write {given} ({err.strerror or err}); nothing was written. "
            "Check the disk and the folder's permissions, then try again."
        ) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_atomic(
    path: Path | str,
    data: str | bytes,
    *,
    mode: int = OWNER_ONLY,
    kind: Kind | None = None,
    overwrite: bool = False,
) -> Path:
    """Write `data` so that `path` holds the old file or the whole new one, never half of it
    (refusing what it must not replace: see `atomic_file`)."""
    with atomic_file(path, mode=mode, kind=kind, overwrite=overwrite) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)
