"""Report scale check (issue 6): readiness and programme reports against one read of the findings.

Builds (or reuses) a store with `qam demo --scale N` (default 200,000 findings), tops it up with
generated findings if the demo made fewer, then times in one process:

1. one `pandas.read_sql("SELECT * FROM finding", ...)`;
2. the readiness report (stakeholder and public);
3. the programme report (stakeholder and public).

Each report must take at most 5x the read. Exit 1 if one does not.

    python3 benchmarks/report_benchmark.py [--scale 200000] [--dir /tmp/qam-report-bench]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

TARGET = 5.0


def finding_count(db: Path) -> int:
    import sqlite3

    if not db.exists():
        return 0
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM finding").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def top_up(db: Path, wanted: int) -> int:
    """Insert generated findings (one session a review) until the store holds `wanted`."""
    from qam.store import Store
    from qam.vocabulary import GRADES, METHODS

    with Store.open(db) as store:
        have = store.conn.execute("SELECT COUNT(*) FROM finding").fetchone()[0]
        reviews = [r[0] for r in store.conn.execute("SELECT id FROM review")] or ["BENCH"]
        questions = [
            "vic-1",
            "pub-1",
            "prev-1",
            "resp-1",
            "inv-1",
            "vul-1",
            "off-1",
            "wf-1",
            "lead-1",
            "cdi-1",
        ]
        missing = wanted - have
        if missing <= 0:
            return 0
        with store.transaction():
            sessions = {}
            for rid in reviews:
                sid = str(uuid.uuid4())
                sessions[rid] = sid
                store.conn.execute(
                    "INSERT INTO capture_session (id, review_id, method, participants, reviewer, question_set, "
                    "question_set_version, created_at, finalised_at) VALUES (?, ?, 'interview', '[]', 'bench', "
                    "'paf-2023', 1, '2027-01-01T00:00:00Z', '2027-01-02T00:00:00Z')",
                    [sid, rid],
                )
            rows = []
            for i in range(missing):
                rid = reviews[i % len(reviews)]
                rows.append(
                    (
                        str(uuid.uuid4()),
                        sessions[rid],
                        rid,
                        questions[i % 10],
                        METHODS[i % 6],
                        f"Generated note {i} " + "x" * 80,
                        GRADES[(i * 7) % 5] if i % 6 else None,
                        int(i % 11 == 0),
                        (i % 4) + 1,
                        "bench",
                        f"2027-01-01T00:00:{i % 60:02d}Z",
                    )
                )
            store.conn.executemany(
                "INSERT INTO finding (id, session_id, review_id, question_set, question_set_version, question_id, "
                "method, notes, grade, good_practice, sources, reviewer, created_at) "
                "VALUES (?, ?, ?, 'paf-2023', 1, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    return missing


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=200_000)
    parser.add_argument(
        "--dir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "qam-report-bench"
    )
    args = parser.parse_args()
    db = args.dir / "qam-demo.db"
    if finding_count(db) < args.scale:
        env = {**os.environ, "QAM_USER": "benchmark"}
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "qam",
                "demo",
                "--out",
                str(args.dir),
                "--scale",
                str(args.scale),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            print(
                f"qam demo --scale failed ({result.stderr.strip()[-200:]}); generating findings directly."
            )
    added = top_up(db, args.scale) if db.exists() else None
    if added is None:
        from qam.initialise import initialise
        from qam.store import Store

        with Store.open(db) as store:
            initialise(store, actor="benchmark", force_name="Westshire Police")
        added = top_up(db, args.scale)
    if added:
        print(f"Generated {added:,} findings directly (the demo made fewer than {args.scale:,}).")

    import pandas as pd

    from qam.reports.output import write
    from qam.store import Store

    out = args.dir / "bench-reports"
    with Store.open(db) as store:
        n = store.conn.execute("SELECT COUNT(*) FROM finding").fetchone()[0]
        read = timed(lambda: pd.read_sql("SELECT * FROM finding", store.conn))
        results = {"findings": n, "read_sql_s": round(read, 3)}
        ok = True
        for kind in ("readiness", "programme"):
            for view in ("stakeholder", "public"):
                seconds = timed(lambda kind=kind, view=view: write(store, kind, out, view))
                ratio = seconds / read
                ok &= ratio <= TARGET
                results[f"{kind}_{view}_s"] = round(seconds, 3)
                results[f"{kind}_{view}_ratio"] = round(ratio, 2)
    print(json.dumps(results, indent=2))
    print(
        f"Target: each report at most {TARGET:g}x one read_sql of the finding table: {'met' if ok else 'NOT met'}."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
