"""Fixtures for the register tests."""

from __future__ import annotations

import pytest
from register_helpers import HEADERS, row, write_csv


@pytest.fixture
def tracker(tmp_path):
    """A small, valid tracker in the example's own format."""
    rows = [
        row("REC-1", "Complete", text="Forces should publish an action plan, with priorities."),
        row(
            "AFI-2",
            "Awaiting review",
            type_="AFI",
            scope="Westshire Police",
            published="14/10/2022",
            theme="custody",
            text="The force should improve custody handovers.\nIn person, every shift.",
        ),
        row(
            "COC-3",
            "Will be progressed",
            type_="Cause of concern",
            scope="Joint Inspection",
            published="06/02/2014",
            theme="call_handling",
        ),
    ]
    return write_csv(tmp_path / "tracker.csv", HEADERS, rows, bom=True)


@pytest.fixture
def home(qam):
    """A store whose home force is Westshire Police (as `qam init --force-name` records it)."""
    result = qam("init", "--force-name", "Westshire Police")
    assert result.exit_code == 0, result.stderr
    return qam


@pytest.fixture
def home_store(store):
    """An open store whose home force is Westshire Police."""
    store.set_setting("force_name", "Westshire Police")
    return store
