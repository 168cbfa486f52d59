"""Helpers for the register tests: writing trackers, and a dump of the store to compare.

A module of its own (not conftest) so `from register_helpers import ...` is unambiguous when
every capability's test folder has a conftest.py.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

HEADERS = [
    "Ref",
    "Recommendation / AFI",
    "Type",
    "Scope",
    "Status",
    "Report",
    "Date Published",
    "Theme",
    "Owner",
    "RAG",
]


def write_csv(
    path: Path,
    headers: list[str],
    rows: list[list[object]],
    *,
    bom: bool = False,
    newline: str = "\r\n",
) -> Path:
    """A tracker as an office tool exports it (CRLF, optional BOM, quoted where needed)."""
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator=newline)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def row(
    ref,
    status="Being progressed",
    *,
    text=None,
    type_="Recommendation",
    scope="National Thematic",
    report="Fraud: Time to choose",
    published="02/04/2019",
    theme="victim_care",
    owner="DCC",
    rag="Amber",
):
    return [
        ref,
        text or f"Forces should act on {ref}, promptly.",
        type_,
        scope,
        status,
        report,
        published,
        theme,
        owner,
        rag,
    ]


def snapshot(db: Path) -> dict[str, list]:
    """Every row of every table (the trail included), to prove a refused import left no trace."""
    if not Path(db).exists():
        return {}
    conn = sqlite3.connect(db)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE '%_fts%' ORDER BY name"
            )
        ]
        return {n: sorted(map(repr, conn.execute(f'SELECT * FROM "{n}"'))) for n in names}
    finally:
        conn.close()


def error_line(result) -> str:
    """The single `Error:` line a refused command prints (and checks there is only one)."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return errors[0]
