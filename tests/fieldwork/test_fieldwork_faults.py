"""Faults around the store: killed mid-merge, disk full on save, the write lock held too long.

RELIABILITY cases 4 (kill during merge), 7 (disk full on save) and 17 (another process holds
the write lock longer than the timeout).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest
from fw_helpers import answer_line, finding_ids, make_programme, trust_bundle

from qam.clock import now
from qam.errors import ImportFileError, StoreError
from qam.fieldwork.answers import capture_answers
from qam.fieldwork.demo import save_generated
from qam.fieldwork.findings import get_finding, list_findings, record_answer
from qam.fieldwork.sessions import open_session
from qam.store import Store
from qam.sync.export import export_bundle
from qam.sync.merge import import_bundle

MERGE_KILLS = int(os.environ.get("QAM_MERGE_KILLS", "15"))
# The everyday suite kills a few merges; the slow suite (CI) kills MERGE_KILLS of them.
_KILLS = [5, pytest.param(MERGE_KILLS, marks=pytest.mark.slow)]
_TABLES = (
    "capture_session",
    "finding",
    "finding_link",
    "status_decision",
    "audit_log",
    "synced_event",
)


def _state(path) -> tuple[dict, str]:
    """Row counts, and a hash of the finding, status_decision and audit_log rows.

    Trail events are hashed without their own id, time and chain hashes (a re-run makes new
    ones); what they say (entity, action, old, new, reason, and their order) must match.
    """
    conn = sqlite3.connect(str(path))
    try:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _TABLES}
        digest = hashlib.sha256()
        for sql in (
            "SELECT * FROM finding ORDER BY id",
            "SELECT * FROM status_decision ORDER BY id",
            "SELECT seq, actor, entity, entity_id, action, old, new, reason FROM audit_log ORDER BY seq",
        ):
            for row in conn.execute(sql):
                digest.update(json.dumps(row, default=str).encode())
        return counts, digest.hexdigest()
    finally:
        conn.close()


def _big_laptop_bundle(tmp_path, findings: int = 1000):
    """A programme store, and a laptop bundle with a few hundred findings and some trail events."""
    programme = tmp_path / "programme.db"
    prog = make_programme(programme)
    base = tmp_path / "base.qam-bundle"
    export_bundle(prog, base, actor="liaison.lead")
    prog.close()
    laptop = Store.open(tmp_path / "laptop.db")
    import_bundle(laptop, base, actor="sgt.a")
    session = open_session(laptop, review_id="R1", method="interview", actor="sgt.a")
    for i in range(40):
        record_answer(
            laptop,
            session,
            question_id="pub-1",
            notes=f"revision {i}",
            actor="sgt.a",
            links=["REC-HANDOVER"],
        )
    rows = [
        {
            "id": str(uuid.uuid4()),
            "session_id": session["id"],
            "review_id": "R1",
            "question_set": session["question_set"],
            "question_set_version": session["question_set_version"],
            "question_id": "vic-1",
            "method": "interview",
            "notes": f"observation {i} " * 20,
            "good_practice": 0,
            "reviewer": "sgt.a",
            "created_at": now(),
        }
        for i in range(findings)
    ]
    save_generated(laptop, rows, [(r["id"], "REC-HANDOVER") for r in rows])
    bundle = tmp_path / "laptop.qam-bundle"
    export_bundle(laptop, bundle, actor="sgt.a")
    laptop.close()
    with Store.open(programme) as prog:
        trust_bundle(prog, bundle)
    return programme, bundle


def _import(db_path, bundle, scratch=None) -> subprocess.Popen:
    env = {**os.environ, "QAM_DB": str(db_path), "QAM_USER": "liaison.lead"}
    if scratch is not None:  # where the import may keep its scratch database
        env["TMPDIR"] = str(scratch)
    return subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-m", "qam", "sync", "import", str(bundle)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as a terminal sends it (a test runner may have it ignored, and children
        # would inherit that).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.parametrize("kills", _KILLS)
def test_kill_during_merge_leaves_before_or_after_and_a_rerun_succeeds(tmp_path, kills):
    programme, bundle = _big_laptop_bundle(tmp_path)
    before = _state(programme)
    reference = tmp_path / "reference.db"
    shutil.copy(programme, reference)
    started = time.monotonic()
    proc = _import(reference, bundle)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    duration = time.monotonic() - started
    after = _state(reference)
    assert after != before and after[0]["finding"] >= before[0]["finding"] + 1000

    rng = random.Random(4)
    work = tmp_path / "work.db"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    outcomes = []
    for loop in range(kills):
        for suffix in ("", "-wal", "-shm"):  # a fresh copy of the programme store each time
            p = tmp_path / f"work.db{suffix}"
            if p.exists():
                p.unlink()
        shutil.copy(programme, work)
        proc = _import(work, bundle, scratch)
        # Python's start-up is the first third of the run: aim most kills at the merge itself.
        time.sleep(rng.uniform(duration * 0.3, duration * 1.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = _state(work)  # recovers any hot WAL the kill left behind (never deleted)
        assert state in (before, after), f"loop {loop}: the programme store is half-merged"
        # Nothing of the bundle is left behind in a scratch file, whenever the kill came (a
        # kill in the instant between making the file and unlinking it leaves it empty).
        assert [f for f in scratch.iterdir() if f.stat().st_size] == [], f"loop {loop}"
        outcomes.append("after" if state == after else "before")
        with Store.open(work) as store:
            assert store.integrity_ok(), f"loop {loop}"
    # The last killed store: a re-run succeeds and reaches exactly the after-state.
    proc = _import(work, bundle)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    if outcomes[-1] == "before":
        assert _state(work) == after
    with Store.open(work) as store:
        assert store.integrity_ok()
        assert len(finding_ids(store)) == after[0]["finding"]


def test_ctrl_c_during_an_import_stops_it_whole(tmp_path):
    """Ctrl-C while a bundle is staged, checked or merged (three threads by then): one line,
    exit 130, and the store as it was before or, if the merge had committed, after; never
    an unexpected error, never half a merge, no scratch file left."""
    programme, bundle = _big_laptop_bundle(tmp_path)
    before = _state(programme)
    reference = tmp_path / "reference.db"
    shutil.copy(programme, reference)
    started = time.monotonic()
    assert _import(reference, bundle).wait(timeout=120) == 0
    duration = time.monotonic() - started
    after = _state(reference)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    work = tmp_path / "work.db"
    for loop, share in enumerate((0.35, 0.5, 0.65, 0.8, 0.95)):
        for suffix in ("", "-wal", "-shm"):
            (tmp_path / f"work.db{suffix}").unlink(missing_ok=True)
        shutil.copy(programme, work)
        proc = _import(work, bundle, scratch)
        time.sleep(duration * share)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=120)
        # 0: done before the Ctrl-C; -SIGINT: the Ctrl-C came while Python itself started or
        # shut down, outside QAM.
        assert proc.returncode in (0, 130, -signal.SIGINT), f"loop {loop}: {stderr}"
        if proc.returncode == 130:
            assert stderr.strip() == "Stopped. Everything already saved is kept.", stderr
        state = _state(work)
        assert state in (before, after), f"loop {loop}: half-merged"
        if proc.returncode == 0:
            assert state == after, f"loop {loop}"
        assert [f for f in scratch.iterdir() if f.stat().st_size] == [], f"loop {loop}"


_CTRL_C_AS_A_THREAD_STARTS = """
import os, runpy, signal, sys, threading

