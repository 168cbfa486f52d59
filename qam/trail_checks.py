"""`qam audit verify`: the chain, and beside it everything the trail must still speak for.

The chain (`qam.trail`) proves the trail's events were not edited, reordered or deleted from
its middle. What it cannot see by itself is checked here too:

- every status decision, finding, correction, capture session and accepted plan names an
  event that is in the trail and says the same thing (`qam.store.event_rules.unmatched_records`):
  a record whose event was deleted, or whose event says otherwise, is named;
- the trail's end: a trail whose last events were deleted by hand no longer holds where QAM
  last wrote, which the store found and recorded when it opened (`qam.store.guards`);
- the append-only triggers: missing ones were re-created when the store opened; this run
  reports it once, and the trail keeps the event;
- a chain head filed outside QAM (`--expect-head`) must still be in the chain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qam import trail
from qam.errors import AuditError
from qam.store import audit, event_rules, guards

if TYPE_CHECKING:
    from qam.store import Store


@dataclass(frozen=True)
class Report:
    events: int
    head: str
    notes: list[str] = field(default_factory=list)  # past repairs the trail records


def _missing(found: list[tuple[str, str, bool]]) -> list[str]:
    return [
        f"{what} {key} names a trail event that "
        + (
            "says something else (changed outside QAM)"
            if there
            else "is not in the trail (deleted)"
        )
        for what, key, there in found
    ]


def verify_store(store: Store, expect_head: str | None = None) -> Report:
    """Check the whole trail and what it speaks for; raise AuditError naming what fails."""
    rows = audit.events(store)
    result = trail.verify(rows, expect_head=expect_head)
    problems = [
        f"as found on {r['at'][:10]}, {guards.cut_sentence(json.loads(r['new']))}"
        for r in rows
        if r["entity"] == "audit_log" and r["action"] == "trail_cut"
    ]
    if store.restored:
        problems.append(
            f"the append-only triggers {', '.join(store.restored)} were missing (dropped by "
            "hand); they were re-created just now, and the trail records it"
        )
    problems += _missing(event_rules.unmatched_records(store))
    if problems:
        shown = "; ".join(problems[:8]) + (
            f"; and {len(problems) - 8} more" if len(problems) > 8 else ""
        )
        raise AuditError(f"The trail's {result.events} events chain, but {shown}.")
    notes = [
        f"the append-only triggers {', '.join(json.loads(r['new'])['missing'])} were found "
        f"missing and re-created on {r['at'][:10]}"
        for r in rows
        if r["entity"] == "audit_log" and r["action"] == "guards_restored"
    ]
    return Report(result.events, result.head, notes)
