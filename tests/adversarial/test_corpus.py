"""A corpus of tampered bundles (issue 12, "How we will check it"): each made from the
laptop's real bundle by one edit an adversary might try (a value replaced by junk, a row
dropped, doubled or changed in place, a manifest field altered), every count and hash
recomputed and signed with the laptop's own key (the strongest adversary: a stolen laptop).

Every one must be refused cleanly (one line, no unexpected error, the store unchanged) or
merged correctly (the merged store's trail still verifies, every record with its event).
The everyday run tries a modest number; the slow run a few hundred.
"""

from __future__ import annotations

import copy
import random
import shutil

import pytest
from bundle_tools import bundle_parts, canonical, columns, store_key, write_bundle

from qam.errors import QamError
from qam.store import Store
from qam.sync.merge import import_bundle
from qam.trail_checks import verify_store

JUNK = [
    None,
    "",
    " ",
    -1,
    0,
    10**18,
    3.5,
    True,
    [],
    {},
    ["a"],
    "superb-not-a-grade",
    "REC-NOWHERE",
    "R-NOWHERE",
    "nul\x00byte",
    "bell\x07",
    "\ud800 lone surrogate",
    "2025-13-45",
    "'; DROP TABLE finding; --",
    '=HYPERLINK("http://example.invalid")',
    "x" * 5000,
    "not json {",
    '{"a": 1}',
]
TABLES = (
    "finding",
    "finding_link",
    "status_decision",
    "capture_session",
    "register_item",
    "review",
    "review_team",
    "question_set",
    "audit_log",
    "synced_event",
)
MANIFEST = ("store_id", "exported_at", "exported_by", "schema", "qam", "marking", "format_version")


def _edit(rng: random.Random, manifest: dict, parts: dict) -> tuple[str, bool]:
    """One edit; returns (what it did, whether the trail must be re-chained to hide it)."""
    tables = [t for t in TABLES if parts.get(t)]
    table = rng.choice(tables)
    rows = parts[table]
    i = rng.randrange(len(rows))
    kind = rng.choice(["value", "value", "value", "drop", "double", "manifest"])
    if kind == "manifest":
        key = rng.choice(MANIFEST)
        manifest[key] = rng.choice(JUNK)
        return f"manifest {key}", False
    if kind == "drop":
        del rows[i]
        return f"{table} row {i} dropped", table == "audit_log"
    if kind == "double":
        rows.insert(i, list(rows[i]))
        return f"{table} row {i} doubled", table == "audit_log"
    names = columns(manifest, table)
    column = rng.choice(names)
    rows[i][names.index(column)] = rng.choice(JUNK)
    return f"{table}.{column} of row {i}", table == "audit_log" and rng.random() < 0.7


def _cases(count: int, seed: int = 12) -> list[int]:
    return [seed * 1000 + n for n in range(count)]


def _run(world, tmp_path, seeds: list[int]) -> dict:
    manifest0, parts0 = bundle_parts(world.bundle)
    key = store_key(world.laptop)
    fresh = tmp_path / "fresh.db"
    shutil.copy(world.programme, fresh)
    before = canonical(fresh)
    outcomes: dict = {"refused": 0, "merged": 0, "merged_as": []}
    for seed in seeds:
        rng = random.Random(seed)
        manifest, parts = copy.deepcopy(manifest0), copy.deepcopy(parts0)
        what, chain = _edit(rng, manifest, parts)
        path = tmp_path / f"case-{seed}.qam-bundle"
        write_bundle(path, manifest, parts, key, chain=chain)
        try:
            with Store.open(world.programme) as store:
                import_bundle(store, path, actor="liaison.lead")
        except QamError as err:
            message = str(err)
            assert "\n" not in message, (what, message)
            for leak in ("unexpected", "IntegrityError", "sqlite", "Traceback", "constraint"):
                assert leak.lower() not in message.lower(), (what, message)
            assert canonical(world.programme) == before, what
            outcomes["refused"] += 1
        else:
            with Store.open(world.programme) as store:
                verify_store(store)  # merged correctly: every record still has its event
            outcomes["merged"] += 1
            outcomes["merged_as"].append(what)
            shutil.copy(fresh, world.programme)  # the next case starts from the same store
        path.unlink()
    return outcomes


def test_a_modest_corpus_is_refused_cleanly_or_merged_correctly(world, tmp_path):
    outcomes = _run(world, tmp_path, _cases(40))
    # Most edits are refused; what merges is what the laptop's owner could have written
    # (an event's reason) or what changes nothing here (a row this store already has).
    assert outcomes["refused"] >= 25, outcomes


@pytest.mark.slow
def test_a_few_hundred_tampered_bundles(world, tmp_path):
    outcomes = _run(world, tmp_path, _cases(300, seed=7))
    assert outcomes["refused"] >= 180, outcomes
