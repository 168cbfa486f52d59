"""How fast `qam recs import` is per row, against pandas and sqlite-utils on the same file.

The promise (issue 9): per row, importing a register costs at most 2x reading the same file
with `pandas.read_csv` and inserting it with sqlite-utils' `insert_all`. Both run as separate
processes on the same generated tracker (a 200,000-row register by default: the size QAM
must take), each into a fresh database, in the same run; the medians and the ratio are
printed. QAM's import does more than the baseline (every cell checked, a status decision and
a chained trail event per item, the search index), all in one transaction.

    python benchmarks/import_benchmark.py [--rows 200000] [--runs 1]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 2.0
BASELINE = """
import sys
import pandas as pd
import sqlite_utils
frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
sqlite_utils.Database(sys.argv[2])["register_item"].insert_all(frame.to_dict("records"))
"""


def write_tracker(path: Path, rows: int) -> None:
    """A tracker as a force keeps one: mixed spellings, day-first dates, theme labels."""
    statuses = ["Complete", "Being progressed", "Awaiting review", "NFA", "Will be progressed"]
    types = ["Recommendation", "AFI", "Cause of concern", "Rec"]
    scopes = ["National Thematic", "Westshire Police", "Joint Inspection"]
    themes = ["Custody and detention", "call_handling", "Domestic Abuse", "Fraud", "CT"]
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["Ref", "Recommendation / AFI", "Type", "Scope", "Status", "Report",
             "Date Published", "Theme", "Owner", "Due Date", "RAG", "Comments"]
        )  # fmt: skip
        for n in range(rows):
            writer.writerow(
                [
                    f"REC-{n:06d}",
                    f"The force should improve practice {n}, with a clear plan and an owner.",
                    types[n % len(types)],
                    scopes[n % len(scopes)],
                    statuses[n % len(statuses)],
                    f"Report {n % 400}",
                    f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/{2014 + n % 10}",
                    themes[n % len(themes)],
                    "ACC Crime",
                    f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/{2026 + n % 3}",
                    "Amber",
                    f"note {n}",
                ]
            )


def _timed(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def _qam() -> list[str]:
    found = shutil.which("qam")
    return [found] if found else [sys.executable, "-m", "qam"]


def run_once(folder: Path, tracker: Path, n: int) -> tuple[float, float]:
    base_db, qam_db = folder / f"baseline-{n}.db", folder / f"qam-{n}.db"
    baseline = _timed([sys.executable, "-c", BASELINE, str(tracker), str(base_db)])
    env = {**os.environ, "QAM_DB": str(qam_db), "QAM_USER": "benchmark"}
    subprocess.run(
        [*_qam(), "init", "--force-name", "Westshire Police"],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    measured = _timed([*_qam(), "recs", "import", str(tracker)], env)
    return baseline, measured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tracker = folder / "register.csv"
        write_tracker(tracker, args.rows)
        results = [run_once(folder, tracker, n) for n in range(args.runs)]
    baseline = statistics.median(b for b, _ in results)
    measured = statistics.median(m for _, m in results)
    ratio = measured / baseline
    per_row = 1e6 / args.rows
    print(f"{args.rows:,} rows, median of {args.runs} run(s)")
    print(f"pandas.read_csv + sqlite-utils insert_all (baseline): {baseline:.1f} s "
          f"({baseline * per_row:.0f} µs a row)")  # fmt: skip
    print(f"qam recs import: {measured:.1f} s ({measured * per_row:.0f} µs a row)")
    ok = ratio <= TARGET
    print(f"ratio: {ratio:.2f}x (target at most {TARGET:.1f}x) -> {'ok' if ok else 'TOO SLOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
