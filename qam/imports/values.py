"""Each cell to its canonical value: the converters every importer builds its fields from.

A converter takes a non-empty cell and returns the value to store, or raises `CellProblem`
naming the kind of problem and the option that fixes it. Lookups (statuses, grades, themes,
forces) fold what a person typed (case, spaces, punctuation, '&') and are built once per
import. `--value "field:Raw=canonical"` maps a spelling QAM does not know, and
`--value "field:=canonical"` gives empty cells a default.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from qam.dates import ACCEPTED, DateError, parse_date
from qam.errors import ImportFileError
from qam.imports.problems import CellProblem
from qam.vocabulary import SPELLINGS, fold

Converter = Callable[[object], Any]
_LIST_SPLIT = re.compile(r"\s*(?:[;\n|]|,(?!\d))\s*")


def cell_text(value: object) -> str | None:
    """A cell as trimmed text (dates as ISO, whole numbers without '.0'); None when empty."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, datetime):
        value = value.date() if not value.time() else value.replace(microsecond=0)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def text(value: object) -> str | None:
    """The text converter: the cell as one trimmed string."""
    return cell_text(value)


def one_line(value: object) -> str | None:
    """Text on one line (ids, refs, names): inner runs of spaces and line breaks folded."""
    raw = cell_text(value)
    return " ".join(raw.split()) if raw else None


def split_list(value: object) -> list[str]:
    """A cell listing several things, separated by ';', ',', '|' or line breaks."""
    raw = cell_text(value)
    if raw is None:
        return []
    return [part for part in _LIST_SPLIT.split(raw) if part]


# ---- choices --------------------------------------------------------------------------


class Choice:
    """A closed vocabulary (statuses, grades, ...): slugs, their labels and known spellings."""

    def __init__(self, field_name: str, slugs: Iterable[str], noun: str | None = None):
        self.field = field_name
        self.slugs = tuple(slugs)
        self.noun = noun or field_name
        self.lookup: dict[str, str] = {}
        for slug in self.slugs:
            self.lookup[fold(slug)] = slug
        for slug, spellings in SPELLINGS.get(field_name, {}).items():
            if slug in self.slugs:
                for spelling in spellings:
                    self.lookup.setdefault(fold(spelling), slug)

    def find(self, raw: object) -> str | None:
        return self.lookup.get(fold(raw))

    def suggest(self, raw: object) -> str | None:
        close = difflib.get_close_matches(fold(raw), list(self.lookup), n=1, cutoff=0.75)
        return self.lookup[close[0]] if close else None

    def __call__(self, value: object) -> str:
        slug = self.find(value)
        if slug is not None:
            return slug
        guess = self.suggest(value)
        raise CellProblem(
            f"unknown {self.noun}",
            f'map each with --value "{self.field}:{{raw}}={guess or "<" + self.noun + ">"}" '
            f"choosing one of {', '.join(self.slugs)}, or correct the cells",
            note=f"like {guess}" if guess else "",
        )


# ---- dates and numbers ---------------------------------------------------------------


def a_date(value: object) -> str:
    """A date cell as an ISO date (day first, ISO, written, or a month and year)."""
    try:
        parsed = parse_date(value)
    except DateError as err:
        message = str(err)
        impossible = "not a real date" in message or "has no month" in message
        kind = "impossible date" if impossible else "unreadable date"
        raise CellProblem(
            kind, f"correct them in the file (dates are read {ACCEPTED})", note=_why(err)
        ) from None
    return parsed.isoformat() if parsed else ""


def _why(err: DateError) -> str:
    message = str(err)
    if "not a real date" in message:
        return message[message.find("(") + 1 : message.rfind(")")]
    if "has no month" in message:
        return message[message.find("has no month") : message.find(";")]
    return ""


def whole_number(
    low: int | None = None, high: int | None = None, noun: str = "number"
) -> Converter:
    """A converter for a whole number within [low, high]."""
    span = (
        f"from {low} to {high}"
        if low is not None and high is not None
        else f"at least {low}"
        if low is not None
        else "a whole number"
    )

    def convert(value: object) -> int:
        raw = cell_text(value) or ""
        try:
            number = float(raw)
        except ValueError:
            raise CellProblem(
                f"{noun} that is not a whole number",
                plural=f"{noun}s that are not whole numbers",
                fix=f"write each as a whole number {span}",
            ) from None
        if not number.is_integer():
            raise CellProblem(
                f"{noun} that is not a whole number",
                plural=f"{noun}s that are not whole numbers",
                fix=f"write each as a whole number {span}",
            )
        whole = int(number)
        if (low is not None and whole < low) or (high is not None and whole > high):
            raise CellProblem(
                f"{noun} out of range",
                plural=f"{noun}s out of range",
                fix=f"each must be {span}",
            )
        return whole

    return convert


