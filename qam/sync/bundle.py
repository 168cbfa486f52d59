"""The sync bundle's format: JSON lines, written and read as a stream, hashed as it goes.

    line 1        the manifest: {"format": "qam-sync-bundle", "format_version": 3, "qam" (the
                  QAM version that wrote it), "schema", "store_id", "exported_at",
                  "exported_by", "marking", "signer": {"key", "fingerprint"},
                  "trail": {"events", "head"}, "sections": [{"name", "columns", "rows"}, ...]}
    then          each section's rows in manifest order, one JSON array a line, values in the
                  order of the section's `columns`; the sections are the tables the store's
                  owners carry (`qam/store/carried.py`), then `audit_log` (the exporter's whole
                  trail, so it can be verified: its head is the manifest's `trail.head`) and
                  `synced_event`
    then          {"end": {"sha256": hex}}: the SHA-256 of every byte before this line
    last          {"signature": {"ed25519": base64}}: the signer's signature over the SHA-256
                  of every byte before this line (`qam.sync.signing`)

A file cut short has no end line; a file changed after export does not match its hash, and a
file changed and re-hashed does not match its signature; all are refused whole before
anything is written. JSON lines rather than an SQLite file: there is no schema to smuggle
triggers or views into, and reading never holds more than one row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import IO, Any

import orjson

FORMAT = "qam-sync-bundle"
FORMAT_VERSION = 3
MAX_BYTES = 2_000_000_000
MAX_LINE = 16_000_000  # a row with a 1 MB note is far inside this
BATCH = 1000  # rows parsed at once: one JSON parse of many lines is several times faster
_MANIFEST_KEYS = {
    "format",
    "format_version",
    "qam",
    "schema",
    "store_id",
    "exported_at",
    "exported_by",
    "marking",
    "signer",
    "trail",
    "sections",
}
_HEX = frozenset("0123456789abcdef")
# Bytes of a batch of lines that may hold a C0 control character or DEL in a string: JSON
# writes the first as \u00XX, \b or \f (a raw one is not JSON), DEL as itself or \u007f.
# Looked for as plain substrings (each a fast scan in C); a batch holding any of them (an
# escaped backslash before such letters, an escaped accented letter) is looked at closely.
_MAY_HOLD_CONTROLS = (b"\\u00", b"\\b", b"\\f", b"\x7f")


def _may_hold_controls(data: bytes) -> bool:
    return any(marker in data for marker in _MAY_HOLD_CONTROLS)


def encode(value: Any) -> bytes:
    """One line of the bundle: compact JSON, UTF-8, a newline."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


class Writer:
    """Writes a bundle's lines to an open binary file, hashing every byte it writes."""

    def __init__(self, fh: IO[bytes]):
        self.fh = fh
        self.digest = hashlib.sha256()

    def line(self, value: Any) -> None:
        data = encode(value)
        self.digest.update(data)
        self.fh.write(data)

    def rows(self, rows: Iterator[tuple]) -> int:
        """Write each row (a tuple of plain values) as one line; returns how many."""
        count = 0
        for row in rows:
            self.line(row)
            count += 1
        return count

    def end(self) -> str:
        """The end line; returns the hash it carries."""
        digest = self.digest.hexdigest()
        self.line({"end": {"sha256": digest}})
        return digest

    def sign(self, signature: Callable[[bytes], str]) -> None:
        """The last line: `signature` (of the digest of every byte so far), after `end`."""
        self.fh.write(encode({"signature": {"ed25519": signature(self.digest.digest())}}))


@dataclass(frozen=True)
class Section:
    name: str
    columns: tuple[str, ...]
    rows: int


@dataclass(frozen=True)
class Manifest:
    store_id: str
    exported_at: str
    exported_by: str
    schema: int
    qam: str
    marking: str
    signer: str  # the signer's public key, as `qam.sync.signing.public_text` writes it
    fingerprint: str
    events: int  # the trail's length and head, as the exporter saw them
    head: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Sealed:
    """A bundle's seal: its end line's hash, and the signature over every byte before it."""

    sha256: str
    signed_digest: bytes
    signature: str


# Called with (the number of a batch's first row, its rows) for rows to look at closely.
Suspect = Callable[[int, list[list]], None]


class Refused(Exception):
    """The bundle is refused whole; `str()` says why, in words for the person importing it."""


