"""Sync: laptops from one base bundle merge in any order, twice, with conflicts flagged."""

from __future__ import annotations

import json
import os

import pytest
from bundle_tools import bundle_parts, set_value, store_key, write_bundle
from fw_helpers import make_programme, trust_bundle

from qam.errors import ImportFileError
from qam.fieldwork.findings import list_findings, record_answer
from qam.fieldwork.sessions import finalise, open_session
from qam.register.decisions import record_decision
from qam.store import Store
from qam.store import decisions as decisions_db
from qam.store import findings as findings_db
from qam.store import register as register_db
from qam.store import sessions as sessions_db
from qam.sync.conflicts import resolve
from qam.sync.export import export_bundle
from qam.sync.merge import import_bundle


def _laptop(tmp_path, name, base) -> Store:
    store = Store.open(tmp_path / f"{name}.db")
    import_bundle(store, base, actor=name)
    return store


def _capture(store, who, notes, grade):
    session = open_session(
        store,
        review_id="R1",
        method="focus_group",
        actor=who,
        head_count=6,
        participants=[{"role": "detention officer", "unit": "custody"}],
    )
    for q, n in (("pub-1", notes), ("vic-1", notes + " (victims)")):
        record_answer(
            store,
            session,
            question_id=q,
            notes=n,
            actor=who,
            grade=grade if q == "pub-1" else None,
            links=["REC-HANDOVER"],
        )
    finalise(store, session["id"], who)


def _canonical(store) -> str:
    rows = {
        t.name: store.rows(f"SELECT {t.select(columns)} FROM {t.name}")
        for t, columns in (
            (findings_db.FINDING, None),
            (sessions_db.SESSION, None),
            (findings_db.LINK, None),
            (decisions_db.CONFLICT, ("id", "item_ref", "resolved_by")),
        )
    }
    rows["items"] = [(i["ref"], i["status"]) for i in register_db.items(store)]
    rows["decisions"] = sorted(d["id"] for d in decisions_db.decisions_with_origin(store))
    return json.dumps(
        {t: sorted(json.dumps(r, sort_keys=True) for r in v) for t, v in rows.items()},
        sort_keys=True,
    )


@pytest.fixture
def two_laptops(tmp_path):
    prog = make_programme(tmp_path / "programme.db")
    base = tmp_path / "base.qam-bundle"
    export_bundle(prog, base, actor="liaison.lead")
    a, b = _laptop(tmp_path, "a", base), _laptop(tmp_path, "b", base)
    _capture(a, "sgt.a", "Handover briefings covered detainee risk", "good")
    _capture(b, "pc.b", "Handovers rushed at shift change", "requires_improvement")
    # The same recommendation moved to different statuses on both laptops while offline.
    record_decision(a, "REC-HANDOVER", "being_progressed", reason="briefing seen", actor="sgt.a")
    record_decision(b, "REC-HANDOVER", "completed", reason="looks done", actor="pc.b")
    export_bundle(a, tmp_path / "a.qam-bundle", actor="sgt.a")
    export_bundle(b, tmp_path / "b.qam-bundle", actor="pc.b")
    for s in (a, b):
        s.close()
    for bundle in ("a", "b"):
        trust_bundle(prog, tmp_path / f"{bundle}.qam-bundle")
    yield prog, base, tmp_path / "a.qam-bundle", tmp_path / "b.qam-bundle"
    prog.close()


def test_opposite_orders_and_twice_give_the_same_store(tmp_path, two_laptops):
    prog, base, bundle_a, bundle_b = two_laptops
    prog.close()
    copy1 = make_programme(tmp_path / "p1.db")
    copy2 = make_programme(tmp_path / "p2.db")
    for copy in (copy1, copy2):
        for bundle in (base, bundle_a, bundle_b):
            trust_bundle(copy, bundle)
        import_bundle(copy, base, actor="lead")  # same review ids and items as the laptops' base
    # make_programme gives each copy its own item uuids; the base's review/items are already there.
    r1 = import_bundle(copy1, bundle_a, actor="lead")
    r2 = import_bundle(copy1, bundle_b, actor="lead")
    again = import_bundle(copy1, bundle_b, actor="lead")
    import_bundle(copy2, bundle_b, actor="lead")
    import_bundle(copy2, bundle_a, actor="lead")
    assert r1["added"]["finding"] == 2 and r2["added"]["finding"] == 2
    assert sum(again["added"].values()) == 0 and again["events_added"] == 0
    assert _canonical(copy1) == _canonical(copy2)
    assert len(list_findings(copy1)) == 4
    assert copy1.conn.execute("SELECT count(*) FROM finding").fetchone()[0] == 4
    assert copy1.integrity_ok()
    from qam.store.audit import events
    from qam.trail import verify

    verify(events(copy1))
    # Both offline decisions kept, one conflict, the item held where both started.
    conflicts = decisions_db.conflicts(copy1, open_only=True)
    assert len(conflicts) == 1 and conflicts[0]["statuses"] == ["being_progressed", "completed"]
    assert register_db.status_of(copy1, "REC-HANDOVER") == "awaiting_review"
    assert len([d for d in decisions_db.decisions_with_origin(copy1, "REC-HANDOVER")]) == 2
    resolved = resolve(
        copy1, "REC-HANDOVER", "being_progressed", reason="audit not repeated", actor="lead"
    )
    assert register_db.status_of(copy1, "REC-HANDOVER") == "being_progressed"
    assert decisions_db.conflicts(copy1, open_only=True) == [] and resolved["conflicts"]
    # Re-importing after resolution raises nothing new.
    assert import_bundle(copy1, bundle_a, actor="lead")["conflicts"] == []
    assert register_db.status_of(copy1, "REC-HANDOVER") == "being_progressed"
    copy1.close()
    copy2.close()


