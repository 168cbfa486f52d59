"""Turning one spreadsheet cell into a field's value, with errors that name row and column.

Shared by the register and outcomes importers. `CellError` carries only the problem and the
fix; `RowContext.fail` adds the file, row number and column header, and the promise that
nothing was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from qam.errors import ImportFileError
from qam.register.dates import DateError, parse_uk_date
from qam.register.mapping import CHOICES, ValueMap, canonical_choice, norm, suggest


class CellError(Exception):
    """One cell's problem (internal: always re-raised as an ImportFileError with its row)."""

    def __init__(self, problem: str, fix: str = ""):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


@dataclass
class RowContext:
    """Where a cell came from, for the error message."""

    source: str
    row: int

    def fail(self, header: str, err: CellError) -> ImportFileError:
        fix = f" {err.fix}" if err.fix else ""
        return ImportFileError(
            f"{self.source} row {self.row}, column '{header}': {err.problem}.{fix} Nothing was imported."
        )


def text(value: object) -> str | None:
    """A cell as trimmed text (dates as ISO, whole numbers without '.0'), None when empty."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).replace("\x00", "").strip()
    return result or None


def iso_date(value: object) -> str | None:
    try:
        parsed = parse_uk_date(value)
    except DateError as err:
        raise CellError(str(err), "Correct the date in the file.") from None
    return parsed.isoformat() if parsed else None


def choice(field_name: str, value: object, values: ValueMap, home_force: str | None = None) -> str:
    """A required status/type/scope/grade slug from its spelling, or a CellError that teaches --value."""
    raw = text(value)
    if raw is None:
        raise CellError(f"the {field_name} is empty", f"Give every row a {field_name}.")
    slug = canonical_choice(field_name, raw, values, home_force)
    if slug is None:
        options = CHOICES[field_name]
        hint = suggest(raw, options)
        example = (
            hint[len(" (did you mean ") : -2]
            if hint
            else ("being_progressed" if field_name == "status" else options[0])
        )
        raise CellError(
            f"'{raw}' is not a {field_name} QAM knows{hint}; use one of {', '.join(options)}",
            f'Map it with --value "{field_name}:{raw}={example}" (choosing the right {field_name}), '
            "or correct the row.",
        )
    return slug


def theme(value: object, values: ValueMap, themes: dict[str, str]) -> str | None:
    """A theme slug from a slug or a theme title (question_sets/themes.yaml), None if empty."""
    raw = text(value)
    if raw is None:
        return None
    mapped = values.get("theme", raw)
    if mapped:
        if mapped not in themes:
            raise CellError(
                f"--value maps '{raw}' to '{mapped}', which is not a theme",
                f"Use a slug from question_sets/themes.yaml, e.g. {next(iter(themes))}.",
            )
        return mapped
    key = norm(raw)
    for slug, title in themes.items():
        if key in (norm(slug), norm(title)):
            return slug
    raise CellError(
        f"'{raw}' is not a theme QAM knows{suggest(raw, list(themes) + list(themes.values()))}",
        f'Map it with --value "theme:{raw}=<slug>" using a slug from question_sets/themes.yaml '
        f"(e.g. {', '.join(list(themes)[:3])}), or correct the row.",
    )


def text_list(value: object) -> list[str]:
    """A cell listing several things, one a line or separated by ';'."""
    raw = text(value)
    if raw is None:
        return []
    return [part.strip() for part in re.split(r"[;\n]+", raw) if part.strip()]
