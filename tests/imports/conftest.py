"""Fixtures for the import tests."""

from __future__ import annotations

import pytest


def add_custody_review(store) -> None:
    """Review R1 (custody), for surveys to belong to."""
    from qam.planner.reviews import add_review

    add_review(
        store,
        review_id="R1",
        title="Custody",
        theme="custody",
        unit="Custody",
        start="2027-01-04",
        end="2027-01-08",
        actor="tester",
    )


@pytest.fixture
def review_r1():
    return add_custody_review
