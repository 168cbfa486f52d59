"""The time stamps QAM writes: UTC, ISO 8601, to the microsecond (so two answers saved in one
second still sort in the order they were given)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")
