"""Build report test stores through the shared table contract (CONTRIBUTING.md).

Rows go in with plain SQL on the contract columns; any other NOT NULL column a capability added
gets a neutral value, so these helpers keep working as the other migrations grow. If a table
has not landed at all, a minimal contract table is created for this test store only.
"""

from __future__ import annotations

import json
import uuid

_FALLBACK = {
    "register_item": "CREATE TABLE register_item (id TEXT PRIMARY KEY, ref TEXT UNIQUE NOT NULL, text TEXT, type TEXT, "
    "scope TEXT, status TEXT, theme TEXT, owner TEXT, report_title TEXT, report_published TEXT, "
    "report_url TEXT, risk TEXT, impact TEXT, due TEXT, extra TEXT, updated_at TEXT)",
    "status_decision": "CREATE TABLE status_decision (id TEXT PRIMARY KEY, item_ref TEXT, old_status TEXT, "
    "new_status TEXT, reason TEXT NOT NULL, evidence TEXT, approver TEXT, actor TEXT, "
    "decided_at TEXT, source TEXT, event_id TEXT)",
    "sme": "CREATE TABLE sme (id TEXT PRIMARY KEY, name TEXT, role TEXT, unit TEXT, skills TEXT, unavailable TEXT)",
    "inspection": "CREATE TABLE inspection (id TEXT PRIMARY KEY, title TEXT, kind TEXT, theme TEXT, expected TEXT)",
    "area_of_interest": "CREATE TABLE area_of_interest (id TEXT PRIMARY KEY, title TEXT, theme TEXT, source TEXT, "
    "priority INTEGER, raised TEXT)",
    "review": 'CREATE TABLE review (id TEXT PRIMARY KEY, title TEXT, theme TEXT, unit TEXT, start TEXT, "end" TEXT, '
    "days INTEGER, question_set TEXT, methods TEXT, inspection TEXT, status TEXT)",
    "review_team": "CREATE TABLE review_team (review_id TEXT, sme_id TEXT, PRIMARY KEY (review_id, sme_id))",
    "capture_session": "CREATE TABLE capture_session (id TEXT PRIMARY KEY, review_id TEXT, method TEXT, held_on TEXT, "
    "place TEXT, participants TEXT, head_count INTEGER, reviewer TEXT, question_set TEXT, "
    "question_set_version INTEGER, finalised_at TEXT)",
    "finding": "CREATE TABLE finding (id TEXT PRIMARY KEY, session_id TEXT, review_id TEXT, question_set TEXT, "
    "question_set_version INTEGER, question_id TEXT, method TEXT, notes TEXT, grade TEXT, "
    "good_practice INTEGER, concerns TEXT, sources INTEGER, participant_role TEXT, "
    "participant_unit TEXT, reviewer TEXT, created_at TEXT, supersedes TEXT)",
    "finding_link": "CREATE TABLE finding_link (finding_id TEXT, item_ref TEXT, PRIMARY KEY (finding_id, item_ref))",
}


def insert(store, table: str, row: dict) -> dict:
    """Insert one row, creating the contract table if it has not landed, filling other NOT NULLs."""
    conn = store.conn
    if not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", [table]
    ).fetchone():
        conn.execute(_FALLBACK[table])
    info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
    names = {c[1] for c in info}
    full = {k: v for k, v in row.items() if k in names}
    for _cid, name, ctype, notnull, default, _pk in info:
        if notnull and default is None and full.get(name) is None:
            full[name] = (
                0
                if "INT" in (ctype or "").upper()
                else ("[]" if name in ("skills", "unavailable") else "x")
            )
    cols = list(full)
    with store.transaction():
        conn.execute(
            f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
            f"VALUES ({', '.join('?' * len(cols))})",
            [full[c] for c in cols],
        )
    return full


def item(
    store,
    ref,
    *,
    status="being_progressed",
    type_="recommendation",
    scope="force",
    theme="custody",
    text="Improve custody handovers.",
    published="2023-05-01",
    due=None,
    extra=None,
):
    return insert(
        store,
        "register_item",
        {
            "id": str(uuid.uuid4()),
            "ref": ref,
            "text": text,
            "type": type_,
            "scope": scope,
            "status": status,
            "theme": theme,
            "owner": "ACC Operations",
            "report_title": "Custody inspection",
            "report_published": published,
            "due": due,
            "extra": json.dumps(extra or {}),
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
        },
    )


def decision(
    store, ref, old, new, reason, *, evidence=None, approver="DCC", when="2026-11-01T10:00:00Z"
):
    from qam.store import audit

    decision_id = str(uuid.uuid4())
    event = audit.append_event(  # as `qam recs status` writes it beside the decision
        store,
        actor="liaison.lead",
        entity="register_item",
        entity_id=ref,
        action="status",
        old=old,
        new={
            "status": new,
            "evidence": evidence,
            "approver": approver,
            "source": "cli",
            "decision_id": decision_id,
        },
        reason=reason,
        at=when,
    )
    return insert(
        store,
        "status_decision",
        {
            "id": decision_id,
            "event_id": event["event_id"],
            "item_ref": ref,
            "old_status": old,
            "new_status": new,
            "reason": reason,
            "evidence": evidence,
            "approver": approver,
            "actor": "liaison.lead",
            "decided_at": when,
            "source": "cli",
        },
    )


