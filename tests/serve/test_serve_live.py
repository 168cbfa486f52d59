"""The server beside QAM's writers: a bundle imported while it runs is visible on the next
request, the server never holds a write lock, and a replica can be served (docs/scale-out.md)."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from qam.store import Store
from qam.sync.export import export_bundle
from tests.reports import builder as b
from tests.serve.conftest import PASSWORDS, qam_process
from tests.serve.server import serving, stop
from tests.serve.test_serve_stakeholder import login


def _laptop_bundle(programme_db, tmp_path, findings: int = 3):
    """A laptop's bundle holding `findings` new findings on review R02."""
    base = tmp_path / "base.qam-bundle"
    with Store.open(programme_db) as prog:
        export_bundle(prog, base, actor="liaison.lead")
    from qam.sync.merge import import_bundle

    with Store.open(tmp_path / "laptop.db") as laptop:
        import_bundle(laptop, base, actor="sgt.field")
        sid = b.session(laptop, "R02", method="focus_group")
        for _ in range(findings):
            b.finding(laptop, sid, "R02", "vul-1", grade="good", sources=2, notes="seen on a visit")
        out = tmp_path / "laptop.qam-bundle"
        export_bundle(laptop, out, actor="sgt.field")
    from qam.sync.trust import read_candidate, trust

    with Store.open(programme_db) as prog:  # as `qam sync trust BUNDLE --yes` enrols it
        trust(prog, read_candidate(out), actor="liaison.lead")
    return out


def _count(client, base, review="R02") -> int:
    rows = client.get(base + f"/qam/review_findings.json?review={review}&_shape=array").json()
    return len(rows)


def _write_lock_free(db) -> None:
    """A writer gets the store at once (timeout 0): the server holds no write lock."""
    conn = sqlite3.connect(str(db), timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_a_bundle_imported_while_serving_shows_on_the_next_request(with_users, tmp_path, qam):
    bundle = _laptop_bundle(with_users, tmp_path)
    with serving(with_users) as (base, proc), httpx.Client(timeout=60) as client:
        login(client, base, "analyst", PASSWORDS["analyst"])
        before = _count(client, base)
        _write_lock_free(with_users)
        result = qam_process(with_users, "sync", "import", str(bundle))
        assert result.returncode == 0, result.stderr
        assert _count(client, base) == before + 3
        _write_lock_free(with_users)
        code, out, err = stop(proc)  # Ctrl-C: a clean stop, and nothing else said
    assert code == 0 and out.splitlines()[0].startswith(f"Serving {with_users}")
    assert f"at {base}/" in out and out.rstrip().endswith("Stopped.") and err == ""


@pytest.mark.slow
def test_the_public_figures_follow_the_store(programme_db, tmp_path, qam):
    bundle = _laptop_bundle(programme_db, tmp_path, findings=6)
    with serving(programme_db, "--view", "public") as (base, _), httpx.Client(timeout=60) as client:

        def total() -> dict:
            rows = client.get(base + "/qam/programme_at_a_glance.json?_shape=array").json()
            return {r["label"]: r["count"] for r in rows}

        before = total()
        assert qam_process(programme_db, "sync", "import", str(bundle)).returncode == 0
        after = total()
        assert after["Findings recorded"] == before["Findings recorded"] + 6
        _write_lock_free(programme_db)


@pytest.mark.slow
def test_a_replica_is_served_while_the_original_takes_a_bundle(with_users, tmp_path, qam):
    """What docs/scale-out.md describes: the office machine keeps the programme store and
    takes the laptops' bundles; Datasette serves a replica (here refreshed with SQLite's
    backup, as a Litestream restore would bring it)."""
    bundle = _laptop_bundle(with_users, tmp_path)
    replica = tmp_path / "replica" / "qam.db"
    replica.parent.mkdir()

    def replicate() -> None:
        source = sqlite3.connect(str(with_users))
        target = sqlite3.connect(str(replica))
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()

    replicate()
    with serving(replica) as (base, _), httpx.Client(timeout=60) as client:
        login(client, base, "analyst", PASSWORDS["analyst"])
        before = _count(client, base)
        assert qam_process(with_users, "sync", "import", str(bundle)).returncode == 0
        assert _count(client, base) == before  # the replica has not caught up yet
        replicate()
        assert _count(client, base) == before + 3