class Reader:
    """Reads a bundle line by line, hashing every byte, refusing anything malformed.

    Use: `manifest = reader.manifest(known)`, then for each section
    `reader.rows(section)` (an iterator of lists), then `reader.end()`.
    """

    def __init__(self, fh: IO[bytes]):
        self.fh = fh
        self.digest = hashlib.sha256()

    def _line(self, what: str) -> bytes:
        return self._check_line(self.fh.readline(MAX_LINE + 1), what)

    @staticmethod
    def _check_line(line: bytes, what: str) -> bytes:
        if not line:
            raise Refused(
                f"it was cut short before {what} (truncated or damaged). "
                "Export it again with `qam sync export FILE`."
            )
        if len(line) > MAX_LINE or not line.endswith(b"\n"):
            raise Refused(f"{what} is not a complete line (damaged, or not a QAM sync bundle).")
        return line

    def _json(self, line: bytes, what: str) -> Any:
        try:
            return json.loads(line)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise Refused(f"{what} is not readable (damaged, or not a QAM sync bundle).") from None

    def manifest(self, known: dict[str, tuple[str, ...]]) -> Manifest:
        """The first line, checked against `known` (section name -> the columns it may have)."""
        head = self.fh.read(16)
        self.fh.seek(0)
        if not head.strip():
            raise Refused("the file is empty (an export that never finished?). Export it again.")
        if head.startswith(b'{"audit_log"'):
            raise Refused(_older_format(1))
        line = self._line("its first line")
        doc = self._json(line, "its first line")
        self.digest.update(line)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise Refused("it is not a QAM sync bundle (made by another program).")
        version = doc.get("format_version")
        if version != FORMAT_VERSION:
            raise Refused(_older_format(version, doc.get("qam")))
        if set(doc) != _MANIFEST_KEYS:
            extra = sorted(set(doc) - _MANIFEST_KEYS)
            missing = sorted(_MANIFEST_KEYS - set(doc))
            raise Refused(
                f"its manifest has an unknown part '{extra[0]}'."
                if extra
                else f"its manifest has no '{missing[0]}'."
            )
        return _manifest(doc, known)

    def rows(self, section: Section, suspect: Suspect | None = None) -> Iterator[list]:
        """The section's rows as lists, each checked to have one value a column. Each batch
        whose bytes may hold a control character is handed to `suspect` (the number of its
        first row, its rows) before its rows are.

        Read in this thread: a second one reading ahead costs more in handing the
        interpreter back and forth than it saves (measured with benchmarks/sync_benchmark.py)."""
        return (row for batch in self._batches(section, suspect) for row in batch)

    def _batches(self, section: Section, suspect: Suspect | None) -> Iterator[list[list]]:
        width = len(section.columns)
        readline = self.fh.readline
        for first in range(1, section.rows + 1, BATCH):
            count = min(BATCH, section.rows + 1 - first)
            lines = [readline(MAX_LINE + 1) for _ in range(count)]
            data = b"".join(lines)
            # Every line whole (read up to its newline), or the line at fault is named.
            if (
                not all(map(bytes.endswith, lines, repeat(b"\n")))
                or max(map(len, lines)) > MAX_LINE
            ):
                for n, line in enumerate(lines, start=first):
                    self._check_line(line, f"table {section.name} row {n}")
            self.digest.update(data)
            rows = self._parse(data, count)
            if rows is None:  # find the line at fault
                rows = [
                    self._json(line, f"table {section.name} row {first + i}")
                    for i, line in enumerate(lines)
                ]
            if not (all(map(isinstance, rows, repeat(list))) and {*map(len, rows)} == {width}):
                for i, row in enumerate(rows):
                    if not isinstance(row, list) or len(row) != width:
                        raise Refused(
                            f"table {section.name} row {first + i} does not have the known columns."
                        )
            if suspect is not None and _may_hold_controls(data):
                suspect(first, rows)
            yield rows

    @staticmethod
    def _parse(data: bytes, count: int) -> list | None:
        """`count` lines as one JSON array, or None if that is not what they are (or not
        what orjson reads: the lines are then read one by one by the json module)."""
        try:
            rows = orjson.loads(b"[" + data.replace(b"\n", b",")[:-1] + b"]")
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        return rows if isinstance(rows, list) and len(rows) == count else None

    def end(self) -> Sealed:
        """Check the end line's hash against every byte read, then read the signature line."""
        line = self._line("its end line")
        doc = self._json(line, "its end line")
        digest = self.digest.hexdigest()
        if not (isinstance(doc, dict) and set(doc) == {"end"} and isinstance(doc["end"], dict)):
            raise Refused("its rows do not match the counts its manifest lists.")
        if doc["end"].get("sha256") != digest:
            raise Refused(
                "its content does not match its hash: it was changed after export "
                "(edited or damaged). Export it again from the laptop."
            )
        self.digest.update(line)
        signed = self.digest.digest()
        doc = self._json(self._line("its signature"), "its signature")
        if not (
            isinstance(doc, dict)
            and set(doc) == {"signature"}
            and isinstance(doc["signature"], dict)
            and isinstance(doc["signature"].get("ed25519"), str)
        ):
            raise Refused("its signature line is malformed (damaged, or not signed by QAM).")
        if self.fh.read(1):
            raise Refused("it has something after its signature this QAM does not read.")
        return Sealed(digest, signed, doc["signature"]["ed25519"])


