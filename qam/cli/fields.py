"""What each command asks for when its flags leave something out (`prompts.ask_missing`).

One list of `Field`s a command: the flag, the question, how typed text is read (dates day
first, a theme by its label, a menu of labels for a closed vocabulary). Menus show the
force's words; the value handed on is the slug the domain and `--json` use.
"""

from __future__ import annotations

from qam.cli.prompts import Field
from qam.errors import RefusedError


def iso_date(text: str) -> str:
    """Typed text as an ISO date: 06/02/2027, 2027-02-06, 6 Feb 2027 or October 2027."""
    from qam.dates import iso

    day = iso(text)
    if day is None:
        raise RefusedError("A date is needed, e.g. 06/02/2027.")
    return day


def one_of(slugs, noun: str):
    """A reader for a closed vocabulary: the slug, its label or its words, in any case."""
    from qam.vocabulary import label

    by_words = {w.casefold(): s for s in slugs for w in (s, label(s), s.replace("_", " "))}

    def read(text: str) -> str:
        import difflib

        typed = " ".join(text.split()).casefold()
        found = by_words.get(typed)
        if found is None:
            close = difflib.get_close_matches(typed, list(by_words), n=1, cutoff=0.6)
            hint = (
                f"did you mean '{label(by_words[close[0]])}'?"
                if close
                else f"choose one of {', '.join(label(s) for s in slugs)}."
            )
            raise RefusedError(f"'{text}' is not a {noun}; {hint}")
        return found

    return read


def menu(slugs) -> list[tuple[str, str]]:
    from qam.vocabulary import label

    return [(label(s), s) for s in slugs]


def _theme(text: str) -> str:
    """A theme typed as its slug, label or a synonym (the store's vocabulary)."""
    from qam import themes

    known = themes.active()
    slug = known.find(text)
    if slug is None:
        guess = known.suggest(text)
        hint = f"did you mean '{guess}'?" if guess else "`qam themes list` shows the themes."
        raise RefusedError(f"'{text}' is not a theme; {hint}")
    return slug


def _theme_choices() -> list[tuple[str, str]]:
    from qam import themes

    names = themes.active().labels()
    return sorted(((title, slug) for slug, title in names.items()), key=lambda c: c[0])


def theme_field(message: str = "Theme:") -> Field:
    return Field("theme", message, parse=_theme, choices=_theme_choices())


def _text(text: str) -> str:
    return " ".join(text.split())


def inspection() -> list[Field]:
    from qam.vocabulary import INSPECTION_KINDS

    return [
        Field("id", "Inspection id (e.g. I08):", parse=_text),
        Field("title", "Title, as HMICFRS names it:", parse=_text),
        Field(
            "kind",
            "Kind:",
            parse=one_of(INSPECTION_KINDS, "kind of inspection"),
            choices=menu(INSPECTION_KINDS),
        ),
        theme_field(),
        Field(
            "expected",
            "Expected:",
            parse=iso_date,
            instruction="(e.g. 06/02/2027, or a month like October 2027)",
        ),
    ]


def _priority(text: str) -> str:
    if text.strip() not in ("1", "2", "3", "4", "5"):
        raise RefusedError("A priority from 1 (low) to 5 (high).")
    return text.strip()


def area_of_interest() -> list[Field]:
    from qam.vocabulary import AOI_SOURCES

    priorities = [("1 (low)", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5 (high)", "5")]
    return [
        Field("id", "Area of interest id (e.g. A08):", parse=_text),
        Field("title", "What was raised:", parse=_text),
        theme_field(),
        Field(
            "source",
            "Raised by:",
            parse=one_of(AOI_SOURCES, "source"),
            choices=menu(AOI_SOURCES),
        ),
        Field("priority", "Priority:", parse=_priority, choices=priorities),
        Field(
            "raised",
            "When it was raised:",
            parse=iso_date,
            required=False,
            instruction="(e.g. 14/10/2026; blank if not known)",
        ),
    ]


def _unavailable(text: str) -> str:
    """Dates or ranges they cannot be used, checked as the SME sheet's column is."""
    from qam.imports.problems import CellProblem
    from qam.planner.pool import unavailable

    try:
        unavailable(text)
    except CellProblem as err:
        raise RefusedError(
            f"{err.kind}{f' ({err.note})' if err.note else ''}: {err.fix}."
        ) from None
    return text


def _skills(text: str) -> str:
    from qam.imports.values import split_list

    return ";".join(_theme(part) for part in split_list(text))


def sme(units: list[str], suggested_id: str) -> list[Field]:
    """An expression of interest: who they are, their unit, what they can review."""
    return [
        Field("id", "SME id:", parse=_text, default=suggested_id),
        Field("name", "Name:", parse=_text),
        Field("role", "Role (e.g. Sergeant, Response):", parse=_text, required=False),
        Field("unit", "Unit (BCU or department):", parse=_text, suggest=units),
        Field(
            "skills",
            "Themes they can review (space to tick, Enter when done):",
            parse=_skills,
            choices=_theme_choices(),
            many=True,
        ),
        Field(
            "unavailable",
            "Dates they cannot be used:",
            parse=_unavailable,
            required=False,
            instruction="(e.g. 08/03/2027 to 12/03/2027; 13/09/2027, or blank)",
        ),
    ]


def register_item(items: list[dict]) -> list[Field]:
    """Which register item: found by typing part of its ref or text."""
    from qam.cli.prompts import choose_item

    return [
        Field(
            "ref",
            "Which item?",
            ask=lambda prompts: choose_item(prompts, items),
            given_as="REF",
        )
    ]


def status_decision(item: dict) -> list[Field]:
    """The new status (the current one is not offered), the reason, evidence and approver."""
    from qam.register.decisions import parse_status
    from qam.vocabulary import STATUSES, label

    return [
        Field(
            "status",
            f"New status (now {label(item['status'])}):",
            parse=parse_status,
            choices=[(label(s), s) for s in STATUSES if s != item["status"]],
            given_as="STATUS",
        ),
        Field("reason", "Reason for the decision:", parse=_text),
        Field("evidence", "Evidence (optional):", parse=_text, required=False),
    ]


# Closing an item without completing it needs the accountable decision-maker.
APPROVER = Field("approver", "Approved by (the accountable decision-maker):", parse=_text)


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def review(units: list[str]) -> list[Field]:
    """A review added by hand: what it looks at, where, when, how and who."""
    from qam.vocabulary import METHODS

    return [
        Field("review_id", "Review id (e.g. R-CUSTODY-01):", parse=_text, given_as="REVIEW_ID"),
        Field("title", "What the review looks at:", parse=_text),
        theme_field(),
        Field("unit", "The BCU or department reviewed:", parse=_text, suggest=units),
        Field("start", "First day:", parse=iso_date, instruction="(e.g. 02/06/2025)"),
        Field("end", "Last day:", parse=iso_date, instruction="(e.g. 13/06/2025)"),
        Field(
            "method",
            "Methods it uses (space to tick, Enter when done; none ticked means all):",
            choices=menu(METHODS),
            many=True,
            required=False,
        ),
        Field(
            "team",
            "Team (SME ids or names, separated by commas):",
            parse=_names,
            required=False,
        ),
    ]
