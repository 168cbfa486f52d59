"""Opening a capture session in the guided flow: which details each method asks for.

Methods are data (`METHOD_STEPS`: a method -> the steps that ask for its session's details);
each step is a small function that asks through a `qam.prompter.Prompter` and fills in one
part of the `Draft`. A new method (a record audit, say) is a new entry here, not a new branch
in the flow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from qam.errors import QamError
from qam.fieldwork import participants as people
from qam.prompter import Prompter, check_with
from qam.vocabulary import date_label

SAME, OTHER, DONE = "same", "other", "done"


@dataclass
class Draft:
    """A session's details as the reviewer gives them, before the session is opened."""

    review: dict
    method: str
    held_on: str = ""
    place: str = ""
    head_count: int | None = None
    participants: list[dict] = field(default_factory=list)
    document: str | None = None
    document_title: str | None = None


Step = Callable[[Prompter, Draft], None]


def _parse_day(text: str) -> str:
    from qam.dates import parse_date

    day = parse_date(text)
    if day is None:
        raise QamError("A date is needed, e.g. " + f"{date.today():%d/%m/%Y}.")
    return day.isoformat()


def ask_date(ask: Prompter, draft: Draft) -> None:
    """When the session was held; a date outside the review's window is questioned."""
    from qam.fieldwork.sessions import outside_window

    default = f"{date.today():%d/%m/%Y}"
    while True:
        typed = ask.text(
            "Date of the session",
            default=default,
            validate=check_with(_parse_day),
            instruction="(e.g. 06/02/2027)",
        )
        draft.held_on = _parse_day(typed)
        why = outside_window(draft.review, draft.held_on)
        if why is None or ask.confirm(f"{why} Keep {date_label(draft.held_on)}?", default=False):
            return
        default = typed


def ask_place(ask: Prompter, draft: Draft) -> None:
    draft.place = ask.text("Where (e.g. 'Northgate custody suite')").strip()


def _count(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= people.MAX_PEOPLE:
        raise QamError("A number of people from 1, e.g. 6.")
    return int(text)


def ask_head_count(ask: Prompter, draft: Draft) -> None:
    draft.head_count = _count(ask.text("How many people took part?", validate=check_with(_count)))


def _room_for(draft: Draft, text: str) -> None:
    """Refuse a line that would record more people than took part."""
    count, _, _ = people.parse_line(text)
    total = len(draft.participants) + count
    if draft.head_count is not None and total > draft.head_count:
        raise QamError(
            f"That makes {total} participants, more than the {draft.head_count} who took part."
        )


def _add(draft: Draft, text: str) -> None:
    count, role, unit = people.parse_line(text)
    draft.participants += [{"role": role, "unit": unit} for _ in range(count)]


def _next_participant(ask: Prompter, draft: Draft) -> str:
    last = draft.participants[-1]
    shown = last["role"] + (f", {last['unit']}" if last["unit"] else "")
    recorded = len(draft.participants)
    of = f" of {draft.head_count}" if draft.head_count else ""
    return ask.select(
        f"P{recorded + 1}?",
        [
            (f"Same as the previous one ({shown})", SAME),
            ("Someone with another role or unit", OTHER),
            (f"That's everyone ({recorded}{of} recorded)", DONE),
        ],
        default=SAME,
    )


def ask_participants(ask: Prompter, draft: Draft) -> None:
    """Participants one line each ('detention officer, custody'), or several alike at once
    ('6 × detention officer, custody'); 'same as the previous one' repeats the last."""
    ask.say("Participants are recorded by role and unit under codes (P1, P2…), never by name.")
    choice = OTHER
    while draft.head_count is None or len(draft.participants) < draft.head_count:
        if choice == OTHER:
            n = len(draft.participants) + 1
            typed = ask.text(
                f"P{n}: role, unit",
                validate=lambda t: (
                    True if not t.strip() else check_with(lambda x: _room_for(draft, x))(t)
                ),
                instruction="(e.g. 'detention officer, custody', or '6 × detention officer, "
                "custody' for six alike; blank when done)",
            ).strip()
            if not typed:
                return
            _add(draft, typed)
        elif choice == SAME:
            draft.participants.append(dict(draft.participants[-1]))
        else:
            return
        if draft.head_count is not None and len(draft.participants) >= draft.head_count:
            return
        choice = _next_participant(ask, draft)


def ask_interviewee(ask: Prompter, draft: Draft) -> None:
    """One interviewee, by role and unit."""

    def one(text: str) -> None:
        if people.parse_line(text)[0] != 1:
            raise QamError("An interview has one interviewee; a group is a focus group.")

    ask.say("The interviewee is recorded by role and unit under a code (P1), never by name.")
    typed = ask.text(
        "Interviewee: role, unit",
        validate=lambda t: (
            "An interview needs the interviewee's role." if not t.strip() else check_with(one)(t)
        ),
        instruction="(e.g. 'custody sergeant, custody')",
    )
    _add(draft, typed)


def ask_document(ask: Prompter, draft: Draft) -> None:
    """The document read: its title and fingerprint are kept, never its content."""
    from qam.fieldwork.sessions import document_fingerprint

    if draft.document is None:
        draft.document = (
            ask.text(
                "Path of the document read (its title and fingerprint are kept, not its content)"
            ).strip()
            or None
        )
    if draft.document is not None:
        draft.document_title = (
            ask.text("Document title", default=document_fingerprint(draft.document)[0]).strip()
            or None
        )


METHOD_STEPS: dict[str, tuple[Step, ...]] = {
    "interview": (ask_date, ask_place, ask_interviewee),
    "focus_group": (ask_date, ask_place, ask_head_count, ask_participants),
    "direct_observation": (ask_date, ask_place),
    "participant_observation": (ask_date, ask_place),
    "document_analysis": (ask_date, ask_place, ask_document),
    "record_audit": (ask_date, ask_place),
}


def ask_details(ask: Prompter, draft: Draft) -> Draft:
    """Every detail the draft's method asks for, in order."""
    for step in METHOD_STEPS[draft.method]:
        step(ask, draft)
    return draft