point, bundle = sys.argv[1], sys.argv[2]
if point == "merge":
    import qam.sync.merger as merger

    made = merger.Merger.__init__

    def init(self, *args, **kwargs):
        made(self, *args, **kwargs)  # the merge's thread has started
        os.kill(os.getpid(), signal.SIGINT)

    merger.Merger.__init__ = init
else:
    start = threading.Thread.start

    def started(self):
        start(self)
        if self.name == "bundle-rules":  # the rules' second thread has started
            os.kill(os.getpid(), signal.SIGINT)

    threading.Thread.start = started
sys.argv = ["qam", "sync", "import", bundle]
runpy.run_module("qam", run_name="__main__")
"""


@pytest.mark.parametrize("point", ["merge", "rules"])
def test_ctrl_c_the_moment_a_thread_starts_waits_for_it(tmp_path, point):
    """A Ctrl-C just after the merge's or the rules' thread starts, before the import has
    noted it: the import still waits for that thread before closing its connection (before,
    the connection was closed under it: a segmentation fault). Exit 130, the store as it was."""
    programme, bundle = _big_laptop_bundle(tmp_path, findings=300)
    before = _state(programme)
    env = {**os.environ, "QAM_DB": str(programme), "QAM_USER": "liaison.lead"}
    proc = subprocess.run(
        [
            sys.executable,
            "-X",
            "faulthandler",
            "-c",
            _CTRL_C_AS_A_THREAD_STARTS,
            point,
            str(bundle),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip() == "Stopped. Everything already saved is kept."
    assert _state(programme) == before


# ----------------------------------------------------------------------------- disk full


def _counts(store) -> dict:
    return {
        t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("capture_session", "finding", "finding_link", "finding_fts", "audit_log")
    }


def test_disk_full_on_save_is_a_clear_error_and_nothing_partial(programme):
    session = open_session(programme, review_id="R1", method="interview", actor="sgt")
    earlier = record_answer(
        programme, session, question_id="vic-1", notes="Told of next steps", actor="sgt"
    )
    before = _counts(programme)
    pages = programme.pragma("page_count")
    programme.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    big = "Custody record reviewed line by line. " * 20_000  # ~800 KB: far more than two pages
    with pytest.raises(StoreError, match="full; nothing was written"):
        record_answer(
            programme, session, question_id="pub-1", notes=big, actor="sgt", links=["REC-HANDOVER"]
        )
    assert not programme.conn.in_transaction
    assert _counts(programme) == before
    assert finding_ids(programme) == {earlier["id"]}
    assert get_finding(programme, earlier["id"])["notes"] == "Told of next steps"
    assert programme.integrity_ok()
    # A new session's first answer (session + answer in one transaction) fails the same way.
    with pytest.raises(ImportFileError, match=r"line 1: this answer was not saved\. .*full"):
        capture_answers(
            programme, [answer_line("pub-1", notes=big, method="focus_group")], actor="sgt"
        )
    assert _counts(programme) == before
    # Space freed: the same answer saves.
    programme.conn.execute("PRAGMA max_page_count = 1073741823")
    saved = record_answer(
        programme, session, question_id="pub-1", notes=big, actor="sgt", links=["REC-HANDOVER"]
    )
    assert get_finding(programme, saved["id"])["notes"] == big
    assert programme.integrity_ok()


def test_disk_full_through_the_cli_keeps_the_saved_answers(tmp_path):
    db_path = tmp_path / "laptop.db"
    make_programme(db_path).close()
    limit = db_path.stat().st_size + 256 * 1024  # room for a small answer's WAL, not a huge one

    def small_disk():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    big = "Custody record reviewed line by line. " * 25_000  # ~950 KB, under the 1 MB line limit
    lines = (
        answer_line("vic-1", notes="Told of next steps")
        + "\n"
        + answer_line("pub-1", notes=big)
        + "\n"
    )
    env = {**os.environ, "QAM_DB": str(db_path), "QAM_USER": "sgt.full"}
    result = subprocess.run(
        [sys.executable, "-m", "qam", "capture", "--answers", "-"],
        input=lines,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=small_disk,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith("Error: line 2: this answer was not saved."), (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    saved = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("saved ")]
    assert len(saved) == 1
    with Store.open(db_path) as store:
        assert finding_ids(store) == set(saved)
        assert store.integrity_ok()
    again = subprocess.run(
        [sys.executable, "-m", "qam", "capture", "--answers", "-"],
        env=env,
        timeout=60,
        input=answer_line("pub-1", notes=big) + "\n",
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr


# ----------------------------------------------------------------------------- write lock held


@pytest.fixture
def locked(programme, monkeypatch):
    """Another connection holds the write lock; QAM waits only 200 ms for it."""
    monkeypatch.setattr("qam.store.db.BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(str(programme.path), isolation_level=None)
    holder = {"conn": other, "held": False}

    def take():
        other.execute("BEGIN IMMEDIATE")
        holder["held"] = True

    holder["take"] = take
    yield holder
    if holder["held"]:
        other.execute("ROLLBACK")
    other.close()


def test_write_lock_held_too_long_is_one_retryable_error(programme, qam, locked):
    before = _counts(programme)
    locked["take"]()
    result = qam(
        "capture", "--answers", "-", input=answer_line("pub-1", notes="Risk briefing seen") + "\n"
    )
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith("Error: line 1: this answer was not saved."), (
        result.stderr
    )
    assert (
        "busy" in errors[0]
        and "still in your file" in errors[0]
        and "run the same command again" in errors[0].lower()
    )
    assert _counts(programme) == before
    # The lock is released: the same command saves the same line.
    locked["conn"].execute("ROLLBACK")
    locked["held"] = False
    again = qam(
        "capture", "--answers", "-", input=answer_line("pub-1", notes="Risk briefing seen") + "\n"
    )
    assert again.exit_code == 0, again.stderr
    assert [f["notes"] for f in list_findings(programme)] == ["Risk briefing seen"]


def test_lock_taken_mid_run_names_the_line_to_rerun_from(programme, locked):
    store = Store.open(programme.path)  # opened after the fixture's patch: waits 200 ms, not 15 s
    saved = []

    def lines():
        yield answer_line("vic-1", notes="first")
        locked["take"]()
        yield answer_line("pub-1", notes="second")

    with pytest.raises(ImportFileError) as err:
        capture_answers(store, lines(), actor="sgt", on_saved=saved.append)
    message = str(err.value)
    assert message.startswith("line 2: this answer was not saved.") and "busy" in message
    assert "from line 2 on" in message
    assert [f["notes"] for f in list_findings(store)] == ["first"]
    store.close()
