"""What keeps the trail and the records it speaks for append-only, checked as a store opens.

- The triggers that refuse to change or delete trail events, findings, finalised sessions and
  conflict resolutions. One missing (dropped by hand) is re-created at once, with a warning
  and an event in the trail saying which were missing.
- The trail mark (`audit.MARK`): where QAM last appended to the trail. A trail that no longer
  holds that event had its end cut off (or changed) by hand; that is recorded as a
  `trail_cut` event naming what was expected and what was found, with a warning, and
  `qam audit verify` fails on it from then on.

Opening an intact store costs two small queries; only a repair writes anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qam.store.db import Store

NAMES = (
    "audit_log_no_update",
    "audit_log_no_delete",
    "finding_no_update",
    "finding_no_delete",
    "finding_set_aside_no_update",
    "finding_set_aside_no_delete",
    "capture_session_locked",
)
SYSTEM = "qam"  # the actor of the events a repair records: QAM itself, on opening the store


def _expected() -> dict[str, str]:
    from qam.store import audit, finding_conflicts, findings, retention, sessions

    return {
        **audit.GUARDS,
        **findings.guards(retention.NOT_PURGING),
        **finding_conflicts.SET_ASIDE_GUARDS,
        **sessions.guards(retention.NOT_PURGING),
    }


def missing(store: Store) -> list[str]:
    """The append-only triggers this store lacks."""
    present = {
        r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    return [name for name in NAMES if name not in present]


def _cut(store: Store) -> dict | None:
    """Where the trail should end and where it does, if it no longer holds its mark (or the
    mark itself is gone: m015 made it in every store, and every append keeps it)."""
    from qam.store import audit, settings

    mark = settings.get(store, audit.MARK)
    found = audit.head(store)
    if mark is None:
        return {"expected": None, "found": {"events": found[0], "head": found[1]}}
    seq, _, hash_ = mark.partition(":")
    if seq == "0" or seq.isdigit() and audit.holds(store, int(seq), hash_):
        return None  # an empty trail, or one that still holds where QAM last wrote
    return {
        "expected": {"events": int(seq) if seq.isdigit() else seq, "head": hash_},
        "found": {"events": found[0], "head": found[1]},
    }


def check(store: Store) -> list[str]:
    """Check the guards as the store opens; repair what is missing and record it in the
    trail. Returns the warnings to show (none for an intact store)."""
    from qam.store import audit

    absent = missing(store)
    store.restored = absent
    if not absent and _cut(store) is None:
        return []
    warnings: list[str] = []
    with store.transaction():
        cut = _cut(store)
        if absent:
            expected = _expected()
            for name in absent:
                store.conn.execute(expected[name])
            audit.append_event(
                store,
                actor=SYSTEM,
                entity="audit_log",
                entity_id="triggers",
                action="guards_restored",
                new={"missing": absent},
                reason="append-only triggers were missing when the store was opened; re-created",
            )
            warnings.append(
                f"the store's append-only triggers {', '.join(absent)} were missing (dropped "
                "by hand?); they are back, and this is recorded in the trail. Run "
                "`qam audit verify`."
            )
        if cut:
            audit.append_event(
                store,
                actor=SYSTEM,
                entity="audit_log",
                entity_id="trail",
                action="trail_cut",
                new=cut,
                reason="the trail no longer ends where QAM last wrote it",
            )
            warnings.append(cut_sentence(cut) + ".")
    return warnings


def cut_sentence(cut: dict) -> str:
    expected, found = cut["expected"], cut["found"]
    if expected is None:
        return (
            f"the record of where QAM last wrote the decision trail was deleted outside QAM "
            f"(the trail now ends at event {found['events']}, {found['head'][:16]}…): events "
            "may have been cut from its end"
        )
    return (
        f"the decision trail ends at event {found['events']} ({found['head'][:16]}…) but QAM "
        f"last wrote event {expected['events']} ({str(expected['head'])[:16]}…): events "
        "were deleted from its end, or changed, outside QAM"
    )
