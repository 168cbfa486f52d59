"""The decision trail: hashing and verifying the chain of events.

Each event's hash covers its own fields and the previous event's hash, so changing, deleting
or reordering any row breaks every hash after it. `verify` walks the chain and names the first
row that does not check; the chain head it prints can be filed outside QAM, so that truncating
the tail is caught too (`qam audit verify --expect-head`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import orjson

from qam.errors import AuditError

GENESIS_HASH = "0" * 64
_HASHED_FIELDS = (
    "seq",
    "event_id",
    "at",
    "actor",
    "entity",
    "entity_id",
    "action",
    "old",
    "new",
    "reason",
    "prev_hash",
)


# Built once (a merge fingerprints every finding's notes): json.dumps(ensure_ascii=False,
# default=str)'s output, without making a new encoder each call.
_FINGERPRINT = json.JSONEncoder(ensure_ascii=False, default=str).encode


def text_fingerprint(*texts: object) -> str:
    """SHA-256 of free text, for the decision trail.

    The trail is append-only and hash-chained, so nothing in it can ever be blanked: it records
    a fingerprint of what was written (which proves what a finding said, given the text) and
    never the words, so retention and erasure can remove the words from the store alone.
    """
    if len(texts) == 1 and texts[0].__class__ is str:  # a finding's notes: see `canonical`
        try:  # (not contextlib.suppress: a merge calls this for every finding it stages)
            return hashlib.sha256(orjson.dumps(texts)).hexdigest()
        except TypeError:
            pass
    payload = _FINGERPRINT(list(texts))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# An event's fields in the order its hash covers them, then its hash.
ORDER = (*_HASHED_FIELDS, "hash")
_PREV = _HASHED_FIELDS.index("prev_hash")

# One encoder, built once, with json.dumps(ensure_ascii=False, separators=(",", ":"))'s output.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


_PLAIN = frozenset((str, int, bool, type(None)))


def canonical(values: list | tuple) -> bytes:
    """`values` as canonical JSON (json.dumps(ensure_ascii=False, separators=(",", ":")),
    UTF-8), the bytes an event's hash covers.

    orjson writes the same bytes for text, whole numbers of 64 bits, true, false and null
    (tests/foundation/test_trail.py checks every character); anything else (a float, a list,
    a bigger number, a lone surrogate) is left to the json module."""
    if _PLAIN.issuperset(map(type, values)):
        try:
            return orjson.dumps(values)
        except TypeError:
            pass
    return _CANONICAL(values).encode("utf-8")


def event_hash(row: dict) -> str:
    """SHA-256 over the event's fields in a fixed order, as canonical JSON."""
    return hashlib.sha256(canonical([row[f] for f in _HASHED_FIELDS])).hexdigest()


@dataclass(frozen=True)
class Verification:
    """The result of walking the chain: how many events, and the head hash."""

    events: int
    head: str


class Chain:
    """Checks a trail one event at a time, as it is read (a bundle's trail is streamed)."""

    def __init__(self) -> None:
        self.head = GENESIS_HASH
        self.events = 0

    def add(self, row: dict) -> None:
        """Check the next event's place, link and hash; raise AuditError naming it if wrong."""
        self.add_values([row[f] for f in ORDER])

    def add_values(self, values: list | tuple) -> None:
        """`add` for an event given as its values in `ORDER` (a bundle's row, reordered)."""
        seq = values[0]
        expected_seq = self.events + 1
        if seq != expected_seq:
            raise AuditError(
                f"audit_log row seq {expected_seq} is missing (next row is seq {seq}): "
                "events were deleted or reordered."
            )
        if values[_PREV] != self.head:
            raise AuditError(
                f"audit_log row seq {seq} does not verify: it does not link to the row before it."
            )
        claimed = values[_PREV + 1]
        if hashlib.sha256(canonical(values[: _PREV + 1])).hexdigest() != claimed:
            raise AuditError(
                f"audit_log row seq {seq} does not verify: its content was changed after it was written."
            )
        self.head = claimed
        self.events = expected_seq


def verify(rows: list[dict], expect_head: str | None = None) -> Verification:
    """Check every row's link and hash; raise AuditError naming the first that fails."""
    chain = Chain()
    for row in rows:
        chain.add(row)
    if (
        expect_head
        and expect_head != chain.head
        and not any(r["hash"] == expect_head for r in rows)
    ):
        raise AuditError(
            f"The chain no longer contains the head {expect_head[:16]}… you filed: "
            "events at the end of the trail were removed."
        )
    return Verification(events=chain.events, head=chain.head)
