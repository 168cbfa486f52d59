"""Fixtures for `qam serve`: skipped where the optional extra is not installed."""

from __future__ import annotations

import pytest

pytest.importorskip("datasette", reason="qam serve needs the optional extra: pip install '.[serve]'")
pytest.importorskip("datasette_auth_passwords")

from tests.reports.conftest import CANARIES, build_programme  # noqa: E402

__all__ = ["CANARIES", "build_programme"]

PASSWORDS = {"analyst": "a long passphrase for the analyst", "secretariat": "board papers 2027 key"}


@pytest.fixture
def programme_db(store, isolated_store):
    """The reports' programme (canaries and XSS corpus planted) in the test's store file."""
    build_programme(store)
    return isolated_store


@pytest.fixture
def with_users(programme_db, qam):
    """Two logins: the analyst may run SQL, the secretariat may not."""
    result = qam(
        "serve", "--set-password", "--user", "analyst", "--allow-sql", input=PASSWORDS["analyst"] + "\n"
    )
    assert result.exit_code == 0, result.stderr
    result = qam("serve", "--set-password", "--user", "secretariat", input=PASSWORDS["secretariat"] + "\n")
    assert result.exit_code == 0, result.stderr
    return programme_db
