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


def theme_field(message: str = "Theme:") -> Field:
    from qam.question_sets import themes

    names = themes()
    choices = sorted(((title, slug) for slug, title in names.items()), key=lambda c: c[0])
    return Field("theme", message, parse=one_of(list(names), "theme"), choices=choices)


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
    from qam.planner.pool import parse_unavailable

    try:
        parse_unavailable(text, "unavailable")
    except ValueError as err:
        raise RefusedError(f"{err}.") from None
    return text


def _skills(text: str) -> str:
    from qam.question_sets import themes

    read = one_of(list(themes()), "theme")
    return ";".join(read(part) for part in text.split(";") if part.strip())


def sme(units: list[str], suggested_id: str) -> list[Field]:
    """An expression of interest: who they are, their unit, what they can review."""
    from qam.question_sets import themes

    names = themes()
    return [
        Field("id", "SME id:", parse=_text, default=suggested_id),
        Field("name", "Name:", parse=_text),
        Field("role", "Role (e.g. Sergeant, Response):", parse=_text, required=False),
        Field("unit", "Unit (BCU or department):", parse=_text, suggest=units),
        Field(
            "skills",
            "Themes they can review (space to tick, Enter when done):",
            parse=_skills,
            choices=sorted(((t, s) for s, t in names.items()), key=lambda c: c[0]),
            many=True,
        ),
        Field(
            "unavailable",
            "Dates they cannot be used:",
            parse=_unavailable,
            required=False,
            instruction="(e.g. 2027-03-08..2027-03-12;2027-09-13, or blank)",
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
