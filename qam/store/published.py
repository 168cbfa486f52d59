"""The public database `qam serve --view public` serves: a separate SQLite file built from the
public reports' own figures, never a filtered view of the programme store.

Nothing of the programme store is copied into it: it holds the suppressed counts and withheld
grades that `qam report ... --view public` publishes (`qam/serve/public.py` builds them from
the same report builders), one row a published cell, and one SQL view a published table. The
base tables are for the views only (the server refuses them); a reader sees the views.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

# The published cells: `count` is NULL where a count is suppressed, `shown` is what a reader
# of the public report sees ("fewer than 5, not shown").
FIGURE_DDL = """
CREATE TABLE figure (
    view_name TEXT NOT NULL,
    report TEXT NOT NULL,
    title TEXT NOT NULL,
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    count INTEGER,
    shown TEXT NOT NULL
)"""
# Each PEEL area's published grade (withheld where fewer than K findings stand behind it).
AREA_DDL = """
CREATE TABLE area_grade (
    position INTEGER NOT NULL,
    board TEXT NOT NULL,
    area TEXT NOT NULL,
    grade TEXT NOT NULL,
    trend TEXT NOT NULL,
    findings TEXT NOT NULL
)"""
BASE_TABLES = ("figure", "area_grade")
READINESS_VIEW = "readiness_by_peel_area"
# The public view's canned query: the register by status, as the public register report has
# it (`qam/serve/public.py` names each published table after its report and title).
REGISTER_POSITION = "SELECT label AS status, shown AS items FROM register_items_by_status"


def write(path: Path, figures: Iterable[tuple], areas: Iterable[tuple]) -> list[str]:
    """Replace the public database's contents in one transaction; returns the views' names.

    `figures` are (view_name, report, title, position, label, count, shown); `areas` are
    (position, board, area, grade, trend, findings). A reader with the file open sees the old
    figures or the new ones, never a mixture.
    """
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'view'"
        ).fetchall():
            conn.execute(f'DROP VIEW "{name}"')
        conn.execute("DROP TABLE IF EXISTS figure")
        conn.execute("DROP TABLE IF EXISTS area_grade")
        conn.execute(FIGURE_DDL)
        conn.execute(AREA_DDL)
        conn.executemany("INSERT INTO figure VALUES (?, ?, ?, ?, ?, ?, ?)", list(figures))
        conn.executemany("INSERT INTO area_grade VALUES (?, ?, ?, ?, ?, ?)", list(areas))
        views = [
            row[0]
            for row in conn.execute("SELECT DISTINCT view_name FROM figure ORDER BY view_name")
        ]
        for name in views:
            quoted = name.replace("'", "''")
            conn.execute(
                f'CREATE VIEW "{name}" AS SELECT label, count, shown FROM figure '
                f"WHERE view_name = '{quoted}' ORDER BY position"
            )
        conn.execute(
            f'CREATE VIEW "{READINESS_VIEW}" AS SELECT board, area, grade, trend, findings '
            "FROM area_grade ORDER BY position"
        )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
    return [*views, READINESS_VIEW]


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's `data_version`: changes when another connection commits to the file."""
    return conn.execute("PRAGMA data_version").fetchone()[0]
