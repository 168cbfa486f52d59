"""The `theme` table: the force's theme vocabulary, seeded from question_sets/themes.yaml.

One row a theme: its slug (what other tables store), the label people read, the synonyms
files may use (a JSON list), where it came from (`shipped` with QAM, or `force`: added with
`qam themes add` or `--add-themes`), and who added it when. Sync bundles carry the table, so
a laptop matches and shows themes as the programme store does.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from qam.store.schema import REFERENCE, Carried, Table

if TYPE_CHECKING:
    from qam.store.db import Store

THEME = Table(
    "theme", ("slug", "label", "synonyms", "source", "added_by", "added_at"), key=("slug",)
)
# A theme either store has is added where it is missing; the store's own row is kept.
BUNDLE = (Carried(THEME, REFERENCE),)


def create(conn: sqlite3.Connection) -> None:
    """m009_themes: the table, seeded with the vocabulary shipped with QAM."""
    from qam.vocabulary import shipped_themes

    conn.execute(
        """
        CREATE TABLE theme (
            slug TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            synonyms TEXT NOT NULL DEFAULT '[]',
            source TEXT NOT NULL CHECK (source IN ('shipped', 'force')),
            added_by TEXT,
            added_at TEXT
        )
        """
    )
    conn.executemany(
        "INSERT INTO theme (slug, label, synonyms, source) VALUES (?, ?, ?, 'shipped')",
        [(slug, label, json.dumps(list(synonyms))) for slug, label, synonyms in shipped_themes()],
    )


def themes(store: Store) -> list[dict]:
    """Every theme in the store, shipped ones first in their file order, then the force's."""
    rows = store.rows(f"SELECT {THEME.select()} FROM theme ORDER BY source = 'force', rowid")
    for row in rows:
        row["synonyms"] = json.loads(row["synonyms"] or "[]")
    return rows


def insert_theme(store: Store, theme: dict) -> None:
    """Add one theme (the caller holds the transaction and writes the trail event)."""
    store.conn.execute(
        THEME.insert_sql(),
        [
            theme["slug"],
            theme["label"],
            json.dumps(list(theme.get("synonyms") or ())),
            theme.get("source", "force"),
            theme.get("added_by"),
            theme.get("added_at") or datetime.now(UTC).isoformat(timespec="seconds"),
        ],
    )


def set_synonyms(store: Store, slug: str, synonyms: list[str]) -> None:
    store.conn.execute(
        "UPDATE theme SET synonyms = ? WHERE slug = ?", [json.dumps(list(synonyms)), slug]
    )
