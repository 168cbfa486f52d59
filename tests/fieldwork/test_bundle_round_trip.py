"""A laptop made from the programme store's bundle reads every item, decision, review and
finding exactly as the programme store does (action plans included)."""

from __future__ import annotations

import json


def _add_an_action_plan(path) -> None:
    from qam.store import Store
    from qam.store import register as register_db

    with Store.open(path) as store, store.transaction():
        item = register_db.items(store)[0]
        item["objectives"] = ["Every custody handover includes a risk briefing"]
        item["checkpoints"] = [{"due": "2026-09-30", "what": "Audit 20 handovers"}]
        item["timeframe"] = "12 months"
        register_db.update_item(store, item)


def _read(qam, db, *args):
    result = qam("--db", str(db), *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_demo_reads_the_same_on_a_laptop_made_from_its_bundle(qam, demo_copy, tmp_path):
    programme, laptop = demo_copy / "qam-demo.db", tmp_path / "laptop.db"
    _add_an_action_plan(programme)
    bundle = tmp_path / "base.qam-bundle"
    assert qam("--db", str(programme), "sync", "export", str(bundle)).exit_code == 0
    assert qam("--db", str(laptop), "sync", "import", str(bundle)).exit_code == 0

    items = _read(qam, programme, "recs", "list", "--json")
    assert len(items) > 30 and any(i["action_lead"] for i in items)
    assert any(i["objectives"] and i["checkpoints"] and i["timeframe"] for i in items)
    for item in items:  # each with its decisions
        shown = _read(qam, programme, "recs", "show", item["ref"], "--json")
        assert shown["decisions"]
        assert _read(qam, laptop, "recs", "show", item["ref"], "--json") == shown
    for listing in (
        ("reviews", "list", "--json"),
        ("findings", "list", "--json"),
        ("findings", "list", "--all-versions", "--json"),
    ):
        here = _read(qam, programme, *listing)
        assert here and _read(qam, laptop, *listing) == here, listing
