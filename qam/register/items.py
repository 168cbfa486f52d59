"""Finding register items: filters as a user types them, and the functions other capabilities call.

Planner, fieldwork and reports read the register through these (`items`, `items_by_theme`,
`search`, `get`), never through SQL of their own.
"""

from __future__ import annotations

from qam.dates import parse_option_date
from qam.errors import QamError
from qam.imports.values import Choice
from qam.vocabulary import (
    OUTSTANDING_STATUSES,
    REGISTER_SCOPES,
    REGISTER_SOURCES,
    REGISTER_TYPES,
    STATUSES,
)

CHOICES = {
    "status": STATUSES,
    "type": REGISTER_TYPES,
    "scope": REGISTER_SCOPES,
    "source": REGISTER_SOURCES,
}


def _choices(field_name: str, values: list[str] | None, option: str) -> list[str] | None:
    if not values:
        return None
    result: list[str] = []
    choice = Choice(field_name, CHOICES[field_name])
    for raw in values:
        if field_name == "status" and raw.strip().lower() == "outstanding":
            result.extend(OUTSTANDING_STATUSES)
            continue
        slug = choice.find(raw)
        if slug is None:
            extra = ", outstanding" if field_name == "status" else ""
            guess = choice.suggest(raw)
            hint = f" (did you mean {guess}?)" if guess else ""
            raise QamError(
                f"{option} '{raw}' is not a {field_name}{hint}; "
                f"use one of {', '.join(CHOICES[field_name])}{extra}."
            )
        result.append(slug)
    return result


def items(
    store,
    *,
    status=None,
    type_=None,
    scope=None,
    theme: str | None = None,
    owner: str | None = None,
    since: str | None = None,
    until: str | None = None,
    search: str | None = None,
    source=None,
) -> list[dict]:
    """Register items matching every filter; values may be slugs or spellings, dates day first."""
    from qam import themes
    from qam.store import register as sql

    if theme is not None:
        theme = themes.load(store).resolve(theme, "--theme")
    start = parse_option_date(since, "--since")
    end = parse_option_date(until, "--until")
    return sql.query_items(
        store,
        statuses=_choices("status", _as_list(status), "--status"),
        types=_choices("type", _as_list(type_), "--type"),
        scopes=_choices("scope", _as_list(scope), "--scope"),
        sources=_choices("source", _as_list(source), "--source"),
        theme=theme,
        owner=owner,
        since=start.isoformat() if start else None,
        until=end.isoformat() if end else None,
        search=search,
    )


def _as_list(value) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def items_by_theme(store, theme: str, *, outstanding_only: bool = True) -> list[dict]:
    """Items of one theme (by default only the outstanding ones): what a review should test."""
    from qam.store import register as sql

    statuses = list(OUTSTANDING_STATUSES) if outstanding_only else None
    return sql.query_items(store, statuses=statuses, theme=theme)


def search(store, text: str) -> list[dict]:
    """Full-text search over ref, text and report title."""
    from qam.store import register as sql

    return sql.query_items(store, search=text)


def get(store, ref: str) -> dict:
    """One item by ref; NotFoundError (with a near miss) if there is none."""
    from qam.register.decisions import find_item

    return find_item(store, ref)
