"""Fixtures for `qam serve`: skipped where the optional extra is not installed."""

from __future__ import annotations

import pytest

pytest.importorskip(
    "datasette", reason="qam serve needs the optional extra: pip install '.[serve]'"
)
pytest.importorskip("datasette_auth_passwords")

from tests.reports.conftest import CANARIES, build_programme  # noqa: E402

__all__ = ["CANARIES", "build_programme"]

PASSWORDS = {"analyst": "a long passphrase for the analyst", "secretariat": "board papers 2027 key"}


@pytest.fixture
def programme_db(store, isolated_store):
    """The reports' programme (canaries and XSS corpus planted) in the test's store file.

    The connection is closed before the server starts: QAM's commands are one process and one
    connection each, and the tests write to the store as they do (a `qam` subprocess)."""
    build_programme(store)
    store.close()
    return isolated_store


@pytest.fixture
def with_users(programme_db, qam):
    """Two logins: the analyst may run SQL, the secretariat may not."""
    result = qam(
        "serve",
        "--set-password",
        "--user",
        "analyst",
        "--allow-sql",
        input=PASSWORDS["analyst"] + "\n",
    )
    assert result.exit_code == 0, result.stderr
    result = qam(
        "serve", "--set-password", "--user", "secretariat", input=PASSWORDS["secretariat"] + "\n"
    )
    assert result.exit_code == 0, result.stderr
    return programme_db


def qam_process(db, *args: str):
    """`qam ARGS` in its own process, as a person or a scheduled job runs it."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, QAM_DB=str(db))
    return subprocess.run(
        [sys.executable, "-m", "qam", *args], env=env, capture_output=True, text=True, timeout=300
    )
