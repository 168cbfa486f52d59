"""Fixtures for the planner's tests."""

from __future__ import annotations

import pytest

import qam.planner  # noqa: F401  (keeps the store's migrations in order)
from qam.paths import data_dir


@pytest.fixture
def plans():
    return data_dir("plans")


@pytest.fixture
def loaded(qam, plans):
    """A store with the example force's SMEs, candidates, inspections and AOIs imported."""
    assert qam("sme", "import", str(plans / "sme.csv")).exit_code == 0
    result = qam("plan", "candidates", "--from", str(plans), "--json")
    assert result.exit_code == 0, result.stderr
    return plans
