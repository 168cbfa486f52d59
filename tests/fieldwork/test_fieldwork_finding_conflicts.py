"""Two laptops correct the same finding: flagged, resolved by keeping one, never silently both."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from fw_helpers import make_programme, trust_bundle

from qam.errors import NotFoundError, RefusedError
from qam.fieldwork.findings import correct, list_findings, record_answer
from qam.fieldwork.sessions import finalise, open_session
from qam.store import Store
from qam.store import finding_conflicts as db
from qam.store import findings as findings_db
from qam.sync.conflicts import resolve_finding
from qam.sync.export import export_bundle
from qam.sync.merge import import_bundle


def _rows(store, table) -> list[dict]:
    return store.rows(f"SELECT {table.select()} FROM {table.name}")


def _canonical(store) -> str:
    rows = {
        "finding": _rows(store, findings_db.FINDING),
        "conflict": [
            {k: c[k] for k in ("id", "finding_id", "version_ids", "kept_id")}
            for c in db.finding_conflicts(store)
        ],
        "set_aside": [
            {k: r[k] for k in ("finding_id", "kept_id", "conflict_id")}
            for r in _rows(store, db.SET_ASIDE)
        ],
    }
    return json.dumps(
        {t: sorted(json.dumps(r, sort_keys=True) for r in v) for t, v in rows.items()},
        sort_keys=True,
    )


@pytest.fixture
def forked(tmp_path):
    """Programme store (two identical copies) with finding F; laptops A and B each corrected F."""
    prog = make_programme(tmp_path / "p1.db")
    session = open_session(prog, review_id="R1", method="direct_observation", actor="lead")
    base_finding = record_answer(
        prog,
        session,
        question_id="pub-1",
        notes="Briefing seen once",
        actor="lead",
        grade="adequate",
    )
    finalise(prog, session["id"], "lead")
    base = tmp_path / "base.qam-bundle"
    export_bundle(prog, base, actor="lead")
    prog.close()
    shutil.copy(tmp_path / "p1.db", tmp_path / "p2.db")
    bundles, versions = {}, {}
    for name, notes in (
        ("a", "Briefing seen twice"),
        ("b", "Briefing not seen at the night handover"),
    ):
        laptop = Store.open(tmp_path / f"{name}.db")
        import_bundle(laptop, base, actor=name)
        versions[name] = correct(
            laptop, base_finding["id"], actor=name, reason=f"{name} rechecked", notes=notes
        )["id"]
        bundles[name] = tmp_path / f"{name}.qam-bundle"
        export_bundle(laptop, bundles[name], actor=name)
        laptop.close()
    p1, p2 = Store.open(tmp_path / "p1.db"), Store.open(tmp_path / "p2.db")
    for programme in (p1, p2):
        for bundle in bundles.values():
            trust_bundle(programme, bundle)
    yield p1, p2, base_finding["id"], versions, bundles
    p1.close()
    p2.close()


def test_both_orders_flag_one_conflict_and_resolution_keeps_one(forked):
    p1, p2, fid, versions, bundles = forked
    first = import_bundle(p1, bundles["a"], actor="lead")
    assert first["finding_conflicts"] == []
    second = import_bundle(p1, bundles["b"], actor="lead")
    import_bundle(p2, bundles["b"], actor="lead")
    other_order = import_bundle(p2, bundles["a"], actor="lead")
    assert [c["finding_id"] for c in second["finding_conflicts"]] == [fid]
    assert second["finding_conflicts"][0]["id"] == other_order["finding_conflicts"][0]["id"]
    assert _canonical(p1) == _canonical(p2)
    # Neither version silently wins: both current, and the conflict is open.
    assert {f["id"] for f in list_findings(p1)} == {versions["a"], versions["b"]}
    [open_] = db.finding_conflicts(p1, open_only=True)
    assert open_["version_ids"] == sorted(versions.values())
    # Resolving needs a reason and a current version.
    with pytest.raises(RefusedError, match="reason"):
        resolve_finding(p1, fid, versions["a"], reason=" ", actor="lead")
    with pytest.raises(RefusedError, match="not one of the current versions"):
        resolve_finding(p1, fid, fid, reason="x", actor="lead")
    with pytest.raises(NotFoundError):
        resolve_finding(p1, versions["a"], versions["a"], reason="x", actor="lead")
    for store in (p1, p2):
        done = resolve_finding(
            store, fid[:8], versions["b"][:8], reason="matches the shift log", actor="lead"
        )
        assert done["kept"] == versions["b"] and done["set_aside"] == [versions["a"]]
        assert [f["id"] for f in list_findings(store)] == [versions["b"]]
        assert len(list_findings(store, include_superseded=True)) == 3  # nothing deleted
        assert db.finding_conflicts(store, open_only=True) == []
    with pytest.raises(RefusedError, match="set aside"):
        correct(p1, versions["a"], actor="lead", reason="late", notes="x")
    # Importing again changes nothing, in either store.
    for store in (p1, p2):
        before = _canonical(store)
        for name in ("a", "b"):
            again = import_bundle(store, bundles[name], actor="lead")
            assert sum(again["added"].values()) == 0 and again["finding_conflicts"] == []
        assert _canonical(store) == before
    assert _canonical(p1) == _canonical(p2)


def test_the_resolution_travels_back_to_a_laptop(forked, tmp_path):
    p1, p2, fid, versions, bundles = forked
    import_bundle(p1, bundles["a"], actor="lead")
    import_bundle(p1, bundles["b"], actor="lead")
    resolve_finding(p1, fid, versions["a"], reason="the custody record agrees", actor="lead")
    back = tmp_path / "programme.qam-bundle"
    export_bundle(p1, back, actor="lead")
    laptop_b = Store.open(tmp_path / "b.db")
    receipt = import_bundle(laptop_b, back, actor="b")
    assert receipt["finding_conflicts"] == []
    assert [f["id"] for f in list_findings(laptop_b)] == [versions["a"]]
    assert db.finding_conflicts(laptop_b)[0]["kept_id"] == versions["a"]
    laptop_b.close()


def test_cli_conflicts_and_resolve_finding(forked, qam):
    p1, p2, fid, versions, bundles = forked
    os.environ["QAM_DB"] = str(p1.path)
    assert qam("sync", "import", str(bundles["a"])).exit_code == 0
    second = qam("sync", "import", str(bundles["b"]))
    assert "1 conflict." in second.stdout and f"CONFLICT finding {fid}" in second.stdout
    listed = json.loads(qam("sync", "conflicts", "--json").stdout)
    [row] = [r for r in listed if r["kind"] == "finding"]
    assert row["finding_id"] == fid and sorted(row["current_versions"]) == sorted(versions.values())
    assert "waiting" in qam("sync", "conflicts").stdout
    bad = qam("sync", "resolve-finding", fid, "--keep", "nonsense", "--reason", "x")
    assert (
        bad.exit_code == 1
        and len(bad.stderr.strip().splitlines()) == 1
        and bad.stderr.startswith("Error:")
    )
    ok = qam(
        "sync", "resolve-finding", fid, "--keep", versions["a"], "--reason", "matches the record"
    )
    assert ok.exit_code == 0, ok.stderr
    assert [f["id"] for f in json.loads(qam("findings", "list", "--json").stdout)] == [
        versions["a"]
    ]
    assert json.loads(qam("sync", "conflicts", "--json").stdout) == []
    shown = json.loads(qam("findings", "show", versions["b"], "--json").stdout)
    assert shown["set_aside"]["kept_id"] == versions["a"]


def test_reports_show_one_current_version_after_resolving(forked):
    p1, p2, fid, versions, bundles = forked
    import_bundle(p1, bundles["a"], actor="lead")
    import_bundle(p1, bundles["b"], actor="lead")
    resolve_finding(p1, fid, versions["b"], reason="matches the shift log", actor="lead")
    assert [f["id"] for f in findings_db.findings(p1)] == [versions["b"]]
