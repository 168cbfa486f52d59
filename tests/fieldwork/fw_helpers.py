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


def bundle_parts(path) -> tuple[dict, dict[str, list[list]]]:
    """A bundle's manifest and each section's rows (lists in the section's column order)."""
    lines = path.read_bytes().splitlines()
    manifest, parts, at = json.loads(lines[0]), {}, 1
    for section in manifest["sections"]:
        parts[section["name"]] = [json.loads(line) for line in lines[at : at + section["rows"]]]
        at += section["rows"]
    return manifest, parts


def write_bundle(path, manifest: dict, parts: dict[str, list[list]]) -> None:
    """Write a bundle from its parts with a correct hash: a crafted edit the hash cannot catch."""
    from qam.sync.bundle import Writer

    for section in manifest["sections"]:
        section["rows"] = len(parts[section["name"]])
    with open(path, "wb") as fh:
        writer = Writer(fh)
        writer.line(manifest)
        for section in manifest["sections"]:
            writer.rows(iter(parts[section["name"]]))
        writer.end()


def set_value(manifest: dict, parts: dict, table: str, row: int, column: str, value) -> None:
    """Change one value of one row of a bundle's parts."""
    [section] = [s for s in manifest["sections"] if s["name"] == table]
    parts[table][row][section["columns"].index(column)] = value
