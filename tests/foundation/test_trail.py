"""The decision trail: append-only, chained, and tamper-evident."""

from __future__ import annotations

import sqlite3

import pytest

from qam import trail
from qam.errors import AuditError
from qam.store import audit


def _three_events(store):
    for n in range(3):
        audit.append_event(
            store,
            actor="liaison.lead",
            entity="register_item",
            entity_id=f"REC-{n}",
            action="status",
            old="awaiting_review",
            new="being_progressed",
            reason=f"action plan agreed {n}",
        )


def test_events_chain_and_verify(store):
    _three_events(store)
    rows = audit.events(store)
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert rows[0]["prev_hash"] == trail.GENESIS_HASH
    assert rows[1]["prev_hash"] == rows[0]["hash"]
    result = trail.verify(rows)
    assert result.events == 3 and result.head == rows[-1]["hash"]


def test_update_and_delete_are_refused_by_triggers(store):
    _three_events(store)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE audit_log SET reason = 'x' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM audit_log WHERE seq = 3")


def _tamper(store, sql):
    store.conn.execute("DROP TRIGGER audit_log_no_update")
    store.conn.execute("DROP TRIGGER audit_log_no_delete")
    store.conn.execute(sql)


def test_an_altered_row_is_named(store):
    _three_events(store)
    _tamper(store, "UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 2")
    with pytest.raises(AuditError, match="seq 2 does not verify"):
        trail.verify(audit.events(store))


def test_a_deleted_row_is_named(store):
    _three_events(store)
    _tamper(store, "DELETE FROM audit_log WHERE seq = 2")
    with pytest.raises(AuditError, match="seq 2 is missing"):
        trail.verify(audit.events(store))


def test_a_truncated_tail_fails_against_the_filed_head(store):
    _three_events(store)
    head = trail.verify(audit.events(store)).head
    _tamper(store, "DELETE FROM audit_log WHERE seq = 3")
    trail.verify(audit.events(store))  # the shorter chain is self-consistent...
    with pytest.raises(AuditError, match="removed"):
        trail.verify(audit.events(store), expect_head=head)  # ...but not against the filed head


def test_cli_verify_passes_then_fails_after_hand_edit(qam, db_path):
    assert qam("init", "--force-name", "Westshire Police").exit_code == 0
    ok = qam("audit", "verify")
    assert ok.exit_code == 0 and "Chain head:" in ok.stdout
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = 'someone else' WHERE seq = 1")
    conn.commit()
    conn.close()
    bad = qam("audit", "verify")
    assert bad.exit_code == 1
    warning, error = bad.stderr.strip().splitlines()  # the dropped trigger is back, and said so
    assert warning.startswith("Warning: ") and "audit_log_no_update were missing" in warning
    assert error == (
        "Error: audit_log row seq 1 does not verify: its content was changed after it was written."
    )


def test_audit_log_json_lists_events_with_actor(qam, monkeypatch):
    monkeypatch.setenv("QAM_USER", "sgt.owen")
    qam("init", "--force-name", "Westshire Police")
    result = qam("--as", "hcd.lead", "audit", "log", "--json")
    import json

    events = json.loads(result.stdout)
    assert events[0]["actor"] == "sgt.owen"
    assert events[0]["entity"] == "setting"


def test_the_fast_encoding_is_the_json_modules_for_every_character():
    """`trail.canonical` (orjson where it can) writes exactly the bytes json.dumps writes, for
    every Unicode scalar value alone and between others, and the numbers an event holds; what
    orjson cannot write (a float, a list, a huge number) is the json module's too."""
    import json

    def reference(values: list) -> bytes:
        return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    every = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(every), 65536):
        chunk = every[start : start + 65536]
        values = [*chunk, "a" + "".join(chunk[:512]) + "z"]
        assert trail.canonical(values) == reference(values)
    odd = [0, -1, 2**63 - 1, -(2**63), 2**64, True, False, None, 1e16, 0.1, ["x", 1.5]]
    assert trail.canonical(odd) == reference(odd)
    for value in odd:
        assert trail.canonical(["seq", value]) == reference(["seq", value])
