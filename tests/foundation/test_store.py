"""The store: migrations from an empty file, pragmas on every connection, refusing what is not ours."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from qam.errors import StoreError
from qam.store import APPLICATION_ID, Store, migrations
from qam.store.migrations import MIGRATIONS, SCHEMA_VERSION

SCHEMA_01 = Path(__file__).parent / "data" / "qam-0.1-schema.sql"
QAM_01 = [
    "m001_core",
    "m002_register",
    "m003_planner",
    "m004_fieldwork",
    "m005_fieldwork_conflicts",
    "m006_retention",
]


def _schema(conn) -> dict[str, str]:
    """Every object's SQL with whitespace folded (FTS shadow tables are made by SQLite)."""
    return {
        name: re.sub(r"\s+", " ", sql).strip()
        for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    }


def test_migrates_an_empty_file_to_the_current_schema(tmp_path):
    path = tmp_path / "new.db"
    with Store.open(path) as store:
        assert store.pragma("user_version") == SCHEMA_VERSION == len(MIGRATIONS)
        assert store.pragma("application_id") == APPLICATION_ID
        assert migrations.applied(store.conn) == [m.name for m in MIGRATIONS]
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert {"setting", "audit_log", "question_set"} <= tables


def test_the_migration_list_keeps_qam_01s_names_first_in_order():
    assert [m.name for m in MIGRATIONS[: len(QAM_01)]] == QAM_01
    assert len({m.name for m in MIGRATIONS}) == len(MIGRATIONS)


def test_the_first_six_migrations_make_exactly_the_schema_qam_01_made(tmp_path):
    """Never edit a landed migration: QAM 0.1's schema, dumped from a store it made, is the
    schema the same six migrations make here."""
    conn = sqlite3.connect(tmp_path / "six.db", isolation_level=None)
    conn.execute("BEGIN")
    migrations.apply(conn, stop_before=MIGRATIONS[6].name if len(MIGRATIONS) > 6 else None)
    conn.execute("COMMIT")
    expected = sqlite3.connect(":memory:")
    expected.executescript(SCHEMA_01.read_text())
    assert _schema(conn) == _schema(expected)


def test_the_bookkeeping_stays_readable_by_sqlite_utils(tmp_path):
    import sqlite_utils

    path = tmp_path / "s.db"
    Store.open(path).close()
    theirs = sqlite_utils.Migrations("qam")
    assert [m.name for m in theirs.applied(sqlite_utils.Database(path))] == [
        m.name for m in MIGRATIONS
    ]


