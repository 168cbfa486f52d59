"""The marginal cost of a saved answer, against a raw SQLite insert and commit.

Each answer `qam capture` saves is one transaction: the finding, its links, its search-index
entry and its trail event, committed with WAL and synchronous=FULL before "saved" is printed.
The baseline is the least any durable save can cost on this disk: a row shaped like a finding
inserted and committed on its own, in a fresh WAL store with synchronous=FULL, statements
prepared once. The promise (issue 11): at most 3x. Both run N times (default 200) in the same
run, a raw commit before each answer, on the same disk; medians of the per-answer costs are
compared.

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


class _Raw:
    """The baseline: one finding-shaped row inserted and committed with plain sqlite3."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        columns = [f"c{i}" for i in range(19)]
        self.conn.execute(f"CREATE TABLE finding (id TEXT PRIMARY KEY, {', '.join(columns[1:])})")
        self.sql = f"INSERT INTO finding VALUES ({', '.join('?' * len(columns))})"
        self.width = len(columns) - 1
        self.count = 0

    def commit_one(self) -> float:
        self.count += 1
        row = [f"id-{self.count}", *(f"value {self.count} {c}" for c in range(self.width))]
        start = time.perf_counter()
        self.conn.execute("BEGIN")
        self.conn.execute(self.sql, row)
        self.conn.execute("COMMIT")
        return time.perf_counter() - start


def _round(folder: Path, n: int) -> tuple[float, float]:
    """(raw, saved answer) medians in seconds: one raw commit before each answer, so both
    meet the disk in the same state (the disk's speed drifts between runs, not the ratio)."""
    from qam.fieldwork.answers import capture_answers
    from qam.initialise import initialise
    from qam.planner.reviews import add_review
    from qam.store import Store

    raw = _Raw(folder / "raw.db")
    raw_times: list[float] = []
    qam_times: list[float] = []
    mark = [0.0]

    def lines():
        for line in _answers(n + 1, 0):
            raw_times.append(raw.commit_one())
            mark[0] = time.perf_counter()
            yield line

    def saved(_finding: dict) -> None:
        qam_times.append(time.perf_counter() - mark[0])

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
        capture_answers(store, lines(), actor="bench", on_saved=saved)
    raw.conn.close()
    # The first answer also opens the session.
    return statistics.median(raw_times[1:]), statistics.median(qam_times[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    qam, raw = [], []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as folder:
            baseline, answer = _round(Path(folder), args.answers)
        raw.append(baseline)
        qam.append(answer)
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
