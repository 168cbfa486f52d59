"""Store queries and migrations for the fieldwork capability (filled in by its issue)."""

from __future__ import annotations