def test_cli_receipt_and_conflicts(two_laptops, qam, isolated_store):
    prog, base, bundle_a, bundle_b = two_laptops
    os.environ["QAM_DB"] = str(prog.path)
    first = qam("sync", "import", str(bundle_a))
    assert first.exit_code == 0 and "0 conflicts" in first.stdout
    second = qam("sync", "import", str(bundle_b))
    assert "1 conflict." in second.stdout and "CONFLICT REC-HANDOVER" in second.stdout
    again = qam("sync", "import", str(bundle_b))
    assert " 0 added" in again.stdout and "already present" in again.stdout
    listed = json.loads(qam("sync", "conflicts", "--json").stdout)
    assert listed[0]["item_ref"] == "REC-HANDOVER"
    bad = qam("sync", "resolve", "REC-HANDOVER", "completed")
    assert bad.exit_code == 2  # --reason is required
    ok = qam("sync", "resolve", "REC-HANDOVER", "completed", "--reason", "evidence seen")
    assert ok.exit_code == 0, ok.stderr


def _crafted(tmp_path, good, name, edit) -> bytes:
    manifest, parts = bundle_parts(good)
    edit(manifest, parts)
    path = tmp_path / f"{name}.crafted"
    write_bundle(path, manifest, parts)
    return path.read_bytes()


