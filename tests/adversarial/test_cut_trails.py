"""A trail that cannot be cut unnoticed (RELIABILITY 22): what a person with a DB browser and
the store file can do to the trail, each seen by `qam audit verify` with one line, exit 1.

Each case edits the store by hand as such a person would (dropping the append-only triggers
first where they are in the way), then runs the command as a user would.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "fieldwork"))

from fw_helpers import make_programme  # noqa: E402

from qam.fieldwork.findings import record_answer  # noqa: E402
from qam.fieldwork.sessions import open_session  # noqa: E402
from qam.register.decisions import record_decision  # noqa: E402


@pytest.fixture
def busy(db_path):
    """A store with a review, two answers and a status decision, closed."""
    store = make_programme(db_path)
    session = open_session(store, review_id="R1", method="interview", actor="sgt.a")
    for question in ("pub-1", "vic-1"):
        record_answer(store, session, question_id=question, notes="Seen it", actor="sgt.a")
    record_decision(store, "REC-CALLS", "being_progressed", reason="audit begun", actor="sgt.a")
    store.close()
    return db_path


def _by_hand(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


DROP = ("DROP TRIGGER audit_log_no_delete", "DROP TRIGGER audit_log_no_update")


def _fails(qam, *needles: str) -> str:
    result = qam("audit", "verify")
    assert result.exit_code == 1, result.stdout
    error = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(error) == 1 and "unexpected" not in error[0], result.stderr
    for needle in needles:
        assert needle in error[0], error[0]
    return error[0]


def test_an_intact_store_verifies(busy, qam):
    result = qam("audit", "verify")
    assert result.exit_code == 0, result.stderr
    assert "every decision, finding, correction and accepted plan has its event" in result.stdout


def test_deleting_the_last_events_is_named_even_with_the_triggers_put_back(busy, qam):
    head = qam("audit", "verify").stdout.split("Chain head: ")[1].strip()
    _by_hand(
        busy,
        *DROP,
        "DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 2 FROM audit_log)",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    )
    line = _fails(qam, "deleted from its end")
    assert "status decision" in line  # the decision whose event went with them
    again = qam("audit", "verify", "--expect-head", head)
    assert again.exit_code == 1  # the cut stays recorded: a second run cannot clear it


def test_deleting_a_decisions_event_names_the_decision(busy, qam):
    _by_hand(
        busy, *DROP, "DELETE FROM audit_log WHERE entity = 'register_item' AND action = 'status'"
    )
    _fails(qam, "status decision", "not in the trail")


def test_rewriting_a_finding_with_its_lock_dropped_is_named(busy, qam):
    _by_hand(
        busy,
        "DROP TRIGGER finding_no_update",
        "UPDATE finding SET grade = 'outstanding', notes = 'All fine'",
    )
    _fails(qam, "finding", "says something else")


def test_dropped_triggers_come_back_with_a_warning_and_an_event(busy, qam):
    _by_hand(busy, *DROP, "DROP TRIGGER finding_no_delete")
    result = qam("audit", "verify")
    assert result.exit_code == 1
    warning, error = result.stderr.strip().splitlines()
    assert warning.startswith("Warning: ") and "finding_no_delete" in warning
    assert "re-created" in error
    with sqlite3.connect(busy) as conn:
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
        assert {"audit_log_no_delete", "audit_log_no_update", "finding_no_delete"} <= triggers
        [event] = conn.execute(
            "SELECT new FROM audit_log WHERE action = 'guards_restored'"
        ).fetchall()
        assert "finding_no_delete" in event[0]
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("DELETE FROM audit_log")
    # Once repaired, the trail verifies, and says what it found.
    later = qam("audit", "verify")
    assert later.exit_code == 0, later.stderr
    assert "re-created" in later.stdout


@pytest.mark.parametrize("head", ["", "  ", "abc", "g" * 64, "0" * 63])
def test_an_empty_or_malformed_expected_head_is_a_usage_error(busy, qam, head):
    result = qam("audit", "verify", "--expect-head", head)
    assert result.exit_code == 2 and "64-hex-digit" in result.stderr


def test_a_filed_head_no_longer_in_the_chain_fails(busy, qam):
    _fails_with = qam("audit", "verify", "--expect-head", "ab" * 32)
    assert _fails_with.exit_code == 1 and "Error: " in _fails_with.stderr


def test_verify_never_creates_a_store(qam, tmp_path, monkeypatch):
    missing = tmp_path / "new.db"
    monkeypatch.setenv("QAM_DB", str(missing))
    result = qam("audit", "verify")
    assert result.exit_code == 1 and "No QAM store" in result.stderr
    assert not missing.exists() and list(tmp_path.iterdir()) == []
    result = qam("--db", str(tmp_path / "other.db"), "audit", "verify")
    assert result.exit_code == 1 and list(tmp_path.iterdir()) == []


def test_deleting_the_record_of_the_trail_s_end_is_itself_named(busy, qam):
    """Cutting the trail and deleting QAM's note of where it ended (as a person who read the
    code might): the note's absence is a sign of its own, as every store has one."""
    _by_hand(
        busy,
        *DROP,
        "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)",
        "DELETE FROM setting WHERE key = 'trail_mark'",
    )
    line = _fails(qam, "was deleted outside QAM")
    assert "status decision" in line


def test_an_upgraded_store_starts_its_mark_where_its_trail_ends(tmp_path):
    """A store made before m015 (no mark) is upgraded without a false alarm."""
    import sqlite3 as sql

    from qam.store import Store, migrations
    from qam.store.db import APPLICATION_ID
    from qam.trail import GENESIS_HASH

    path = tmp_path / "old.db"
    conn = sql.connect(path)
    conn.execute("BEGIN")
    migrations.apply(conn, stop_before="m015_trusted_signers")
    conn.execute(f"PRAGMA user_version = {len(migrations.applied(conn))}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(
        "INSERT INTO audit_log (event_id, seq, at, actor, entity, entity_id, action, old, new, "
        "reason, prev_hash, hash) VALUES ('e1', 1, '2025-01-01T00:00:00+00:00', 'a', 'x', 'y', "
        "'z', NULL, NULL, 'r', ?, ?)",
        [GENESIS_HASH, "0" * 64],
    )
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.warnings == []
        assert store.setting("trail_mark") == f"1:{'0' * 64}"
