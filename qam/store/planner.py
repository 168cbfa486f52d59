"""Store queries and migrations for the planner capability (filled in by its issue)."""

from __future__ import annotations