def _bad_bundles(tmp_path, good) -> dict:
    raw = good.read_bytes()
    cases = {
        "empty": b"",
        "random": os.urandom(4096),
        "truncated": raw[: len(raw) // 2],
        "no_end_line": raw[: raw.rstrip(b"\n").rfind(b"\n") + 1],
        "foreign": json.dumps({"format": "something-else"}).encode() + b"\n",
        "tampered": raw.replace(b"Handover briefings", b"Handover BRIEFINGS"),
        "sqlite": b"SQLite format 3\x00" + os.urandom(2000),
        "format_1": json.dumps({"audit_log": [], "format": "qam-sync-bundle"}).encode(),
        "after_end": raw + b'{"signature": {}}\n',
        "newer": _crafted(tmp_path, good, "newer", lambda m, p: m.update(format_version=99)),
        "extra_table": _crafted(
            tmp_path,
            good,
            "extra",
            lambda m, p: (
                m["sections"].append({"name": "sqlite_master", "columns": ["sql"], "rows": 0}),
                p.update(sqlite_master=[]),
            ),
        ),
        "unknown_column": _crafted(
            tmp_path,
            good,
            "column",
            lambda m, p: m["sections"][0]["columns"].append("evil"),
        ),
        "broken_chain": _crafted(
            tmp_path,
            good,
            "chain",
            lambda m, p: set_value(m, p, "audit_log", 2, "reason", "rewritten"),
        ),
        "not_plain": _crafted(
            tmp_path,
            good,
            "plain",
            lambda m, p: set_value(m, p, "finding", 0, "notes", {"script": 1}),
        ),
        "repeated": _crafted(
            tmp_path,
            good,
            "repeated",
            lambda m, p: p["finding"].append(list(p["finding"][0])),
        ),
    }
    paths = {}
    for name, data in cases.items():
        p = tmp_path / f"{name}.qam-bundle"
        p.write_bytes(data)
        paths[name] = p
    return paths


def test_bad_bundles_refused_whole(tmp_path, two_laptops, qam):
    prog, base, bundle_a, bundle_b = two_laptops
    before = _canonical(prog)
    events_before = prog.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    for name, path in _bad_bundles(tmp_path, bundle_a).items():
        with pytest.raises(ImportFileError) as err:
            import_bundle(prog, path, actor="lead")
        assert "nothing imported" in str(err.value), name
        assert _canonical(prog) == before, name
    assert prog.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == events_before
    os.environ["QAM_DB"] = str(prog.path)
    result = qam("sync", "import", str(tmp_path / "random.qam-bundle"))
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error:")


def test_same_id_with_different_content_is_a_conflict_report(tmp_path, two_laptops):
    prog, base, bundle_a, bundle_b = two_laptops
    import_bundle(prog, bundle_a, actor="lead")
    before = _canonical(prog)
    manifest, parts = bundle_parts(bundle_a)
    set_value(manifest, parts, "finding", 0, "notes", "changed after export")
    crafted = tmp_path / "crafted.qam-bundle"
    write_bundle(crafted, manifest, parts, store_key(tmp_path / "a.db"))
    with pytest.raises(ImportFileError, match=r"already here with different content .*: finding"):
        import_bundle(prog, crafted, actor="lead")
    assert _canonical(prog) == before


def test_export_is_atomic_no_partial_file(tmp_path, programme):
    target = tmp_path / "out.qam-bundle"
    export_bundle(programme, target, actor="x")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    manifest, _ = bundle_parts(target)
    assert manifest["format"] == "qam-sync-bundle" and manifest["format_version"] == 3


def test_a_new_store_takes_the_base_bundles_trail_as_it_is(tmp_path):
    """A laptop made from the programme's bundle holds the programme's trail event for event:
    the same ids, the same chain head; its own events follow, and the programme finds its own
    events already present when the laptop's bundle comes back."""
    from qam.store.audit import events, head
    from qam.trail import verify

    prog = make_programme(tmp_path / "programme.db")
    base = tmp_path / "base.qam-bundle"
    export_bundle(prog, base, actor="liaison.lead")
    programme_trail = [(e["event_id"], e["hash"]) for e in events(prog)]
    laptop = Store.open(tmp_path / "laptop.db")
    receipt = import_bundle(laptop, base, actor="sgt.eastern")
    assert receipt["trail_adopted"] is True
    assert receipt["events_added"] == len(programme_trail)
    laptop_trail = events(laptop)
    assert [(e["event_id"], e["hash"]) for e in laptop_trail[: len(programme_trail)]] == (
        programme_trail
    )
    # After them, this import's own events (the signer enrolled, the import itself).
    assert [e["action"] for e in laptop_trail[len(programme_trail) :]][-1] == "import"
    verify(laptop_trail)
    _capture(laptop, "sgt.eastern", "Handover briefings covered detainee risk", "good")
    export_bundle(laptop, tmp_path / "laptop.qam-bundle", actor="sgt.eastern")
    trust_bundle(prog, tmp_path / "laptop.qam-bundle")
    before = head(prog)[0]
    back = import_bundle(prog, tmp_path / "laptop.qam-bundle", actor="liaison.lead")
    assert back["trail_adopted"] is False
    assert back["events_already_present"] == len(programme_trail)
    assert back["added"]["finding"] == 2
    # The laptop's own events arrive wrapped, naming their originals; none are taken twice.
    wrapped = [e for e in events(prog)[before:] if e["action"] == "sync_import"]
    assert len(wrapped) == back["events_added"] > 0
    assert (
        import_bundle(prog, tmp_path / "laptop.qam-bundle", actor="liaison.lead")["events_added"]
        == 0
    )
    verify(events(prog))


def test_a_store_with_a_trail_of_its_own_merges_event_by_event(tmp_path):
    """`qam init` writes events, so a second programme store wraps the bundle's events."""
    prog = make_programme(tmp_path / "programme.db")
    base = tmp_path / "base.qam-bundle"
    export_bundle(prog, base, actor="liaison.lead")
    other = make_programme(tmp_path / "other.db")
    trust_bundle(other, base)
    receipt = import_bundle(other, base, actor="lead")
    assert receipt["trail_adopted"] is False
    assert receipt["events_added"] > 0


def test_text_that_only_looks_like_a_control_character_merges(tmp_path):
    """Backslashes before b or f, a written-out \\u0001, tabs and line breaks are words a
    reviewer may type: the bundle's screen for control characters lets them through whole."""
    prog = make_programme(tmp_path / "programme.db")
    base = tmp_path / "base.qam-bundle"
    export_bundle(prog, base, actor="liaison.lead")
    laptop = _laptop(tmp_path, "laptop", base)
    notes = "Saved to C:\\build\\files\\u0001 and \\b;\tthen a new line\r\nhere"
    _capture(laptop, "sgt.eastern", notes, "good")
    export_bundle(laptop, tmp_path / "laptop.qam-bundle", actor="sgt.eastern")
    trust_bundle(prog, tmp_path / "laptop.qam-bundle")
    receipt = import_bundle(prog, tmp_path / "laptop.qam-bundle", actor="liaison.lead")
    assert receipt["added"]["finding"] == 2
    assert notes in {f["notes"] for f in list_findings(prog)}


def test_no_room_for_the_scratch_file_is_one_clear_error(tmp_path, monkeypatch):
    """The bundle is staged in a scratch file in the temporary folder: when it cannot be
    made, the import says where and what to do, and nothing is written."""
    import errno

    from qam.errors import StoreError
    from qam.store import staging

    prog = make_programme(tmp_path / "programme.db")
    base = tmp_path / "base.qam-bundle"
    export_bundle(prog, base, actor="liaison.lead")
    laptop = Store.open(tmp_path / "laptop.db")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(staging.tempfile, "mkstemp", full)
    with pytest.raises(StoreError, match="No space left on device.*free some space"):
        import_bundle(laptop, base, actor="sgt.eastern")
    assert laptop.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0
    monkeypatch.undo()
    assert import_bundle(laptop, base, actor="sgt.eastern")["trail_adopted"] is True


def _read_all(path):
    from qam.store import carried as carried_db
    from qam.sync.bundle import Reader

    known = {c.name: c.columns for c in (*carried_db.CARRIED, *carried_db.TRAIL)}
    with path.open("rb") as fh:
        reader = Reader(fh)
        manifest = reader.manifest(known)
        for section in manifest.sections:
            for _ in reader.rows(section):
                pass
        reader.end()


def test_a_damaged_line_in_the_middle_of_a_batch_is_named(tmp_path, monkeypatch):
    """Lines are read a batch at a time: a line cut, too long, not a list or of the wrong
    width is still refused naming its table and row."""
    from qam.sync import bundle as bundle_mod
    from qam.sync.bundle import Refused

    prog = make_programme(tmp_path / "programme.db")
    good = tmp_path / "good.qam-bundle"
    export_bundle(prog, good, actor="liaison.lead")
    _read_all(good)  # the bundle as written reads whole
    lines = good.read_bytes().split(b"\n")
    manifest = json.loads(lines[0])
    names = [s["name"] for s in manifest["sections"]]
    first_event = 1 + sum(s["rows"] for s in manifest["sections"][: names.index("audit_log")])
    assert json.loads(lines[first_event + 1])[0] == 2  # the trail's second event

    def damaged(name, line):
        edited = list(lines)
        edited[first_event + 1] = line
        path = tmp_path / name
        path.write_bytes(b"\n".join(edited))
        return path

    cases = {
        "not a list": (damaged("dict", b'{"seq": 2}'), "audit_log row 2 does not have"),
        "short": (damaged("short", b"[2, 3]"), "audit_log row 2 does not have"),
        "not json": (damaged("json", b"[2, oops"), "audit_log row 2 is not readable"),
    }
    for path, message in cases.values():
        with pytest.raises(Refused, match=message):
            _read_all(path)
    cut = tmp_path / "cut"
    cut.write_bytes(b"\n".join(lines[: first_event + 1]) + b"\n" + lines[first_event + 1][:20])
    with pytest.raises(Refused, match="audit_log row 2 is not a complete line"):
        _read_all(cut)
    longest = max(map(len, lines)) + 10
    monkeypatch.setattr(bundle_mod, "MAX_LINE", longest)
    padded = damaged("long", lines[first_event + 1] + b" " * longest)
    with pytest.raises(Refused, match="audit_log row 2 is not a complete line"):
        _read_all(padded)


def test_a_refusal_after_the_merge_began_leaves_nothing_open(tmp_path, two_laptops):
    """The merge starts while the rules are still being checked: when they refuse, it is
    rolled back and its connections really close, so the store's write-ahead log goes
    when the store does, and the store is as it was."""
    from bundle_tools import canonical as store_hash

    prog, base, bundle_a, bundle_b = two_laptops
    path = prog.path
    prog.close()
    before = store_hash(path)
    manifest, parts = bundle_parts(bundle_a)
    names = [c for s in manifest["sections"] if s["name"] == "audit_log" for c in s["columns"]]
    made = [
        i
        for i, e in enumerate(parts["audit_log"])
        if e[names.index("entity")] == "finding" and e[names.index("action")] == "record"
    ]
    # The event that made a finding says another grade; the trail re-chained to hide it.
    set_value(manifest, parts, "audit_log", made[-1], "new", '{"grade": "outstanding"}')
    crafted = tmp_path / "crafted.qam-bundle"
    write_bundle(crafted, manifest, parts, store_key(tmp_path / "a.db"), chain=True)
    store = Store.open(path)
    try:
        with pytest.raises(ImportFileError, match="no event that made it"):
            import_bundle(store, crafted, actor="lead")
    finally:
        store.close()
    assert not (tmp_path / "programme.db-wal").exists()
    assert store_hash(path) == before
    with Store.open(path) as again:  # and the same store merges the real bundle after
        assert import_bundle(again, bundle_a, actor="lead")["added"]["finding"] == 2
