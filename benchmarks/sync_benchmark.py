"""How fast `qam sync import` merges a big bundle, against copying the store with SQLite's
backup API on the same machine in the same run.

The promise (issue 11): importing the demo at `--scale 100000` (100,000 findings) into a
fresh store costs at most 10x copying the demo's store with the backup API, and the import's
peak memory stays under 200 MB. The store and its bundle are built once (`qam demo --scale N`,
then `qam sync export`) and kept in --work, so later runs measure straight away.

    python benchmarks/sync_benchmark.py [--scale 100000] [--runs 3] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RATIO_TARGET = 10.0
MEMORY_TARGET_MB = 200


def _qam(*args: str) -> list[str]:
    qam = shutil.which("qam")
    return [qam, *args] if qam else [sys.executable, "-m", "qam", *args]


def _prepare(work: Path, scale: int) -> tuple[Path, Path]:
    store, bundle = work / "demo" / "qam-demo.db", work / f"demo-{scale}.qam-bundle"
    if not store.exists():
        print(f"building the demo store with {scale:,} findings (once) ...", flush=True)
        subprocess.run(
            _qam("demo", "--scale", str(scale), "--out", str(work / "demo")),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    if not bundle.exists():
        subprocess.run(
            _qam("--db", str(store), "sync", "export", str(bundle)),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return store, bundle


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _backup_seconds(store: Path, target: Path) -> float:
    _fresh(target)
    start = time.perf_counter()
    source = sqlite3.connect(store)
    copy = sqlite3.connect(target)
    source.backup(copy)  # SQLite's online backup: every page, one pass
    copy.close()
    source.close()
    return time.perf_counter() - start


def _import(bundle: Path, target: Path) -> tuple[float, float]:
    """(seconds, peak resident memory in MB) of one `qam sync import` into a fresh store."""
    _fresh(target)
    env = {**os.environ, "QAM_USER": "benchmark"}
    start = time.perf_counter()
    child = subprocess.Popen(
        _qam("--db", str(target), "sync", "import", str(bundle)),
        stdout=subprocess.DEVNULL,
        env=env,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"qam sync import failed (status {status})")
    return seconds, usage.ru_maxrss / 1024  # Linux reports KB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "qam-sync-bench")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    store, bundle = _prepare(args.work / str(args.scale), args.scale)
    target = args.work / "imported.db"
    backups, imports, peaks = [], [], []
    for _ in range(args.runs):  # interleaved, so a busy machine slows both alike
        backups.append(_backup_seconds(store, args.work / "copy.db"))
        seconds, peak = _import(bundle, target)
        imports.append(seconds)
        peaks.append(peak)
    baseline, measured = statistics.median(backups), statistics.median(imports)
    ratio, peak = measured / baseline, max(peaks)
    size = store.stat().st_size / 1e6
    print(
        f"store: {size:.0f} MB, {args.scale:,} findings; bundle {bundle.stat().st_size / 1e6:.0f} MB"
    )
    print(f"backup API copy (baseline): {baseline:.2f} s median of {args.runs}")
    print(f"qam sync import into a fresh store: {measured:.2f} s median of {args.runs}")
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    print(f"machine: {cores} cores, load average {load:.1f} during the run")
    if load > cores:
        print("  (busier than its cores: the import is CPU-bound and the copy is not, so the")
        print("   ratio reads high; run again on a quiet machine for the figure that counts)")
    ok = ratio <= RATIO_TARGET and peak < MEMORY_TARGET_MB
    print(f"ratio: {ratio:.1f}x (target at most {RATIO_TARGET:g}x)")
    print(f"peak memory of the import: {peak:.0f} MB (target under {MEMORY_TARGET_MB} MB)")
    print("ok" if ok else "TOO SLOW OR TOO BIG")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
