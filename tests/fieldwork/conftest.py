"""Fieldwork fixtures: a programme store with a review and a few register items."""

from __future__ import annotations

import pytest
from fw_helpers import make_programme


@pytest.fixture
def programme(isolated_store):
    """The test's QAM_DB as a programme store: question sets, review R1, three register items."""
    store = make_programme(isolated_store)
    yield store
    store.close()
