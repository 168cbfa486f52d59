"""Benchmark the programme planner at three sizes: 60 x 22, 200 x 60 and 500 x 150.

For each size a force is generated from a seed (candidate reviews x SMEs, 18 months from
1 December 2026; skills scarce, windows of three weeks to five months, some volunteers away,
a few reviews pinned and a few volunteers excluded), written as the CSV files a force
imports, and planned with the real command, `qam plan solve --json`, at its defaults (the
time limit grows with the pool). Its wall time and peak memory (peak RSS of that process,
from /usr/bin/time) are measured. The greedy plan alone (highest priority first) is computed
beside it for comparison. Both plans are checked rule by rule by the independent checker
(`qam/planner/checker.py`: cap per SME and financial year, never their own unit, skills,
team size, windows, unavailability, pins, exclusions, working days with bank holidays).

The reference bound (`plan_reference.py`, written apart from `qam/planner`): a relaxation of
the programme that leaves out "never on two reviews on one day"; the smaller of its linear
relaxation and the bound a long CP-SAT run proves on it. No real plan can beat it, so
"% of bound" understates how close a plan is to the best possible.

Prints, for greedy and for `qam plan solve`: total priority, the reference bound, % of it,
the bound the command reports and its gap, wall seconds and peak RSS. Exit 1 if a plan breaks
a hard rule, or `qam plan solve` is under 95% of the reference bound, over 180 s or over
400 MB at any size.

    python3 benchmarks/plan_benchmark.py [--seed 7] [--sizes 60x22,200x60,500x150]
        [--reference-seconds 120]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from plan_reference import reference_bound  # noqa: E402

from qam.planner.calendar import add_months, is_working_day  # noqa: E402
from qam.planner.checker import check  # noqa: E402

THEMES = [
    "custody",
    "call_handling",
    "vulnerability",
    "domestic_abuse",
    "child_protection",
    "investigation",
    "stop_and_search",
    "use_of_force",
    "vetting",
    "leadership",
    "crime_recording",
    "missing_persons",
    "workforce_wellbeing",
    "neighbourhood_policing",
]
UNITS = [
    "Western BCU",
    "Eastern BCU",
    "Northern BCU",
    "Contact Management",
    "Custody",
    "Public Protection Unit",
    "Crime and Investigations",
    "Professional Standards",
    "Corporate Development",
    "People and Development",
]
START = date(2026, 12, 1)
MONTHS = 18
END = add_months(START, MONTHS)
LIMITS = {"share": 0.95, "seconds": 180.0, "rss_mb": 400.0}


def generate(seed: int, n_candidates: int = 60, n_smes: int = 22) -> tuple[list[dict], list[dict]]:
    """SME and candidate rows (as they would be imported) for a seeded random force."""
    rng = random.Random(seed)
    smes = []
    for i in range(n_smes):
        away = []
        if rng.random() < 0.4:
            first = START + timedelta(days=rng.randrange(0, 500))
            away.append(
                [first.isoformat(), (first + timedelta(days=rng.randrange(0, 14))).isoformat()]
            )
        smes.append(
            {
                "id": f"SME{i + 1:03d}",
                "name": f"Volunteer {i + 1}",
                "role": "Officer",
                "unit": rng.choice(UNITS),
                "skills": rng.sample(THEMES, rng.randint(2, 4)),
                "unavailable": away,
            }
        )
    candidates = []
    for i in range(n_candidates):
        first = START + timedelta(days=rng.randrange(0, (END - START).days - 40))
        last = min(END - timedelta(days=1), first + timedelta(days=rng.randrange(21, 150)))
        candidates.append(
            {
                "id": f"R{i + 1:03d}",
                "title": f"Review {i + 1}",
                "theme": rng.choice(THEMES),
                "unit": rng.choice(UNITS),
                "days": rng.randint(2, 5),
                "team_size": rng.choice([2, 2, 3]),
                "earliest": first.isoformat(),
                "latest": last.isoformat(),
                "priority": rng.randint(1, 5),
                "inspection": None,
            }
        )
    return smes, candidates


def steering(seed: int, smes, candidates) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A few pins (a working day inside the window) and exclusions, as a planner makes them."""
    rng = random.Random(seed + 1)
    pins = {}
    for c in rng.sample(candidates, max(1, len(candidates) // 50)):
        day = date.fromisoformat(c["earliest"]) + timedelta(days=rng.randrange(0, 14))
        while not is_working_day(day):
            day += timedelta(days=1)
        pins[c["id"]] = day.isoformat()
    exclusions = [(s["id"], "") for s in rng.sample(smes, max(1, len(smes) // 50))]
    exclusions += [
        (rng.choice(smes)["id"], c["id"])
        for c in rng.sample(candidates, max(1, len(candidates) // 100))
    ]
    return pins, exclusions


def _write(path: Path, rows: list[dict], columns: list[str]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(columns)
        for row in rows:
            out.writerow(
                [
                    ";".join("..".join(v) if isinstance(v, list) else v for v in row[c])
                    if isinstance(row[c], list)
                    else ("" if row[c] is None else row[c])
                    for c in columns
                ]
            )
    return path


def qam_solve(folder: Path, smes, candidates, pins, exclusions) -> dict:
    """Import the rows, steer, and run `qam plan solve --json` under /usr/bin/time."""
    qam = [sys.executable, "-m", "qam"]
    env = {**os.environ, "QAM_DB": str(folder / "qam.db"), "QAM_USER": "benchmark"}

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run(args, env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{' '.join(args[-4:])} failed: {done.stderr.strip()}")
        return done

    columns = ["id", "name", "role", "unit", "skills", "unavailable"]
    run(*qam, "sme", "import", str(_write(folder / "sme.csv", smes, columns)))
    columns = ["id", "title", "theme", "unit", "days", "team_size", "earliest", "latest"]
    path = _write(folder / "candidates.csv", candidates, [*columns, "priority"])
    run(*qam, "plan", "import", str(path))
    for rid, day in pins.items():
        run(*qam, "plan", "pin", rid, day)
    for sid, rid in exclusions:
        run(*qam, "plan", "exclude", sid, *(["--review", rid] if rid else []))
    timing = folder / "time.txt"
    done = run(
        "/usr/bin/time", "-f", "%e %M", "-o", str(timing), *qam, "plan", "solve",
        "--start", START.isoformat(), "--months", str(MONTHS), "--json",
    )  # fmt: skip
    wall, rss_kb = timing.read_text().split()[-2:]
    return {**json.loads(done.stdout), "wall": float(wall), "rss_mb": int(rss_kb) / 1024}


def greedy_plan(smes, candidates, pins, exclusions) -> tuple[dict, float]:
    from qam.planner.greedy import greedy
    from qam.planner.model import build_instance
    from qam.planner.programme import result_document

    inst = build_instance(
        smes, candidates, [], start=START, months=MONTHS, pins=pins, exclusions=exclusions
    )
    t0 = time.monotonic()
    sol = greedy(inst)
    seconds = time.monotonic() - t0
    return result_document(inst, sol), seconds


def run_size(seed: int, n: int, m: int, reference_seconds: float) -> tuple[list[str], int]:
    smes, candidates = generate(seed, n, m)
    pins, exclusions = steering(seed, smes, candidates)
    priority = {c["id"]: c["priority"] for c in candidates}
    ref = reference_bound(
        smes, candidates, start=START, end=END, pins=pins, exclusions=exclusions,
        seconds=reference_seconds,
    )  # fmt: skip
    bound = ref["bound"]
    with tempfile.TemporaryDirectory() as tmp:
        solved = qam_solve(Path(tmp), smes, candidates, pins, exclusions)
    greedy_doc, greedy_seconds = greedy_plan(smes, candidates, pins, exclusions)
    rows, failures = [], 0
    for name, doc in (("greedy", greedy_doc), ("qam plan solve", solved)):
        broken = check(
            doc, smes, candidates, start=START, end=END, exclusions=exclusions, pins=pins
        )
        total = sum(priority[s["review"]] for s in doc["scheduled"])
        share = total / bound if bound else 1.0
        rules = "kept" if not broken else f"BROKEN: {broken[:2]}"
        if name == "greedy":
            own, wall, rss = "", f"{greedy_seconds:.1f}", ""
        else:
            own = f"{doc['bound']} ({doc['gap']:.1%})"
            wall, rss = f"{doc['wall']:.1f}", f"{doc['rss_mb']:.0f}"
            failures += share < LIMITS["share"]
            failures += doc["wall"] > LIMITS["seconds"] or doc["rss_mb"] > LIMITS["rss_mb"]
        failures += bool(broken)
        rows.append(
            f"| {n} x {m} | {name} | {total} ({len(doc['scheduled'])} reviews) | {bound} "
            f"(LP {ref['lp']}, CP-SAT {ref['cp_sat']}) | {share:.1%} | {own} | {wall} | {rss} "
            f"| {rules} |"
        )
    return rows, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sizes", default="60x22,200x60,500x150")
    parser.add_argument("--reference-seconds", type=float, default=120.0)
    args = parser.parse_args()
    print(
        f"Seed {args.seed}; 18 months from {START}; cap 10 days a financial year. Needs: "
        f">= {LIMITS['share']:.0%} of the reference bound, <= {LIMITS['seconds']:.0f} s, "
        f"<= {LIMITS['rss_mb']:.0f} MB peak RSS, every hard rule kept.\n"
    )
    print(
        "| candidates x SMEs | plan | total priority | reference bound | % of bound "
        "| bound it reports (gap) | wall s | peak RSS MB | hard rules |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    failures = 0
    for size in args.sizes.split(","):
        n, m = (int(p) for p in size.split("x"))
        rows, failed = run_size(args.seed, n, m, args.reference_seconds)
        print("\n".join(rows), flush=True)
        failures += failed
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
