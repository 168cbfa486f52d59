"""Shared helpers for the fieldwork tests (a programme store, register items, answer lines)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import qam.fieldwork  # noqa: F401  (assembles the schema in order)
from qam.initialise import initialise
from qam.planner.reviews import add_review
from qam.store import Store

ITEMS = [
    (
        "REC-HANDOVER",
        "recommendation",
        "custody",
        "awaiting_review",
        "The force should make sure custody handovers include a detainee risk briefing.",
    ),
    (
        "AFI-SEARCH",
        "area_for_improvement",
        "stop_and_search",
        "being_progressed",
        "The force should improve supervision of stop and search records and grounds.",
    ),
    (
        "REC-CALLS",
        "recommendation",
        "call_handling",
        "awaiting_review",
        "The force should reduce abandoned 101 calls.",
    ),
]


def add_items(store) -> None:
    from qam.store import register as reg

    now = datetime.now(UTC).isoformat()
    with store.transaction():
        for i, (ref, type_, theme, status, text) in enumerate(ITEMS):
            reg.insert_item(
                store,
                {
                    "id": f"00000000-0000-4000-8000-00000000000{i}",
                    "ref": ref,
                    "text": text,
                    "type": type_,
                    "scope": "force",
                    "status": status,
                    "theme": theme,
                    "created_at": now,
                    "updated_at": now,
                },
            )
        reg.rebuild_search(store)


def trust_bundle(store, bundle, actor="liaison.lead") -> dict:
    """Enrol the store that signed `bundle`, as `qam sync trust BUNDLE --yes` does."""
    from qam.sync.trust import read_candidate, trust

    return trust(store, read_candidate(bundle), actor=actor)


def make_programme(path, actor="liaison.lead") -> Store:
    store = Store.open(path)
    initialise(store, actor=actor, force_name="Westshire Police")
    add_review(
        store,
        review_id="R1",
        title="Custody handovers",
        theme="custody",
        unit="Eastern BCU",
        start="2025-06-02",
        end="2025-06-13",
        actor=actor,
        team=["sgt.eastern"],
    )
    add_items(store)
    return store


def answer_line(question="pub-1", notes="Handover briefing covered detainee risk", **extra) -> str:
    return json.dumps(
        {"review": "R1", "question": question, "method": "interview", "notes": notes, **extra}
    )


def finding_ids(store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT id FROM finding")}
