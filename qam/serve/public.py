"""The public view's database: the figures the public reports publish, and nothing else.

Each table of each public report (`qam report register|programme|readiness|good-practice
--view public`) is built by that report's own builder, so the same suppression applies (no
count under 5, secondary suppression), the same canaries stay out, and a store marked
OFFICIAL-SENSITIVE is refused the same way. The figures go into a separate SQLite file
(`qam/store/published.py`); the programme store itself is never served in this view.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from qam.reports.models import PUBLIC
from qam.store import published

if TYPE_CHECKING:
    from qam.reports.models import CountTable
    from qam.reports.suppression import Cell
    from qam.store import Store


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60]


def _rows(report: str, title: str, cells: list[Cell], total: Cell | None) -> list[tuple]:
    name = f"{report}_{_slug(title)}"
    rows = [
        (name, report, title, i, cell.label, cell.count, cell.shown) for i, cell in enumerate(cells)
    ]
    if total is not None:
        rows.append((name, report, title, len(cells), "Total", total.count, total.shown))
    return rows


def _tables(report: str, tables: list[CountTable]) -> list[tuple]:
    rows = []
    for table in tables:
        rows += _rows(report, table.title, table.cells, table.total)
    return rows


def figures(store: Store) -> tuple[list[tuple], list[tuple]]:
    """(figures, areas) for `published.write`, from the public reports' builders."""
    from qam.reports import charts, good_practice, programme, readiness, register

    with charts.skipped():  # the figures, not the pictures: drawing is most of the time
        reg = register.build(store, PUBLIC)
        prog = programme.build(store, PUBLIC)
        ready = readiness.build(store, PUBLIC)
        practice = good_practice.build(store, PUBLIC)
    rows = _tables("register", reg.tables)
    rows += _rows("programme", "At a glance", prog.headline, None)
    rows += _tables("programme", prog.tables)
    rows += _rows("readiness", ready.findings.title, ready.findings.cells, ready.findings.total)
    rows += _tables("good_practice", practice.tables)
    areas: list[tuple] = []
    for board in ready.boards:
        for area in board.areas:
            areas.append(
                (
                    len(areas),
                    board.board,
                    area.area,
                    area.grade_label,
                    area.trend,
                    str(area.findings),
                )
            )
    return rows, areas


def build(store: Store, path: Path) -> dict[str, str]:
    """Write the public database at `path` from the store; returns {view name: its title}."""
    rows, areas = figures(store)
    published.write(path, rows, areas)
    titles: dict[str, str] = {}
    for name, report, title, *_ in rows:
        titles.setdefault(name, f"{report.replace('_', ' ').capitalize()}: {title}")
    return titles


def clear(path: Path) -> None:
    """Publish nothing (the store became unpublishable while the server ran)."""
    published.write(path, [], [])
