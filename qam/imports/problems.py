"""Every problem in a file, collected as the file is read and reported together in one line.

A person fixing a tracker wants the whole list at once, not one problem a run. Problems are
grouped by kind and column ("3 unknown themes in 'PEEL area': 'Counter Terrorism' (rows 4, 9),
..."), each group with the rows it affects and the exact option or edit that fixes it, and
the file is refused whole: nothing is written until it is right.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qam.errors import ImportFileError

MAX_VALUES_SHOWN = 8
MAX_ROWS_SHOWN = 6


class CellProblem(Exception):
    """One cell's value cannot be used (raised by a converter, collected by the pipeline).

    `kind` is a noun phrase ("unknown theme"), `fix` the sentence that fixes every cell of the
    kind, where "{raw}" stands for the first value shown ("map each with --value
    \"theme:{raw}=<theme>\"").
    """

    def __init__(self, kind: str, fix: str = "", *, plural: str | None = None, note: str = ""):
        super().__init__(kind)
        self.kind = kind
        self.fix = fix
        self.plural = plural
        self.note = note  # said of this one value, e.g. "like 'Domestic abuse'"


@dataclass
class _Group:
    kind: str
    plural: str
    column: str | None
    fix: str
    values: dict[str, list[int]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    count: int = 0


def plural_of(kind: str) -> str:
    """'unknown theme' -> 'unknown themes', 'empty status' -> 'empty statuses'."""
    head, _, last = kind.rpartition(" ")
    if last.endswith(("s", "x", "ch", "sh")):
        last += "es"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}".strip()


def _rows(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:MAX_ROWS_SHOWN])
    more = f" and {len(numbers) - MAX_ROWS_SHOWN} more" if len(numbers) > MAX_ROWS_SHOWN else ""
    return f"row{'s' if len(numbers) > 1 else ''} {shown}{more}"


class Problems:
    """The problems found in one file, in the order their kinds were first met."""

    def __init__(self, source: str):
        self.source = source
        self._groups: dict[tuple[str, str | None, str], _Group] = {}

    def __bool__(self) -> bool:
        return bool(self._groups)

    def __len__(self) -> int:
        return sum(g.count for g in self._groups.values())

    def add(
        self,
        kind: str,
        *,
        raw: object = None,
        row: int | None = None,
        column: str | None = None,
        fix: str = "",
        plural: str | None = None,
        note: str = "",
    ) -> None:
        """Record one problem: what kind, which value, which row and column, and the fix."""
        key = (kind, column, fix)
        group = self._groups.get(key)
        if group is None:
            group = _Group(kind, plural or plural_of(kind), column, fix)
            self._groups[key] = group
        group.count += 1
        text = "" if raw is None else str(raw)
        rows = group.values.setdefault(text, [])
        if row is not None:
            rows.append(row)
        if note:
            group.notes.setdefault(text, note)

    def cell(self, err: CellProblem, *, raw: object, row: int, column: str | None) -> None:
        self.add(
            err.kind,
            raw=raw,
            row=row,
            column=column,
            fix=err.fix,
            plural=err.plural,
            note=err.note,
        )

    def kinds(self) -> list[str]:
        return [g.kind for g in self._groups.values()]

    def _describe(self, group: _Group) -> str:
        distinct = len(group.values)
        noun = group.kind if group.count == 1 else group.plural
        where = f" in '{group.column}'" if group.column else ""
        parts = []
        for raw, rows in list(group.values.items())[:MAX_VALUES_SHOWN]:
            note = group.notes.get(raw, "")
            place = "; ".join(p for p in (_rows(rows) if rows else "", note) if p)
            value = f"'{_clip(raw)}'" if raw else ""
            parts.append(f"{value} ({place})" if value and place else value or place)
        more = f" and {distinct - MAX_VALUES_SHOWN} more" if distinct > MAX_VALUES_SHOWN else ""
        first = next(iter(group.values), "")
        fix = group.fix.replace("{raw}", _clip(first, 40)) if group.fix else ""
        text = f"{group.count} {noun}{where}: {', '.join(p for p in parts if p)}{more}"
        return f"{text}; {fix}" if fix else text

    def message(self) -> str:
        """One line naming every problem, grouped by kind."""
        total = len(self)
        groups = " ".join(f"{self._describe(g)}." for g in self._groups.values())
        return (
            f"{self.source}: {total} problem{'s' if total != 1 else ''}, nothing was imported. "
            f"{groups}"
        )

    def raise_if_any(self) -> None:
        """Refuse the file, naming every problem, if there is any."""
        if self:
            raise ImportFileError(self.message())


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_option(option: str, value: object, err: CellProblem) -> str:
    """A converter's problem with a value typed at the command line, as one sentence."""
    note = f" ({err.note})" if err.note else ""
    fix = "" if "--value" in err.fix or "--add-themes" in err.fix else f"; {err.fix}"
    themes = (
        " `qam themes list` shows the force's themes; `qam themes add` adds one."
        if "theme" in err.kind
        else ""
    )
    return f"{option} '{value}': {err.kind}{note}{fix}.{themes}"
