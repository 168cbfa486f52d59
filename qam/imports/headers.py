"""Headers to fields: a file's own column names mapped onto what an importer reads.

Every force names its columns differently ("Recommendation / AFI", "Chief officer lead",
"Staff ID"). A header maps to a field when it is the field's name or one of its synonyms,
with case, spacing and punctuation ignored; anything else is mapped by the user with
`--map "Header=field"` (or `--map "Header=ignore"`). A missing column is named with the
header most like it, when one is close enough to be worth suggesting.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from qam.errors import ImportFileError
from qam.imports.problems import Problems
from qam.vocabulary import fold

IGNORE = "ignore"


@dataclass(frozen=True)
class Field:
    """One thing an importer reads from a column.

    `convert` turns a cell into the field's value or raises `CellProblem`; it is given the
    cell as the reader found it (text, a number or a date), never None or blank: empty cells
    are the pipeline's to handle (`required` fields report them, others read as None).
    `cache` says the converter gives the same answer for the same cell, so each distinct
    value is converted once per import (statuses, themes, dates).
    """

    name: str
    convert: Callable[[object], object]
    synonyms: tuple[str, ...] = ()
    column_required: bool = False
    required: bool = False
    cache: bool = False
    example: str = ""  # a value to show in "--value field:=example" hints
    empty: Callable[[], object] | None = None  # what an empty cell reads as (else None): list

    def names(self) -> tuple[str, ...]:
        return (self.name, self.name.replace("_", " "), *self.synonyms)


@dataclass
class Column:
    """A field and the column it is read from."""

    field: Field
    index: int
    header: str


@dataclass
class Columns:
    """How a file's columns map: fields read, and the columns left over (by header)."""

    mapped: list[Column]
    unmapped: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return any(c.field.name == name for c in self.mapped)


def parse_map_options(options: Iterable[str], fields: Iterable[Field]) -> dict[str, str]:
    """`--map "Header=field"` options as {folded header: field}; a bad option is refused."""
    allowed = [f.name for f in fields]
    by_lower = {name.lower(): name for name in allowed}
    mapping: dict[str, str] = {}
    for option in options or ():
        header, sep, target = option.rpartition("=")
        header, target = _unquote(header), _unquote(target)
        target = by_lower.get(target.lower()) or target.lower().replace(" ", "_")
        if not sep or not header or not target:
            raise ImportFileError(
                f"--map '{option}' must be written \"Header=field\", e.g. "
                f'--map "Your header={allowed[0]}".'
            )
        if target not in allowed and target != IGNORE:
            close = difflib.get_close_matches(target, allowed, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ImportFileError(
                f"--map '{option}': '{target}' is not a field here{hint}; use one of "
                f"{', '.join(allowed)} (or '{IGNORE}')."
            )
        mapping[fold(header)] = target
    return mapping


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    return text


def _synonym_index(fields: Iterable[Field]) -> dict[str, str]:
    """Folded header -> field: every field's own name first, then the synonyms in order."""
    fields = list(fields)
    index: dict[str, str] = {fold(f.name): f.name for f in fields}
    for f in fields:
        for name in f.names():
            index.setdefault(fold(name), f.name)
    return index


def map_headers(
    headers: list[str],
    fields: list[Field],
    user_map: dict[str, str],
    problems: Problems,
    *,
    extra_fix: dict[str, str] | None = None,
) -> Columns:
    """Assign each header to a field (the user's --map first, then synonyms).

    Duplicate headers, two columns for one field, --map naming no column and missing
    columns are recorded in `problems` (every one, not the first); reading goes on.
    """
    by_name = {f.name: f for f in fields}
    index = _synonym_index(fields)
    folded = [fold(h) for h in headers]
    repeated = _duplicates(headers, folded, problems)
    explicit = set(user_map.values())
    mapped: list[Column] = []
    taken: dict[str, str] = {}
    unmapped: dict[str, int] = {}
    for position, (header, key) in enumerate(zip(headers, folded, strict=True)):
        if position in repeated:
            continue
        target = user_map.get(key)
        if target is None:
            target = index.get(key) if key else None
            if target in explicit:  # a synonym never overrides the user's own choice
                target = None
        if target == IGNORE:
            continue
        if target is None:
            if header:
                unmapped.setdefault(header, position)
            continue
        if target in taken:
            problems.add(
                "pair of columns for one field",
                plural="pairs of columns for one field",
                raw=f"{taken[target]}' and '{header}",
                fix=f'both read as {target}: keep one with --map "{header}=ignore", or map it '
                "to another field",
            )
            continue
        taken[target] = header
        mapped.append(Column(by_name[target], position, header))
    for key in user_map:
        if key not in folded:
            problems.add(
                "--map naming no column",
                plural="--map options naming no column",
                raw=key,
                fix=f"the columns are {_listing(headers)}",
            )
    missing = [f.name for f in fields if f.column_required and f.name not in taken]
    for name in missing:
        problems.add(
            "missing column",
            raw=name,
            fix=_missing_fix(name, by_name[name], unmapped, (extra_fix or {}).get(name)),
        )
    return Columns(mapped=mapped, unmapped=unmapped, missing=missing)


def _duplicates(headers: list[str], folded: list[str], problems: Problems) -> set[int]:
    """Record each repeated header; the positions of the copies (never read)."""
    seen: dict[str, str] = {}
    repeated = set()
    for position, (header, key) in enumerate(zip(headers, folded, strict=True)):
        if not key:
            continue
        if key in seen:
            repeated.add(position)
            problems.add(
                "duplicate header",
                raw=header if header == seen[key] else f"{seen[key]}' and '{header}",
                fix="give each column its own name (or delete the copy) and import again",
            )
        else:
            seen[key] = header
    return repeated


def _listing(headers: list[str]) -> str:
    shown = [f"'{h}'" for h in headers if h]
    return ", ".join(shown) if shown else "(none)"


def closest_header(target: Field, headers: Iterable[str]) -> str | None:
    """The header most like the field (its name or a synonym), if any is close enough."""
    names = [fold(n) for n in target.names()]
    best, score = None, 0.0
    for header in headers:
        key = fold(header)
        if not key:
            continue
        ratio = max(difflib.SequenceMatcher(None, key, n).ratio() for n in names)
        if any(len(n) >= 4 and n in key for n in names):
            ratio = max(ratio, 0.8)
        if ratio > score:
            best, score = header, ratio
    return best if score >= 0.75 else None


def _missing_fix(name: str, target: Field, unmapped: dict[str, int], extra: str | None) -> str:
    hint = closest_header(target, unmapped)
    if hint:
        fix = f"if '{hint}' holds it, map it with --map \"{hint}={name}\""
    else:
        fix = f"add a column named '{name}', or map yours with --map \"Your header={name}\""
    return f"{fix}{'; ' + extra if extra else ''}"
