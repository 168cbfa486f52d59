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


def text_fingerprint(*texts: object) -> str:
    """SHA-256 of free text, for the decision trail.

    The trail is append-only and hash-chained, so nothing in it can ever be blanked: it records
    a fingerprint of what was written (which proves what a finding said, given the text) and
    never the words, so retention and erasure can remove the words from the store alone.
    """
    payload = json.dumps(list(texts), ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# One encoder, built once, with json.dumps(ensure_ascii=False, separators=(",", ":"))'s output.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def event_hash(row: dict) -> str:
    """SHA-256 over the event's fields in a fixed order, as canonical JSON."""
    payload = _CANONICAL([row[f] for f in _HASHED_FIELDS])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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
        expected_seq = self.events + 1
        if row["seq"] != expected_seq:
            raise AuditError(
                f"audit_log row seq {expected_seq} is missing (next row is seq {row['seq']}): "
                "events were deleted or reordered."
            )
        if row["prev_hash"] != self.head:
            raise AuditError(
                f"audit_log row seq {row['seq']} does not verify: it does not link to the row before it."
            )
        if event_hash(row) != row["hash"]:
            raise AuditError(
                f"audit_log row seq {row['seq']} does not verify: its content was changed after it was written."
            )
        self.head = row["hash"]
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
