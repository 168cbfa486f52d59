"""How fast `qam --help` starts, against `python -c "import typer"` on the same machine.

The foundation promise: at most 1.5x, because pandas, jinja2, openpyxl and the solver are
imported only inside the commands that use them. Prints medians and the ratio.

    python benchmarks/startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def _median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    qam = shutil.which("qam")
    qam_cmd = [qam, "--help"] if qam else [sys.executable, "-m", "qam", "--help"]
    baseline = _median_seconds([sys.executable, "-c", "import typer"], args.runs)
    measured = _median_seconds(qam_cmd, args.runs)
    ratio = measured / baseline
    print(f"import typer (baseline): {baseline * 1000:.0f} ms median of {args.runs}")
    print(f"{' '.join(qam_cmd[-2:])}: {measured * 1000:.0f} ms median of {args.runs}")
    print(f"ratio: {ratio:.2f}x (target at most 1.50x) -> {'ok' if ratio <= 1.5 else 'TOO SLOW'}")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
