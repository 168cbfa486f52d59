"""The marginal cost of a saved answer, against a raw SQLite insert and commit.

Each answer `qam capture` saves is one transaction: the finding, its links, its search-index
entry and its trail event, committed with WAL and synchronous=FULL before "saved" is printed.
The baseline is the least any durable save can cost on this disk: a row shaped like a finding
inserted and committed on its own, in a fresh WAL store with synchronous=FULL, statements
prepared once. The promise (issue 11): at most 3x. Both run N times (default 200) in the same
run, interleaved in blocks; medians of the per-answer costs are compared.

    python benchmarks/answer_benchmark.py [--answers 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET = 3.0


def _answers(n: int, start: int) -> list[str]:
    questions = ("vul-1", "pub-1", "off-1", "wf-1", "vic-1")
    return [
        json.dumps(
            {
                "review": "R1",
                "question": questions[(start + i) % len(questions)],
                "method": "interview",
                "notes": f"Answer {start + i}: the custody sergeant read back each detainee's risks.",
                "sources": 2,
            }
        )
        for i in range(n)
    ]


def _qam_seconds(folder: Path, n: int) -> float:
    """Seconds a saved answer costs in `capture_answers`, after the session is open."""
    from qam.fieldwork.answers import capture_answers
    from qam.initialise import initialise
    from qam.planner.reviews import add_review
    from qam.store import Store

    with Store.open(folder / "qam.db") as store:
        initialise(store, actor="bench", force_name="Westshire Police")
        add_review(
            store,
            review_id="R1",
            title="Custody handovers",
            theme="custody",
            unit="Eastern BCU",
            start="2025-06-02",
            end="2025-06-13",
            actor="bench",
        )
        lines = _answers(n + 1, 0)
        times: list[float] = []
        mark = [time.perf_counter()]

        def saved(_finding: dict) -> None:
            now = time.perf_counter()
            times.append(now - mark[0])
            mark[0] = now

        capture_answers(store, lines, actor="bench", on_saved=saved)
    return statistics.median(times[1:])  # the first answer also opens the session


def _raw_seconds(folder: Path, n: int) -> float:
    """Seconds an insert and commit of one finding-shaped row costs with plain sqlite3."""
    conn = sqlite3.connect(folder / "raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    columns = [f"c{i}" for i in range(19)]
    conn.execute(f"CREATE TABLE finding (id TEXT PRIMARY KEY, {', '.join(columns[1:])})")
    sql = f"INSERT INTO finding VALUES ({', '.join('?' * len(columns))})"
    times = []
    for i in range(n):
        row = [f"id-{i}", *(f"value {i} {c}" for c in columns[1:])]
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute(sql, row)
        conn.execute("COMMIT")
        times.append(time.perf_counter() - start)
    conn.close()
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    qam, raw = [], []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            raw.append(_raw_seconds(Path(a), args.answers))
            qam.append(_qam_seconds(Path(b), args.answers))
    baseline, measured = statistics.median(raw), statistics.median(qam)
    ratio = measured / baseline
    print(
        f"raw insert + commit (baseline): {baseline * 1000:.2f} ms median of {args.answers} x {args.rounds}"
    )
    print(f"saved answer: {measured * 1000:.2f} ms median of {args.answers} x {args.rounds}")
    print(
        f"ratio: {ratio:.2f}x (target at most {TARGET:g}x) -> {'ok' if ratio <= TARGET else 'TOO SLOW'}"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
