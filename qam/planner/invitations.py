"""Calendar invitations for the programme: one .ics file a person imports into Outlook.

Each review is one all-day event (DTEND is the day after the last day, as iCalendar wants).

- Invitations that arrive: with an organiser (the planner's own address, `qam init
  --organiser EMAIL` or `qam plan export --organiser EMAIL`) the file is a METHOD:REQUEST and
  each review's team are its ATTENDEEs, by the email the SME sheet gives them. Without an
  organiser there can be no request (RFC 5546 requires an ORGANIZER), so the file is a
  METHOD:PUBLISH schedule with no attendees, and a warning says how to set one.
- Nothing is made up: an SME with no email is left off the attendees and named in a warning;
  no address is ever derived from an SME id.
- Re-exporting updates rather than duplicates: each review's UID comes from the store's id and
  the review's id, so it stays the same across re-plans; SEQUENCE goes up by one whenever a
  review's dates or team change since the last export (kept in the store's settings).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from qam.errors import RefusedError
from qam.markings import OFFICIAL_SENSITIVE, mark_calendar, mark_event
from qam.vocabulary import count_label, date_label, label, theme_label

if TYPE_CHECKING:
    from qam.store import Store

ORGANISER_SETTING = "organiser"
SENT_SETTING = "calendar.sent"  # {review id: {"start", "end", "team", "sequence"}}
# A fixed namespace, so UIDs are the same on every machine for the same store and review.
UID_NAMESPACE = uuid.UUID("6b1f5a0e-3c2d-4e0a-9f6b-7a4c2d1e8b90")
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


def valid_email(text: str | None) -> bool:
    """Whether `text` looks like one email address (someone@force.police.uk)."""
    return bool(text) and bool(_EMAIL.match(str(text).strip()))


def check_organiser(email: str, where: str = "--organiser") -> str:
    """The organiser's address, trimmed, or a refusal saying what an address looks like."""
    email = (email or "").strip()
    if not valid_email(email):
        raise RefusedError(
            f"{where} '{email}' is not an email address; give the planner's own, "
            "e.g. --organiser jane.smith@westshire.police.uk."
        )
    return email


def review_uid(store_id: str, review_id: str) -> str:
    """The same UID for the same review of the same store, whatever the plan."""
    return f"{uuid.uuid5(UID_NAMESPACE, f'{store_id}/{review_id}')}@qam"


@dataclass
class Invitations:
    """The .ics bytes and what the person exporting should know."""

    data: bytes
    method: str  # "REQUEST" or "PUBLISH"
    sent: dict  # the new value of the calendar.sent setting
    warnings: list[str] = field(default_factory=list)


def sequences(reviews: list[dict], sent: dict) -> dict[str, dict]:
    """Each review's record for this export: its dates, team and SEQUENCE, which goes up by one
    when the dates or the team differ from the last export's."""
    out = {}
    for r in reviews:
        now = {"start": r["start"], "end": r["end"], "team": sorted(r["team"])}
        before = sent.get(r["id"])
        sequence = 0
        if before:
            # A review dropped from an earlier plan and back again was likely cancelled: bump.
            same = not before.get("dropped") and all(before.get(k) == v for k, v in now.items())
            sequence = int(before.get("sequence", 0)) + (0 if same else 1)
        out[r["id"]] = {**now, "sequence": sequence}
    return out


def _person(sme: dict) -> str:
    return f"{sme.get('name') or sme['id']} ({sme['id']})"


def _description(review: dict, team: list[dict], inspections: dict) -> str:
    methods = ", ".join(label(m) for m in review.get("methods") or []) or "not recorded"
    lines = [
        f"Internal QA review of {theme_label(review['theme'])} in {review['unit']}.",
        f"{review['days']} working days from {date_label(review['start'])} to "
        f"{date_label(review['end'])} (weekdays, not bank holidays).",
        "Team: " + (", ".join(_person(p) for p in team) or "not assigned"),
        f"Methods: {methods}.",
    ]
    if review.get("inspection"):
        title = inspections.get(review["inspection"]) or review["inspection"]
        lines.append(f"Prepares for the inspection: {title}.")
    return "\n".join(lines)


