"""Reminders for action leads: each outstanding item's next monthly update and its next
check-point with the chief officer lead, as all-day calendar events (icalendar).

The next update falls one update cycle after the last (or after the item joined the
register, before its first); one already late is put on today. A check-point is the one the
latest update named, when it is still ahead. The lead's email comes from an item's own
"email" column (e.g. "Action Lead Email" kept from the tracker) or from the SME pool when the
lead is an SME by name; without one the event has no attendee.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from qam.files import write_atomic
from qam.vocabulary import OUTSTANDING_STATUSES

if TYPE_CHECKING:
    from qam.store import Store


def _email(item: dict, smes_by_name: dict[str, str]) -> str | None:
    for header, value in (item.get("extra") or {}).items():
        if "email" in header.lower() and "@" in str(value):
            return str(value).strip()
    return smes_by_name.get((item.get("action_lead") or "").strip().lower())


def reminders(store: Store, *, today: date) -> list[dict]:
    """The events: {ref, kind ("update" or "checkpoint"), date, lead, email, summary}."""
    from qam.register.clocks import update_cycle
    from qam.register.updates import latest
    from qam.store import register as sql
    from qam.store import smes

    cycle = update_cycle(store)
    last = latest(store)
    emails = {
        (s.get("name") or "").strip().lower(): s["email"]
        for s in smes.smes(store)
        if s.get("email")
    }
    events = []
    for item in sql.query_items(store, statuses=list(OUTSTANDING_STATUSES)):
        update = last.get(item["ref"].upper())
        since = date.fromisoformat((update or item)["recorded_at" if update else "created_at"][:10])
        lead = item.get("action_lead") or item.get("owner") or "the action lead"
        base = {"ref": item["ref"], "lead": lead, "email": _email(item, emails)}
        events.append(
            {
                **base,
                "kind": "update",
                "date": max(since + timedelta(days=cycle), today).isoformat(),
                "summary": f"Action plan update due: {item['ref']} ({lead})",
            }
        )
        checkpoint = update and update.get("checkpoint")
        if checkpoint and checkpoint >= today.isoformat():
            events.append(
                {
                    **base,
                    "kind": "checkpoint",
                    "date": checkpoint,
                    "summary": f"Check-point with {item.get('owner') or 'the chief officer lead'}: "
                    f"{item['ref']} ({lead})",
                }
            )
    return events


def write_ics(store: Store, path: Path, *, today: date) -> dict:
    """Write the reminders as one calendar file; says how many events and how many leads had
    no email."""
    from icalendar import Calendar, Event, vCalAddress, vText

    found = reminders(store, today=today)
    cal = Calendar()
    cal.add("prodid", "-//QAM//Register action plans//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Register action plans: updates and check-points")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for found_event in found:
        day = date.fromisoformat(found_event["date"])
        event = Event()
        event.add("uid", f"{found_event['ref']}-{found_event['kind']}-{day.isoformat()}@qam")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", found_event["summary"])
        event.add("description", f"See `qam recs show {found_event['ref']}`.")
        event.add("transp", "TRANSPARENT")
        if found_event["email"]:
            attendee = vCalAddress(f"mailto:{found_event['email']}")
            attendee.params["cn"] = vText(found_event["lead"])
            event.add("attendee", attendee, encode=False)
        cal.add_component(event)
    write_atomic(Path(path), cal.to_ical())
    return {
        "path": str(path),
        "events": len(found),
        "without_email": len({e["ref"] for e in found if not e["email"]}),
    }