def test_a_store_qam_01_wrote_opens_without_migrating_again(tmp_path):
    """QAM 0.1's store: its schema, its bookkeeping rows, schema version 6 and some data."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_01.read_text())
    conn.executemany(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('qam', ?, ?)",
        [(name, "2026-03-01 09:00:00.000000+00:00") for name in QAM_01],
    )
    conn.execute("INSERT INTO setting VALUES ('force_name', 'Westshire Police')")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 6")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.setting("force_name") == "Westshire Police"
        assert migrations.applied(store.conn)[:6] == QAM_01
        assert store.pragma("user_version") == SCHEMA_VERSION
    backups = list(tmp_path.glob("old.db.schema6-before-upgrade-*.bak"))
    assert len(backups) == (1 if SCHEMA_VERSION > 6 else 0)


def test_the_run_that_upgrades_a_store_says_so_and_where_the_copy_is(tmp_path, qam, monkeypatch):
    """An older store (one migration behind) is upgraded by the first command that opens it;
    that command says so on stderr, naming the copy kept aside, and its output is unchanged.
    The next run upgrades nothing and says nothing."""
    import json

    path = tmp_path / "older.db"
    conn = sqlite3.connect(path)
    conn.execute("BEGIN")
    migrations.apply(conn, stop_before=MIGRATIONS[-1].name)
    conn.execute(f"PRAGMA user_version = {len(migrations.applied(conn))}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.commit()
    conn.close()
    monkeypatch.setenv("QAM_DB", str(path))
    first = qam("recs", "list", "--json")
    assert first.exit_code == 0 and json.loads(first.stdout) is not None
    (copy,) = tmp_path.glob(f"older.db.schema{SCHEMA_VERSION - 1}-before-upgrade-*.bak")
    assert first.stderr.strip() == (
        f"Note: {path} was upgraded for this QAM (schema {SCHEMA_VERSION - 1} to "
        f"{SCHEMA_VERSION}); the store as it was is kept at {copy}."
    )
    with Store.open(copy, migrate=False) as kept:
        assert kept.pragma("user_version") == SCHEMA_VERSION - 1
    again = qam("recs", "list", "--json")
    assert again.exit_code == 0 and again.stderr == ""
    assert len(list(tmp_path.glob("older.db.*.bak"))) == 1


def test_reopening_does_not_migrate_again(tmp_path):
    path = tmp_path / "s.db"
    Store.open(path).close()
    with Store.open(path) as store:
        assert migrations.applied(store.conn) == [m.name for m in MIGRATIONS]
        assert migrations.pending(store.conn) == []


def test_every_connection_gets_the_reliability_pragmas(tmp_path):
    path = tmp_path / "p.db"
    for _ in range(2):  # a new store and a reopened one
        with Store.open(path) as store:
            assert store.pragma("journal_mode") == "wal"
            assert store.pragma("synchronous") == 2  # FULL
            assert store.pragma("foreign_keys") == 1
            assert store.pragma("busy_timeout") >= 5000
            assert store.pragma("trusted_schema") == 0


def test_refuses_a_zero_byte_file_and_leaves_it_alone(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    with pytest.raises(StoreError, match="empty file"):
        Store.open(path)
    assert path.read_bytes() == b""


def test_refuses_random_bytes(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database at all" * 50)
    with pytest.raises(StoreError, match="not a valid QAM store"):
        Store.open(path)


def test_refuses_a_truncated_store(tmp_path):
    path = tmp_path / "t.db"
    with Store.open(path) as store:
        store.set_setting("force_name", "Westshire Police")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\x00" * 10)
    with pytest.raises(StoreError):
        Store.open(path)


def test_refuses_a_foreign_sqlite_file_without_writing_to_it(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a QAM store"):
        Store.open(path)
    assert path.read_bytes() == before


def test_refuses_a_store_from_a_newer_qam(tmp_path):
    path = tmp_path / "newer.db"
    with Store.open(path) as store:
        store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(StoreError, match="newer QAM"):
        Store.open(path)


def test_refuses_synced_and_network_folders(tmp_path):
    with pytest.raises(StoreError, match="synced folder"):
        Store.open(tmp_path / "OneDrive - Westshire Police" / "qam.db")
    with pytest.raises(StoreError, match="network share"):
        Store.open("//fileserver/qa/qam.db")


def test_a_failed_transaction_writes_nothing(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.conn.execute("INSERT INTO setting VALUES ('a', '1')")
            raise RuntimeError("boom")
    assert store.setting("a") is None


def test_transactions_take_the_write_lock_up_front(tmp_path):
    """BEGIN IMMEDIATE: a second writer waits for its turn instead of failing on upgrade."""
    path = tmp_path / "lock.db"
    first = Store.open(path)
    second = Store.open(path)
    second.conn.execute("PRAGMA busy_timeout = 50")
    with first.transaction():
        with pytest.raises(StoreError, match="busy"):
            with second.transaction():
                pass
    with second.transaction():
        second.conn.execute("INSERT INTO setting VALUES ('ok', '1')")
    assert first.setting("ok") == "1"
    first.close()
    second.close()


def test_disk_full_gives_a_clear_error_and_keeps_earlier_data(tmp_path):
    path = tmp_path / "full.db"
    with Store.open(path) as store:
        store.set_setting("kept", "yes")
        pages = store.pragma("page_count")
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises((StoreError, sqlite3.OperationalError)) as info:
            with store.transaction():
                for i in range(2000):
                    store.conn.execute("INSERT INTO setting VALUES (?, ?)", [f"k{i}", "x" * 500])
        assert "full" in str(info.value).lower()
        assert store.setting("kept") == "yes"
        assert store.setting("k0") is None
        assert store.integrity_ok()


def test_an_older_store_is_backed_up_then_upgraded_in_one_go(tmp_path):
    """A store from an older QAM: copied aside first, then every pending migration applied."""
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN")
    migrations.apply(raw, stop_before="m002_register")  # what QAM with only the core schema wrote
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    raw.execute("PRAGMA user_version = 1")
    raw.execute("INSERT INTO setting VALUES ('force_name', 'Westshire Police')")
    raw.execute("COMMIT")
    raw.close()
    with Store.open(path) as store:
        assert store.pragma("user_version") == SCHEMA_VERSION
        assert store.setting("force_name") == "Westshire Police"
        assert store.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'register_item'"
        ).fetchone()
    [backup] = list(tmp_path.glob("old.db.schema1-before-upgrade-*.bak"))
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
        assert copy.execute("SELECT value FROM setting").fetchone()[0] == "Westshire Police"