def build(
    reviews: list[dict],
    smes: dict,
    *,
    store_id: str,
    organiser: str | None,
    sent: dict,
    force_name: str | None = None,
    inspections: dict | None = None,
    marking: str = OFFICIAL_SENSITIVE,
) -> Invitations:
    """The calendar for `reviews` (each with id, title, theme, unit, start, end, days, team),
    carrying its protective marking (`qam.markings`)."""
    from icalendar import Calendar, Event, vCalAddress, vText

    method = "REQUEST" if organiser else "PUBLISH"
    records = sequences(reviews, sent)
    cal = Calendar()
    cal.add("prodid", "-//QAM//Quality Assurance programme//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", f"{force_name or 'QA'} internal review programme ({marking})")
    mark_calendar(cal, marking)
    stamp = datetime.now(UTC).replace(microsecond=0)
    no_email: dict[str, dict] = {}
    for review in reviews:
        team = [smes.get(sid, {"id": sid, "name": sid}) for sid in review["team"]]
        event = Event()
        event.add("uid", review_uid(store_id, review["id"]))
        event.add("sequence", records[review["id"]]["sequence"])
        event.add("dtstamp", stamp)
        event.add("dtstart", date.fromisoformat(review["start"]))
        event.add("dtend", date.fromisoformat(review["end"]) + timedelta(days=1))
        event.add("summary", f"QA review {review['id']}: {review['title']}")
        event.add("location", review["unit"])
        mark_event(event, marking, _description(review, team, inspections or {}))
        event.add("transp", "OPAQUE")
        if organiser:
            who = vCalAddress(f"mailto:{organiser}")
            who.params["cn"] = vText(f"{force_name or 'QA'} programme")
            event["organizer"] = who
            for person in team:
                email = (person.get("email") or "").strip()
                if not valid_email(email):
                    no_email[person["id"]] = person
                    continue
                attendee = vCalAddress(f"mailto:{email}")
                attendee.params["cn"] = vText(person.get("name") or person["id"])
                attendee.params["role"] = vText("REQ-PARTICIPANT")
                attendee.params["rsvp"] = vText("TRUE")
                event.add("attendee", attendee, encode=False)
        cal.add_component(event)
    gone = sorted(r for r in set(sent) - set(records) if not sent[r].get("dropped"))
    warnings = _warnings(organiser, no_email, gone)
    # Dropped reviews are remembered, so one that comes back continues its SEQUENCE.
    dropped = {r: {**sent[r], "dropped": True} for r in set(sent) - set(records)}
    return Invitations(cal.to_ical(), method, {**dropped, **records}, warnings)


def _warnings(organiser, no_email: dict, gone: list[str]) -> list[str]:
    warnings = []
    if not organiser:
        warnings.append(
            "No organiser is set, so the calendar is a published schedule (METHOD:PUBLISH) "
            "with no attendees: Outlook shows it but sends no invitations. Set the planner's "
            "own address with `qam init --organiser you@force.police.uk` (or "
            "`qam plan export --organiser EMAIL`) and export again."
        )
    if no_email:
        people = ", ".join(_person(p) for p in sorted(no_email.values(), key=lambda p: p["id"]))
        warnings.append(
            f"No email for {count_label(len(no_email), 'SME')} ({people}): left off the "
            "invitations. Add an Email column to the SME sheet and import it again "
            "(`qam sme import FILE`), then export again."
        )
    if gone:
        warnings.append(
            f"No longer in the programme: {', '.join(gone)}. Their meetings, if already sent, "
            "stay in people's calendars: cancel them in Outlook."
        )
    return warnings


def load_sent(store: Store) -> dict:
    """What the last export sent, from the store's settings ({} before the first)."""
    try:
        sent = json.loads(store.setting(SENT_SETTING) or "{}")
    except ValueError:
        return {}
    return sent if isinstance(sent, dict) else {}


def save_sent(store: Store, sent: dict) -> None:
    store.set_setting(SENT_SETTING, json.dumps(sent, sort_keys=True))
