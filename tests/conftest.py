"""Shared fixtures: no test ever touches a real user's store or home directory."""

from __future__ import annotations

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
