"""`qam serve` without a server: its refusals, the password, the metadata from the owners."""

from __future__ import annotations

import json
import sys

from qam.serve import metadata
from qam.store import Store
from qam.store.schema import TABLE_OWNERS


def _one_error(result) -> str:
    assert result.exit_code == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def test_without_the_extra_it_says_how_to_install_it(programme_db, qam, monkeypatch):
    monkeypatch.setitem(sys.modules, "datasette", None)  # as if not installed
    line = _one_error(qam("serve", "--view", "public"))
    assert "pip install 'qam[serve]'" in line


def test_a_view_that_does_not_exist_is_refused(programme_db, qam):
    assert "stakeholder" in _one_error(qam("serve", "--view", "everyone"))


def test_the_stakeholder_view_needs_someone_to_log_in(programme_db, qam):
    assert "--set-password" in _one_error(qam("serve"))


def test_no_store_no_server(qam, tmp_path):
    line = _one_error(qam("--db", str(tmp_path / "none.db"), "serve", "--view", "public"))
    assert "qam init" in line
    assert not (tmp_path / "none.db").exists()


def test_a_password_is_stored_hashed_and_a_short_one_refused(programme_db, qam):
    assert "10 characters" in _one_error(
        qam("serve", "--set-password", "--user", "clerk", input="short\n")
    )
    assert "login name" in _one_error(
        qam("serve", "--set-password", "--user", "a b", input="long enough password\n")
    )
    ok = qam("serve", "--set-password", "--user", "clerk", input="long enough password\n")
    assert ok.exit_code == 0 and "clerk can log in" in ok.stdout
    with Store.open(programme_db) as store:
        rows = store.rows("SELECT key, value FROM setting WHERE key LIKE 'serve_user:%'")
        events = store.rows(
            "SELECT entity, entity_id, new FROM audit_log WHERE entity = 'serve_user'"
        )
    assert [r["key"] for r in rows] == ["serve_user:clerk"]
    stored = json.loads(rows[0]["value"])
    assert stored["hash"].startswith("pbkdf2_sha256$") and stored["sql"] is False
    assert "long enough password" not in rows[0]["value"]
    assert events and "long enough" not in json.dumps(events)
    from datasette_auth_passwords.utils import verify_password

    assert verify_password("long enough password", stored["hash"])


def test_the_metadata_describes_every_shown_column_from_its_owner():
    meta = metadata.stakeholder("Westshire Police", {"analyst": {"hash": "x", "sql": True}})
    db = meta["databases"]["qam"]
    from qam.store.schemadoc import described

    owners = described()
    for name, table in db["tables"].items():
        assert TABLE_OWNERS[name].replace(".", "/") in table["description"]
        assert list(table["columns"]) == list(owners[name]["table"].columns), name
        assert all(words.strip() for words in table["columns"].values()), name
    status = db["tables"]["register_item"]["columns"]["status"]
    assert "Being progressed (being_progressed)" in status
    assert db["tables"]["review"]["units"] == {"days": "day"}
    assert "working days" in db["tables"]["review"]["columns"]["days"].lower()
    assert "kept in this store only" in db["tables"]["sme"]["columns"]["unavailable"].lower()
    assert {"audit_log", "setting", "synced_event"}.isdisjoint(db["tables"])
    assert set(db["queries"]) >= {
        "pcc_position",
        "outstanding_by_type_and_scope",
        "overdue",
        "findings_by_theme_and_grade",
        "review_findings",
        "sme_abstraction_this_year",
        "programme_by_month",
    }
    assert meta["allow"] == {"id": ["analyst"]} and meta["allow_sql"] == {"id": ["analyst"]}
    no_sql = metadata.stakeholder("W", {"clerk": {"hash": "x", "sql": False}})
    assert no_sql["allow_sql"] is False


def test_every_canned_query_runs_on_a_store(programme_db, qam):
    from qam.store import canned

    params = {"review": "R01", "owner": "", "type": "", "theme": "custody", "since": "2000-01-01"}
    with Store.open(programme_db) as store:
        for query in canned.queries():
            rows = store.conn.execute(query.sql, params).fetchall()
            assert isinstance(rows, list), query.name
        review = store.conn.execute(
            next(q.sql for q in canned.queries() if q.name == "review_findings"), params
        ).fetchall()
    listed = json.loads(qam("findings", "list", "--review", "R01", "--json").stdout)
    assert len(review) == len(listed) > 0
    assert {r[-1] for r in review} == {f["id"] for f in listed}


def test_what_an_owner_says_of_a_column_names_a_column_it_has():
    from qam.store.schemadoc import described

    for name, found in described().items():
        table = found["table"]
        assert set(table.about) <= set(table.columns), name
    meta = metadata.stakeholder("W", {"a": {"hash": "x", "sql": False}})
    notes = meta["databases"]["qam"]["tables"]["finding"]["columns"]["notes"]
    assert notes.startswith("What the evidence shows")


def test_a_port_in_use_is_refused_before_anything_starts(programme_db, qam):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        line = _one_error(qam("serve", "--view", "public", "--port", port))
    assert f"Port {port}" in line and "--port" in line


def test_the_read_only_store_refuses_to_write_and_refuses_foreign_files(programme_db, tmp_path):
    import sqlite3

    import pytest

    from qam.errors import StoreError

    store = Store.open_readonly(programme_db)
    try:
        assert store.rows("SELECT count(*) AS n FROM register_item")[0]["n"] > 0
        with pytest.raises(sqlite3.OperationalError):
            store.conn.execute("DELETE FROM register_item")
    finally:
        store.close()
    foreign = tmp_path / "other.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(StoreError, match="not a QAM store"):
        Store.open_readonly(foreign)
    with pytest.raises(StoreError, match="No QAM store"):
        Store.open_readonly(tmp_path / "missing.db")
