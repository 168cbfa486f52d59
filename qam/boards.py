"""The force's assessment boards: each chaired by a chief officer, each owning PEEL areas.

The shipped `plans/boards.csv` (one row an area: `area`, `board`, `chair`) is where every store
starts; `qam boards set` edits a store's own copy (kept as the setting `assessment_boards`,
each change in the trail), which the readiness report and the board packs then read. A
board's chair is written as the register writes its chief officer leads ("ACC Crime and
Justice"), so the items the chair leads are found by the register's `owner`.
"""

from __future__ import annotations

import csv
import difflib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qam.errors import ImportFileError, NotFoundError, QamError
from qam.paths import data_dir
from qam.vocabulary import fold

if TYPE_CHECKING:
    from qam.store import Store

SETTING = "assessment_boards"


@dataclass
class Board:
    name: str
    chair: str = ""
    areas: list[str] = field(default_factory=list)

    def leads(self, owner: str | None) -> bool:
        """Whether the register's chief officer lead `owner` is this board's chair."""
        return bool(self.chair) and fold(owner or "") == fold(self.chair)


def read_file(path: Path) -> list[Board]:
    """Boards from a CSV of `area`, `board`, `chair` rows; a board's chair may be given on any
    of its rows, and two different chairs for one board are refused, naming the rows."""
    boards: dict[str, Board] = {}
    chair_row: dict[str, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            name = (row.get("board") or "").strip()
            if not name:
                continue
            board = boards.setdefault(name, Board(name))
            area = (row.get("area") or "").strip()
            if area and area not in board.areas:
                board.areas.append(area)
            chair = (row.get("chair") or "").strip()
            if chair and board.chair and fold(chair) != fold(board.chair):
                raise ImportFileError(
                    f"{path.name}: row {number} gives {name} the chair '{chair}', but row "
                    f"{chair_row[name]} gives '{board.chair}'; a board has one chair: correct one."
                )
            if chair and not board.chair:
                board.chair, chair_row[name] = chair, number
    return list(boards.values())


def shipped() -> list[Board]:
    path = data_dir("plans") / "boards.csv"
    return read_file(path) if path.exists() else []


def load(store: Store | None) -> list[Board]:
    """The store's boards (as edited), else the shipped ones."""
    raw = store.setting(SETTING) if store is not None else None
    if raw:
        return [Board(**b) for b in json.loads(raw)]
    return shipped()


def area_pairs(boards: list[Board]) -> list[tuple[str, str]]:
    """(area, board) for every area a board owns."""
    return [(area, b.name) for b in boards for area in b.areas]


def find(boards: list[Board], name: str) -> Board:
    """The board called `name` (case and punctuation ignored), or a NotFoundError naming them."""
    for board in boards:
        if fold(board.name) == fold(name):
            return board
    names = [b.name for b in boards]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise NotFoundError(
        f"No assessment board '{name}'{hint}; the boards are: {', '.join(names) or 'none'}. "
        "`qam boards list` shows them."
    )


def set_board(
    store: Store,
    name: str,
    *,
    actor: str,
    chair: str | None = None,
    add_areas: list[str] | tuple[str, ...] = (),
    remove_areas: list[str] | tuple[str, ...] = (),
) -> Board:
    """Add a board or change one: its chair, areas added (taken from any other board that owned
    them: an area has one board) and areas removed. One event in the trail."""
    from qam.store import audit

    boards = load(store)
    before = json.dumps([asdict(b) for b in boards])
    try:
        board = find(boards, name)
    except NotFoundError:
        if not name.strip():
            raise QamError('A board needs a name, e.g. "Operational Assessment Board".') from None
        board = Board(name.strip())
        boards.append(board)
    if chair is not None:
        board.chair = chair.strip()
    for area in remove_areas:
        match = [a for a in board.areas if fold(a) == fold(area)]
        if not match:
            raise NotFoundError(
                f"--remove-area '{area}': {board.name} has no such area; it has "
                f"{', '.join(board.areas) or 'none'}."
            )
        board.areas.remove(match[0])
    for area in add_areas:
        for other in boards:
            other.areas = [a for a in other.areas if fold(a) != fold(area)]
        board.areas.append(area.strip())
    after = json.dumps([asdict(b) for b in boards])
    if after != before:
        with store.transaction():
            store.set_setting(SETTING, after)
            audit.append_event(
                store,
                actor=actor,
                entity="assessment_board",
                entity_id=board.name,
                action="set",
                new=asdict(board),
                reason="qam boards set",
            )
    return board