# ---- --value ---------------------------------------------------------------------------


@dataclass
class ValueMap:
    """The user's `--value` options: {field: {folded raw (or '' for empty cells): canonical}}."""

    by_field: dict[str, dict[str, str]] = field(default_factory=dict)
    written: dict[tuple[str, str], str] = field(default_factory=dict)  # for error messages

    def for_field(self, name: str) -> dict[str, str]:
        return self.by_field.get(name, {})


def parse_value_options(options: Iterable[str], allowed: Iterable[str]) -> ValueMap:
    """`--value "field:Raw=canonical"` options; canonical values are checked by the pipeline."""
    allowed = list(allowed)
    result = ValueMap()
    for option in options or ():
        field_name, colon, rest = option.partition(":")
        raw, equals, canonical = rest.partition("=")
        field_name = field_name.strip().lower().replace(" ", "_")
        raw, canonical = _unquote(raw), _unquote(canonical)
        if not colon or not equals or not canonical:
            raise ImportFileError(
                f"--value '{option}' must be written \"field:Raw=canonical\" (or "
                '"field:=canonical" for empty cells), e.g. --value "status:Sort of done=being_progressed".'
            )
        if field_name not in allowed:
            close = difflib.get_close_matches(field_name, allowed, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ImportFileError(
                f"--value '{option}': '{field_name}' is not a field here{hint}; use one of "
                f"{', '.join(allowed)}."
            )
        key = fold(raw)
        result.by_field.setdefault(field_name, {})[key] = canonical
        result.written[(field_name, key)] = option
    return result


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    return text


# ---- themes and forces ------------------------------------------------------------------


def theme(vocabulary, new=None, field: str = "theme") -> Converter:
    """A converter to a theme slug from the store's vocabulary.

    With `new` (a `qam.themes.NewThemes`, when --add-themes is given) a theme no one has
    listed joins the vocabulary under the words first used for it; without, it is a problem.
    """

    def convert(value: object) -> str:
        written = one_line(value) or ""
        slug = vocabulary.find(written)
        if slug is not None:
            return slug
        if new is not None:
            return new.add(written)
        guess = vocabulary.suggest(written)
        raise CellProblem(
            "unknown theme",
            "add them to the force's themes with --add-themes, or map each to a theme it "
            f'has with --value "{field}:{{raw}}=<theme>" (see `qam themes list`)',
            note=f"like '{guess}'" if guess else "",
        )

    return convert


def themes(vocabulary, new=None, field: str = "skills", mapped: dict | None = None) -> Converter:
    """A converter for a cell listing several themes (an SME's skills); `mapped` holds the
    user's --value options for the field, applied to each theme in the list."""
    one = theme(vocabulary, new, field)
    mapped = {key: one(canonical) for key, canonical in (mapped or {}).items() if key}

    def convert(value: object) -> list[str]:
        slugs: list[str] = []
        unknown: list[tuple[str, CellProblem]] = []
        parts = split_list(value)
        for part in parts:
            try:
                slug = mapped.get(fold(part)) or one(part)
            except CellProblem as problem:
                unknown.append((part, problem))
                continue
            if slug not in slugs:
                slugs.append(slug)
        if unknown:
            part, first = unknown[0]
            names = ", ".join(f"'{p}'" for p, _ in unknown)
            several = f"{names} {'is' if len(unknown) == 1 else 'are'} not a theme"
            notes = [n for n in (several if len(parts) > 1 else "", first.note) if n]
            raise CellProblem(
                "list with an unknown theme",
                first.fix.replace("{raw}", part),
                plural="lists with unknown themes",
                note=", ".join(notes),
            )
        return slugs

    return convert


def force(home_force: str | None) -> Converter:
    """A converter to a territorial force's official name (or the home force's)."""
    from qam.forces import canonical_force, explain

    def convert(value: object) -> str:
        written = one_line(value) or ""
        found = canonical_force(written, home_force)
        if found:
            return found
        kind, detail = explain(written)
        if kind == "ambiguous":
            raise CellProblem(
                "ambiguous force",
                f'say which with --value "force:{{raw}}={detail[0]}"',
                plural="ambiguous forces",
                note=f"{detail[0]} or {detail[1]}",
            )
        if kind == "not_territorial":
            raise CellProblem(
                "force that is not territorial",
                "QAM compares the 43 territorial forces of England and Wales that PEEL "
                "grades; remove these rows",
                plural="forces that are not territorial",
                note=f"{detail[0]}, {detail[1]}",
            )
        raise CellProblem(
            "unknown force",
            f'map each with --value "force:{{raw}}={detail[0] if detail else "<force>"}" '
            "(a force's name as HMICFRS or data.police.uk writes it)",
            note=f"like {detail[0]}" if detail else "",
        )

    return convert
