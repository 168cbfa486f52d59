"""The `qam capture --answers` line format (DESIGN.md section 5), parsed without the store.

Parsing is pure so that every way a line can be wrong is one `ImportFileError` naming the line
and the field; checking the line against the store (does the review exist, is the grade on the
set's scale) happens in `qam.fieldwork.capture`, which adds the same line number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from qam.errors import ImportFileError
from qam.vocabulary import METHODS

MAX_LINE = 1_000_000
_KEYS = {
    "review",
    "question",
    "method",
    "notes",
    "grade",
    "good_practice",
    "sources",
    "links",
    "participant",
    "concerns",
    "place",
    "held_on",
    "document",
}
_REQUIRED = ("review", "question", "method", "notes")


@dataclass(frozen=True)
class Answer:
    """One answer to one question, as a script or a reviewer gave it."""

    review: str
    question: str
    method: str
    notes: str
    grade: str | None = None
    good_practice: bool = False
    sources: int | None = None
    links: tuple[str, ...] = ()
    participant_role: str | None = None
    participant_unit: str | None = None
    concerns: str | None = None
    extra: dict = field(default_factory=dict, compare=False)


def _text(data: dict, key: str, where: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise ImportFileError(
                f"{where}: '{key}' is missing; every answer needs review, question, method and notes."
            )
        return None
    if not isinstance(value, str):
        raise ImportFileError(
            f"{where}: '{key}' must be text in quotes, not {type(value).__name__}."
        )
    if "\x00" in value:
        raise ImportFileError(f"{where}: '{key}' holds a NUL character; remove it.")
    return value.strip()


def parse_line(text: str, line_no: int) -> Answer | None:  # noqa: C901 (to split)
    """One JSON line -> an Answer; a blank line -> None. Raises ImportFileError naming the line."""
    where = f"line {line_no}"
    if not isinstance(text, str):
        raise ImportFileError(f"{where}: not text.")
    if not text.strip():
        return None
    if len(text) > MAX_LINE:
        raise ImportFileError(
            f"{where}: the line is over {MAX_LINE:,} characters; split the notes."
        )
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise ImportFileError(
            f"{where}: not a JSON object ({type(err).__name__}); write one "
            '{"review": ..., "question": ..., "method": ..., "notes": ...} a line.'
        ) from None
    if not isinstance(data, dict):
        raise ImportFileError(
            f"{where}: expected a JSON object {{...}}, got {type(data).__name__}."
        )
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise ImportFileError(
            f"{where}: unknown field '{unknown[0]}'; the fields are {', '.join(sorted(_KEYS))}."
        )
    values = {
        k: _text(data, k, where, required=k in _REQUIRED) for k in (*_REQUIRED, "grade", "concerns")
    }
    for key in ("review", "question", "method"):
        if not values[key]:
            raise ImportFileError(f"{where}: '{key}' is empty.")
    if values["method"] not in METHODS:
        raise ImportFileError(
            f"{where}: method '{values['method']}' is not one of {', '.join(METHODS)}."
        )
    good = data.get("good_practice", False)
    if good is None:
        good = False
    if not isinstance(good, bool):
        raise ImportFileError(f"{where}: 'good_practice' must be true or false.")
    sources = data.get("sources")
    if sources is not None and (
        isinstance(sources, bool) or not isinstance(sources, int) or not 0 <= sources <= 10_000
    ):
        raise ImportFileError(
            f"{where}: 'sources' must be a whole number of sources from 0, e.g. 2."
        )
    links = data.get("links") or []
    if not isinstance(links, list) or not all(isinstance(x, str) and x.strip() for x in links):
        raise ImportFileError(
            f"{where}: 'links' must be a list of register refs, e.g. [\"R-2021-014\"]."
        )
    participant = data.get("participant")
    role = unit = None
    if participant is not None:
        if not isinstance(participant, dict) or set(participant) - {"role", "unit"}:
            raise ImportFileError(
                f'{where}: \'participant\' must be {{"role": ..., "unit": ...}}; never a person\'s name.'
            )
        role = _text(participant, "role", where + " participant")
        unit = _text(participant, "unit", where + " participant")
    grade = values["grade"] or None
    if grade in ("not_assessed", "not assessed"):
        grade = None
    extra = {k: data[k] for k in ("place", "held_on", "document") if k in data}
    return Answer(
        review=values["review"],
        question=values["question"],
        method=values["method"],
        notes=values["notes"],
        grade=grade,
        good_practice=good,
        sources=sources,
        links=tuple(dict.fromkeys(x.strip() for x in links)),
        participant_role=role or None,
        participant_unit=unit or None,
        concerns=values["concerns"] or None,
        extra=extra,
    )
