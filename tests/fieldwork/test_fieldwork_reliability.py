"""Never lose an answer: SIGKILL at random points, and four processes capturing at once."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from fw_helpers import answer_line, make_programme

from qam.store import Store

KILL_LOOPS = int(os.environ.get("QAM_KILL_LOOPS", "30"))
# The everyday suite kills a few captures; the slow suite (CI) kills KILL_LOOPS of them.
_LOOPS = [10, pytest.param(KILL_LOOPS, marks=pytest.mark.slow)]


@pytest.mark.parametrize("loops", _LOOPS)
def test_kill_loop_acknowledged_answers_survive(tmp_path, loops):
    db = tmp_path / "laptop.db"
    make_programme(db).close()
    env = {**os.environ, "QAM_DB": str(db), "QAM_USER": "sgt.kill"}
    acknowledged: set[str] = set()
    rng = random.Random(5)
    for loop in range(loops):
        proc = subprocess.Popen(
            [sys.executable, "-m", "qam", "capture", "--answers", "-"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        want = rng.randint(0, 6)
        for i in range(want + 1):
            proc.stdin.write(
                answer_line("pub-1" if i % 2 else "vic-1", notes=f"loop {loop} answer {i}") + "\n"
            )
        proc.stdin.flush()
        got = 0
        while got < want:
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("saved "):
                acknowledged.add(line.split()[1])
                got += 1
        time.sleep(rng.random() * 0.05)  # kill somewhere inside the next answer's write
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with Store.open(db) as store:
            stored = {r[0] for r in store.conn.execute("SELECT id FROM finding")}
            assert acknowledged <= stored, f"loop {loop}: acknowledged answers lost"
            assert store.integrity_ok()
    assert acknowledged


def _capture_many(db: str, who: str, count: int, queue) -> None:
    os.environ["QAM_USER"] = who
    import qam.fieldwork  # noqa: F401
    from qam.fieldwork.findings import record_answer
    from qam.fieldwork.sessions import open_session

    saved, errors, session = [], [], None
    with Store.open(db) as store:
        for i in range(count):
            try:
                if i % 5 == 0:
                    session = open_session(store, review_id="R1", method="interview", actor=who)
                saved.append(
                    record_answer(
                        store, session, question_id="pub-1", notes=f"{who} {i}", actor=who
                    )["id"]
                )
            except Exception as err:  # noqa: BLE001 - the test reports any failure
                errors.append(f"{type(err).__name__}: {err}")
    queue.put((saved, errors))


def test_four_processes_capture_at_once(tmp_path):
    db = tmp_path / "shared.db"
    make_programme(db).close()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_capture_many, args=(str(db), f"rev{i}", 40, queue)) for i in range(4)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    errors = [e for _, errs in results for e in errs]
    assert errors == [], errors[:3]
    saved = {f for ids, _ in results for f in ids}
    assert len(saved) == 160
    with Store.open(db) as store:
        assert {r[0] for r in store.conn.execute("SELECT id FROM finding")} == saved
        assert store.integrity_ok()
        from qam.store.audit import events
        from qam.trail import verify

        verify(events(store))
