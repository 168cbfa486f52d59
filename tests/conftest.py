"""Shared fixtures: no test ever touches a real user's store or home directory."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
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


@pytest.fixture
def quick_escape(monkeypatch):
    """A lone Esc leaves a prompt at once rather than after prompt_toolkit's 1.5 s wait for the
    rest of a key sequence (0.5 s for the terminal's, 1 s for a key binding's): the prompts'
    own Esc binding still does the leaving."""
    from qam.cli import prompts

    bind = prompts._cancel_on_escape

    def quick(question) -> None:
        bind(question)
        question.application.ttimeoutlen, question.application.timeoutlen = 0.01, 0.05

    monkeypatch.setattr(prompts, "_cancel_on_escape", quick)


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


def _once_per_run(tmp_path_factory, name: str, build: Callable[[Path], dict]) -> dict:
    """What `build(folder)` returned (JSON), built by the first xdist worker that asks (the
    others wait on a lock, as pytest-xdist's docs suggest) and only read from then on."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by every worker of this run
    record = root / f"{name}.json"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            record.write_text(json.dumps(build(root / name)), encoding="utf-8")
        return json.loads(record.read_text(encoding="utf-8"))


def _unchanged(folder: Path, built: dict, instead: str) -> None:
    assert _fingerprint(folder) == built, f"this test changed the shared {folder.name}: {instead}"


@pytest.fixture(scope="session")
def shared_demo(tmp_path_factory) -> tuple[DemoRun, dict]:
    """One `qam demo` for the whole run, then only read. Use `demo` (the folder, checked
    unchanged after each test), `demo_run` (what it printed) or `demo_copy` (a copy to change)."""
    paths = ("out", "cwd", "elsewhere")

    def build(home: Path) -> dict:
        run = _build_demo(home)
        return {**run.__dict__, **{k: str(getattr(run, k)) for k in paths}}

    fields = _once_per_run(tmp_path_factory, "shared-demo", build)
    run = DemoRun(**{**fields, **{k: Path(fields[k]) for k in paths}})
    return run, _fingerprint(run.out)


@pytest.fixture
def demo(shared_demo) -> Iterator[Path]:
    """The shared demo's folder (its store is `qam-demo.db`), read-only: a test that changes
    any file in it fails here, since every other test reads the same files."""
    run, built = shared_demo
    yield run.out
    _unchanged(run.out, built, "use demo_copy")


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


# ------------------------------------------------- the report tests' programme, every report


def _write_every_report(home: Path) -> dict:
    """tests/reports/conftest.py's programme (canaries, XSS corpus) and every report of it."""
    from qam.reports import output
    from qam.store import Store
    from tests.reports.conftest import build_programme

    with pytest.MonkeyPatch.context() as env:
        env.setenv("QAM_USER", "test.reviewer")
        env.setenv("XDG_DATA_HOME", str(home / "xdg"))
        with Store.open(home / "store" / "qam.db") as store:
            build_programme(store)
            files = output.write_all(store, home / "reports")
    return {
        "store": str(home / "store" / "qam.db"),
        "files": {f["href"]: str(f["path"]) for f in files},
    }


@pytest.fixture(scope="session")
def _every_report(tmp_path_factory) -> tuple[dict, dict]:
    written = _once_per_run(tmp_path_factory, "every-report", _write_every_report)
    return written, _fingerprint(Path(written["store"]).parents[1])


@pytest.fixture
def every_report(_every_report) -> Iterator[tuple[Path, dict[str, Path]]]:
    """(the store, {file name: path}) of `output.write_all` on the report tests' programme,
    written once for the run and read only (checked unchanged after each test)."""
    written, built = _every_report
    store = Path(written["store"])
    yield store, {href: Path(path) for href, path in written["files"].items()}
    _unchanged(store.parents[1], built, "write the reports of a `programme` of its own")
