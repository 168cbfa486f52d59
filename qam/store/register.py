"""Store queries and migrations for the register capability (filled in by its issue)."""

from __future__ import annotations
