"""Small-count suppression for the public view, with secondary suppression.

Counts from 1 to k-1 are hidden (primary suppression). A hidden cell must not be derivable
from the published total and the other cells, so when a table that carries a total hides only
one cell, or hides cells that add up to less than k, the next smallest non-zero cells are hidden
too (secondary suppression); if no cell is left to hide, the total is hidden. A total under k
hides the whole table. Zeros are published: a true zero discloses no one.
"""

from __future__ import annotations

from dataclasses import dataclass

K = 5
HIDDEN = f"fewer than {K}, not shown"
SECONDARY = "not shown (protects a small count)"


@dataclass(frozen=True)
class Cell:
    """One published count: `count` is None when it is suppressed, `shown` is what a reader sees."""

    label: str
    count: int | None
    shown: str


def suppress(pairs, *, k: int = K, with_total: bool = True) -> tuple[list[Cell], Cell | None]:
    """Suppress a one-way table of (label, count) pairs that partition its total.

    Returns the cells, in the order given, and the total cell (None when `with_total` is false:
    then only primary suppression is needed, as nothing can be subtracted).
    """
    pairs = [(str(label), int(count)) for label, count in pairs]
    total = sum(c for _, c in pairs)
    hidden: dict[int, str] = {i: HIDDEN for i, (_, c) in enumerate(pairs) if 0 < c < k}
    total_hidden = False
    if with_total:
        if 0 < total < k:
            hidden = {i: HIDDEN for i, (_, c) in enumerate(pairs) if c > 0}
            total_hidden = True
        while (
            hidden
            and not total_hidden
            and (len(hidden) == 1 or sum(pairs[i][1] for i in hidden) < k)
        ):
            rest = [i for i, (_, c) in enumerate(pairs) if c > 0 and i not in hidden]
            if not rest:
                total_hidden = True
                break
            hidden[min(rest, key=lambda i: (pairs[i][1], i))] = SECONDARY
    cells = [
        Cell(label, None, hidden[i]) if i in hidden else Cell(label, c, str(c))
        for i, (label, c) in enumerate(pairs)
    ]
    if not with_total:
        return cells, None
    total_cell = (
        Cell("Total", None, HIDDEN if total < k else SECONDARY)
        if total_hidden
        else Cell("Total", total, str(total))
    )
    return cells, total_cell


def single(label: str, count: int, *, k: int = K) -> Cell:
    """One stand-alone count (not part of a table with a total): primary suppression only."""
    count = int(count)
    return Cell(label, None, HIDDEN) if 0 < count < k else Cell(label, count, str(count))


def published(label: str, count: int) -> Cell:
    """A count published as it is: the programme's own work (reviews, sessions), no one's data."""
    return Cell(label, int(count), str(int(count)))


def mostly_hidden(cells: list[Cell]) -> bool:
    """More of the table's non-zero counts are hidden than shown: a chart of it would be a
    column of "not shown", so the report says it in a sentence instead."""
    hidden = sum(1 for c in cells if c.count is None)
    shown = sum(1 for c in cells if c.count)
    return hidden > shown


def summary(cells: list[Cell], total: Cell | None, noun: str, groups: str) -> str:
    """What a mostly hidden table can still say, in one or two sentences: the total, the
    counts that may be shown, and how much the hidden ones hold between them (the total less
    the shown counts, which secondary suppression keeps at K or more)."""
    hidden = [c for c in cells if c.count is None]
    shown = [c for c in cells if c.count]
    if total is None or total.count is None:
        return f"Fewer than {K} {noun} in all, so they are not broken down."
    if not shown:
        return (
            f"{total.count} {noun} in all, across {len(hidden)} {groups}; none is shown on "
            "its own, to protect small counts."
        )
    listed = "; ".join(f"{c.label}: {c.count}" for c in shown)
    rest = total.count - sum(c.count or 0 for c in shown)
    return (
        f"{total.count} {noun} in all. {listed}. The other {len(hidden)} {groups} "
        f"({rest} {noun} between them) are not shown one by one, to protect small counts."
    )
