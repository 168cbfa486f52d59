"""How fast QAM's commands start, against `python -c "import typer"` on the same machine.

- `qam --help`: at most 1.5x, because no command group is imported to list them.
- `qam recs list --json` on an empty store: at most 2x. Opening the store imports only the
  standard library's sqlite3 (never sqlite-utils, pandas or numpy), and the migrations'
  owners are imported only when a store needs migrating.

Prints medians (wall clock, and the CPU time each process used, which a busy machine
disturbs less) and the ratios; exits 1 if a target is missed.

    python benchmarks/startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TARGETS = {"--help": 1.5, "recs list --json": 2.0}


def _once(cmd: list[str], env: dict) -> tuple[float, float]:
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    if status:
        raise SystemExit(f"{' '.join(cmd)} failed (status {status})")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    qam = shutil.which("qam")
    base = [qam] if qam else [sys.executable, "-m", "qam"]
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "QAM_DB": os.path.join(folder, "qam.db"), "QAM_USER": "bench"}
        subprocess.run([*base, "init"], check=True, stdout=subprocess.DEVNULL, env=env)
        commands = {
            "import typer": [sys.executable, "-c", "import typer"],
            **{name: [*base, *name.split()] for name in TARGETS},
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):  # interleaved, so a busy machine slows them alike
            for name, cmd in commands.items():
                times[name].append(_once(cmd, env))
    wall = {n: statistics.median(w for w, _ in t) for n, t in times.items()}
    cpu = {n: statistics.median(c for _, c in t) for n, t in times.items()}
    print(
        f"import typer (baseline): {wall['import typer'] * 1000:.0f} ms wall, "
        f"{cpu['import typer'] * 1000:.0f} ms CPU, median of {args.runs}"
    )
    failed = False
    for name, target in TARGETS.items():
        ratio = wall[name] / wall["import typer"]
        cpu_ratio = cpu[name] / cpu["import typer"]
        ok = ratio <= target
        failed |= not ok
        print(
            f"qam {name}: {wall[name] * 1000:.0f} ms wall ({ratio:.2f}x), "
            f"{cpu[name] * 1000:.0f} ms CPU ({cpu_ratio:.2f}x); target at most {target:g}x "
            f"-> {'ok' if ok else 'TOO SLOW'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