def sme(store, sme_id, name, unit="Western BCU", role="Inspector"):
    return insert(
        store,
        "sme",
        {
            "id": sme_id,
            "name": name,
            "role": role,
            "unit": unit,
            "skills": "[]",
            "unavailable": "[]",
            "updated_at": "2026-01-01T00:00:00Z",
        },
    )


def inspection(store, iid, title, expected, *, kind="peel", theme="custody"):
    return insert(
        store,
        "inspection",
        {"id": iid, "title": title, "kind": kind, "theme": theme, "expected": expected},
    )


def aoi(store, aid, title, theme, source="opcc_scrutiny"):
    return insert(
        store,
        "area_of_interest",
        {
            "id": aid,
            "title": title,
            "theme": theme,
            "source": source,
            "priority": 3,
            "raised": "2026-09-01",
        },
    )


def review(
    store,
    rid,
    *,
    title="Custody review",
    theme="custody",
    unit="Eastern BCU",
    start="2027-01-04",
    end="2027-01-29",
    days=4,
    methods=("interview", "direct_observation"),
    team=(),
    status="in_fieldwork",
    question_set="paf-2023",
    inspection_id=None,
):
    row = insert(
        store,
        "review",
        {
            "id": rid,
            "title": title,
            "theme": theme,
            "unit": unit,
            "start": start,
            "end": end,
            "days": days,
            "question_set": question_set,
            "methods": json.dumps(list(methods)),
            "inspection": inspection_id,
            "status": status,
        },
    )
    for sme_id in team:
        insert(store, "review_team", {"review_id": rid, "sme_id": sme_id})
    return row


def session(
    store, review_id, *, method="interview", participants=(), finalised=True, held_on="2027-01-10"
):
    sid = str(uuid.uuid4())
    insert(
        store,
        "capture_session",
        {
            "id": sid,
            "review_id": review_id,
            "method": method,
            "held_on": held_on,
            "place": "Custody suite",
            "participants": json.dumps(list(participants)),
            "head_count": len(participants) or 1,
            "reviewer": "test.reviewer",
            "question_set": "paf-2023",
            "question_set_version": 1,
            "finalised_at": "2027-01-11T09:00:00Z" if finalised else None,
            "created_at": "2027-01-10T09:00:00Z",
        },
    )
    _event(store, "capture_session", sid, "open", {"review": review_id, "method": method})
    return sid


def _event(store, entity, entity_id, action, new, old=None, reason="built for a test") -> None:
    """The event capture writes beside a record it makes, so a store built here keeps the
    trail's rules (`qam audit verify`, and a merge of its bundle, check them)."""
    from qam.store import audit

    audit.append_event(
        store,
        actor="test.reviewer",
        entity=entity,
        entity_id=entity_id,
        action=action,
        old=old,
        new=new,
        reason=reason,
    )


_clock = [0]


def finding(
    store,
    session_id,
    review_id,
    question_id,
    *,
    grade="good",
    notes="Handovers were thorough.",
    sources=2,
    good_practice=False,
    concerns=None,
    role="Custody sergeant",
    unit="Eastern BCU",
    method="interview",
    links=(),
    question_set="paf-2023",
    supersedes=None,
    created_at=None,
):
    fid = str(uuid.uuid4())
    _clock[0] += 1
    insert(
        store,
        "finding",
        {
            "id": fid,
            "session_id": session_id,
            "review_id": review_id,
            "question_set": question_set,
            "question_set_version": 1,
            "question_id": question_id,
            "method": method,
            "notes": notes,
            "grade": grade,
            "good_practice": int(good_practice),
            "concerns": concerns,
            "sources": sources,
            "participant_role": role,
            "participant_unit": unit,
            "reviewer": "test.reviewer",
            "created_at": created_at
            or f"2027-01-10T09:{_clock[0] // 60 % 60:02d}:{_clock[0] % 60:02d}Z",
            "supersedes": supersedes,
        },
    )
    for ref in links:
        insert(store, "finding_link", {"finding_id": fid, "item_ref": ref})
    from qam.trail import text_fingerprint

    said = {
        "question": question_id,
        "grade": grade,
        "good_practice": bool(good_practice),
        "sources": sources,
        "links": list(links),
        "notes_sha256": text_fingerprint(notes),
    }
    if supersedes:
        _event(store, "finding", fid, "correct", said, old={"finding": supersedes})
    else:
        _event(store, "finding", fid, "record", said)
    return fid