def read_seal(fh: IO[bytes]) -> tuple[Any, bytes, Any]:
    """(the first line's JSON, the SHA-256 of every byte before the last line, the last line's
    JSON) of a file that may be a bundle, read as a stream without parsing its rows: enough to
    check who signed it (`qam sync trust`). Refused if it is not a whole bundle."""
    reader = Reader(fh)
    first = reader._line("its first line")
    manifest = reader._json(first, "its first line")
    digest = hashlib.sha256(first)
    last = first
    while True:
        line = fh.readline(MAX_LINE + 1)
        if not line:
            break
        if len(line) > MAX_LINE or not line.endswith(b"\n"):
            raise Refused("it is not a complete bundle (damaged, or not a QAM sync bundle).")
        if last is not first:
            digest.update(last)
        last = line
    if last is first:
        raise Refused("it was cut short after its first line (truncated or damaged).")
    return manifest, digest.digest(), reader._json(last, "its signature")


def _older_format(version: object, qam: object = None) -> str:
    newer = isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION
    wrote = f"it was written by QAM {qam}: " if isinstance(qam, str) and len(qam) < 40 else ""
    return (
        f"{wrote}bundle format {version!r} is "
        + (
            "newer than this QAM knows: upgrade QAM"
            if newer
            else "not one this QAM reads: export it again with this QAM"
        )
        + f" (this QAM reads format {FORMAT_VERSION})."
    )


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _schema(doc: dict) -> int:
    """The store schema the bundle was written with: one this QAM reads, or a line saying
    which QAM wrote it."""
    from qam import __version__
    from qam.store.migrations import SCHEMA_VERSION

    schema = doc["schema"]
    if not _is_count(schema) or schema < 1:
        raise Refused("its manifest's schema version is malformed.")
    if schema > SCHEMA_VERSION:
        raise Refused(
            f"it was written by QAM {doc['qam']} with store schema {schema}; this QAM "
            f"({__version__}) reads schemas up to {SCHEMA_VERSION}: upgrade QAM here first."
        )
    return schema


def _signer(doc: dict) -> tuple[str, str]:
    from qam.sync import signing

    signer = doc["signer"]
    key = signer.get("key") if isinstance(signer, dict) else None
    if (
        not (isinstance(signer, dict) and set(signer) == {"key", "fingerprint"})
        or not isinstance(key, str)
        or not signing.valid_public(key)
    ):
        raise Refused("its manifest does not name a valid signing key (not signed by QAM).")
    fingerprint = signing.fingerprint(key)
    if signer["fingerprint"] != fingerprint:
        raise Refused("its manifest's signer fingerprint does not match its key.")
    return key, fingerprint


def _trail(doc: dict) -> tuple[int, str]:
    trail = doc["trail"]
    if not (
        isinstance(trail, dict)
        and set(trail) == {"events", "head"}
        and _is_count(trail["events"])
        and isinstance(trail["head"], str)
        and len(trail["head"]) == 64
        and set(trail["head"]) <= _HEX
    ):
        raise Refused("its manifest's trail head is malformed.")
    return trail["events"], trail["head"]


def _manifest(doc: dict, known: dict[str, tuple[str, ...]]) -> Manifest:
    for key in ("store_id", "exported_at", "exported_by", "qam", "marking"):
        if not isinstance(doc[key], str) or not doc[key] or len(doc[key]) > 200:
            raise Refused(f"its manifest does not say {key.replace('_', ' ')}.")
    schema = _schema(doc)
    signer, fingerprint = _signer(doc)
    events, head = _trail(doc)
    sections = doc["sections"]
    if not isinstance(sections, list):
        raise Refused("its manifest lists no tables.")
    found: list[Section] = []
    for entry in sections:
        found.append(_section(entry, known))
    names = [s.name for s in found]
    if len(set(names)) != len(names):
        raise Refused("its manifest lists a table twice.")
    return Manifest(
        store_id=doc["store_id"],
        exported_at=doc["exported_at"],
        exported_by=doc["exported_by"],
        schema=schema,
        qam=doc["qam"],
        marking=doc["marking"],
        signer=signer,
        fingerprint=fingerprint,
        events=events,
        head=head,
        sections=tuple(found),
    )


def _section(entry: object, known: dict[str, tuple[str, ...]]) -> Section:
    if not isinstance(entry, dict) or set(entry) != {"name", "columns", "rows"}:
        raise Refused("its manifest is malformed.")
    name, columns, rows = entry["name"], entry["columns"], entry["rows"]
    if name not in known:
        raise Refused(f"it holds an unknown table '{name}' (extra objects are never imported).")
    if (
        not isinstance(columns, list)
        or not all(isinstance(c, str) for c in columns)
        or len(set(columns)) != len(columns)
    ):
        raise Refused(f"its manifest's columns of table {name} are malformed.")
    unknown = [c for c in columns if c not in known[name]]
    if unknown:
        raise Refused(
            f"table {name} has a column '{unknown[0]}' this QAM does not know: "
            "upgrade QAM here to the version that exported it."
        )
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
        raise Refused(f"its manifest's row count of table {name} is malformed.")
    return Section(name, tuple(columns), rows)
