"""Helpers for the register tests: writing trackers, and a dump of the store to compare."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

HEADERS = ["Ref", "Recommendation / AFI", "Type", "Scope", "Status", "Report", "Date Published",
           "Theme", "Owner", "RAG"]


def write_csv(path: Path, headers: list[str], rows: list[list[object]], *, bom: bool = False,
              newline: str = "\r\n") -> Path:
    """A tracker as an office tool exports it (CRLF, optional BOM, quoted where needed)."""
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator=newline)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def row(ref, status="Being progressed", *, text=None, type_="Recommendation", scope="National Thematic",
        report="Fraud: Time to choose", published="02/04/2019", theme="victim_care", owner="DCC", rag="Amber"):
    return [ref, text or f"Forces should act on {ref}, promptly.", type_, scope, status, report, published,
            theme, owner, rag]


@pytest.fixture
def tracker(tmp_path):
    """A small, valid tracker in the example's own format."""
    rows = [
        row("REC-1", "Complete", text="Forces should publish an action plan, with priorities."),
        row("AFI-2", "Awaiting review", type_="AFI", scope="Westshire Police", published="14/10/2022",
            theme="custody", text="The force should improve custody handovers.\nIn person, every shift."),
        row("COC-3", "Will be progressed", type_="Cause of concern", scope="Joint Inspection",
            published="06/02/2014", theme="call_handling"),
    ]
    return write_csv(tmp_path / "tracker.csv", HEADERS, rows, bom=True)


def snapshot(db: Path) -> dict[str, list]:
    """Every row of every table (the trail included), to prove a refused import left no trace."""
    if not Path(db).exists():
        return {}
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%_fts%' ORDER BY name")]
        return {n: sorted(map(repr, conn.execute(f'SELECT * FROM "{n}"'))) for n in names}
    finally:
        conn.close()


@pytest.fixture
def home(qam):
    """A store whose home force is Westshire Police (as `qam init --force-name` records it)."""
    result = qam("init", "--force-name", "Westshire Police")
    assert result.exit_code == 0, result.stderr
    return qam


def error_line(result) -> str:
    """The single `Error:` line a refused command prints (and checks there is only one)."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return errors[0]
