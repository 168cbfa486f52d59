"""Shared fixtures: no test ever touches a real user's store or home directory."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qam.cli import app
from qam.cli._common import options


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    """Point QAM_DB at a fresh file, fix the actor, and reset the root options between tests."""
    db = tmp_path / "store" / "qam.db"
    monkeypatch.setenv("QAM_DB", str(db))
    monkeypatch.setenv("QAM_USER", "test.reviewer")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    options.db = None
    options.actor = None
    yield db
    options.db = None
    options.actor = None


@pytest.fixture
def db_path(isolated_store):
    return isolated_store


@pytest.fixture
def store(isolated_store):
    """An open, migrated store at the test's QAM_DB."""
    from qam.store import Store

    s = Store.open(isolated_store)
    yield s
    s.close()


class Cli:
    """Runs `qam ...` in-process and keeps stdout and stderr apart."""

    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def qam():
    """`qam("recs", "list", "--json")` -> a click Result with exit_code, stdout, stderr."""
    return Cli()


# ------------------------------------------------------------------------- the shared demo


@dataclass(frozen=True)
class DemoRun:
    """`qam demo --out OUT` as a newcomer runs it from a shell in `cwd`, with QAM_DB pointing
    at `elsewhere` (which the demo must leave alone); `printed` is what it printed."""

    out: Path
    printed: str
    cwd: Path
    elsewhere: Path
    env: dict[str, str]


def _fingerprint(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file's mode and content digest. A store's -shm, and a -wal with nothing in it,
    are left out: any reader (in any xdist worker) makes and removes those."""
    seen = {}
    for path in sorted(folder.rglob("*")):
        try:
            if not path.is_file() or path.name.endswith("-shm"):
                continue
            if path.name.endswith("-wal") and path.stat().st_size == 0:
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            seen[str(path.relative_to(folder))] = (path.stat().st_mode, digest)
        except FileNotFoundError:  # another worker's reader closed the store meanwhile
            continue
    return seen


def _build_demo(home: Path) -> DemoRun:
    cwd = home / "shell"
    cwd.mkdir(parents=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("QAM_")},
        "QAM_DB": str(cwd / "elsewhere.db"),
        "QAM_USER": "test.reviewer",
        "XDG_DATA_HOME": str(home / "xdg"),
    }
    out = home / "demo"
    run = subprocess.run(
        [sys.executable, "-m", "qam", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
    )
    assert run.returncode == 0, run.stderr
    return DemoRun(out=out, printed=run.stdout, cwd=cwd, elsewhere=cwd / "elsewhere.db", env=env)


@pytest.fixture(scope="session")
def shared_demo(tmp_path_factory) -> tuple[DemoRun, dict]:
    """One `qam demo` for the whole run: built by the first xdist worker that needs it (the
    others wait on a lock, as pytest-xdist's docs suggest), then only read. Use `demo` (the
    folder, checked unchanged after each test) or `demo_copy` (a copy to change)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by every worker of this run
    home, record = root / "shared-demo", root / "shared-demo.json"
    with open(root / "shared-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            run = _build_demo(home)
            fields = {
                **run.__dict__,
                **{k: str(getattr(run, k)) for k in ("out", "cwd", "elsewhere")},
            }
            record.write_text(json.dumps(fields), encoding="utf-8")
        fields = json.loads(record.read_text(encoding="utf-8"))
    run = DemoRun(**{**fields, **{k: Path(fields[k]) for k in ("out", "cwd", "elsewhere")}})
    return run, _fingerprint(run.out)


@pytest.fixture
def demo(shared_demo) -> Iterator[Path]:
    """The shared demo's folder (its store is `qam-demo.db`), read-only: a test that changes
    any file in it fails here, since every other test reads the same files."""
    run, built = shared_demo
    yield run.out
    assert _fingerprint(run.out) == built, "this test changed the shared demo: use demo_copy"


@pytest.fixture
def demo_copy(shared_demo, tmp_path) -> Path:
    """A copy of the shared demo's folder for a test that changes it (modes kept)."""
    run, _ = shared_demo
    copy = tmp_path / "demo"
    shutil.copytree(run.out, copy, ignore=shutil.ignore_patterns("*-shm", "*-wal"))
    return copy


@pytest.fixture
def demo_run(shared_demo, demo) -> DemoRun:
    """The shared demo's run: what it printed, where from (its folder checked as `demo`'s)."""
    return shared_demo[0]
