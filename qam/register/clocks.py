"""The register's clocks: every deadline an item has, and what is overdue or falls due.

An item's deadlines:
- its own due date; when it has none, the date its words set ("Within six months…"), shown
  with the phrase it came from (`qam.register.deadlines`); words that set a time QAM cannot
  read are listed for a person to set a due date, never guessed;
- for a force-specific HMICFRS report, the PCC's comments: Police Act 1996, s.55 has the
  local policing body publish its comments within 56 days of the report's publication;
- for a coroner's prevention of future deaths report, the force's response: within 56 days
  of the report's date (Coroners (Investigations) Regulations 2013, reg. 29).

Only outstanding items have clocks (a completed item's deadlines are history). The two
56-day clocks belong to the report, not the item's plan: QAM keeps no record of the comments
or the response, so once passed they are listed as overdue for one update cycle, then left to
the item's own deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from qam.register import deadlines
from qam.vocabulary import OUTSTANDING_STATUSES

if TYPE_CHECKING:
    from qam.store import Store

PCC_COMMENT_DAYS = 56  # Police Act 1996, s.55(4)
PFD_RESPONSE_DAYS = 56  # Coroners (Investigations) Regulations 2013, reg. 29(5)
UPDATE_CYCLE_DAYS = 31  # monthly: an update a calendar month, at most 31 days apart
KIND_LABELS = {
    "due": "Due date",
    "text": "Date in the recommendation",
    "pcc_comment": "PCC's comments on the report (s.55, 56 days)",
    "pfd_response": "Response to the coroner (56 days)",
}


@dataclass(frozen=True)
class Clock:
    """One deadline of one item."""

    ref: str
    kind: str  # due, text, pcc_comment, pfd_response
    date: dt.date
    phrase: str | None = None  # for kind "text": the words the date was read from

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def as_json(self, today: dt.date) -> dict:
        doc = asdict(self)
        doc["date"] = self.date.isoformat()
        doc["label"] = self.label
        doc["days"] = (self.date - today).days  # negative: days overdue
        return doc


def pcc_comment_deadline(published: date) -> date:
    """When the PCC's comments on a force-specific HMICFRS report are due."""
    return published + timedelta(days=PCC_COMMENT_DAYS)


def pfd_response_deadline(report_date: date) -> date:
    """When the force's response to a coroner's prevention of future deaths report is due."""
    return report_date + timedelta(days=PFD_RESPONSE_DAYS)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def item_clocks(item: dict) -> tuple[list[Clock], deadlines.Reading]:
    """An item's deadlines, and what its words say (an unreadable phrase is for a person)."""
    published = _day(item.get("report_published"))
    words = deadlines.read(item.get("text"), published)
    found: list[Clock] = []
    due = _day(item.get("due"))
    if due is not None:
        found.append(Clock(item["ref"], "due", due))
    elif words.date is not None:
        found.append(Clock(item["ref"], "text", words.date, words.phrase))
    source = item.get("source") or "hmicfrs"
    if published is not None and source == "hmicfrs" and item.get("scope") == "force":
        found.append(Clock(item["ref"], "pcc_comment", pcc_comment_deadline(published)))
    if published is not None and source == "coroner":
        found.append(Clock(item["ref"], "pfd_response", pfd_response_deadline(published)))
    return found, words


def current(clock: Clock, today: date, cycle: int = UPDATE_CYCLE_DAYS) -> bool:
    """False for a report's 56-day clock passed more than a cycle ago: history by now."""
    return clock.kind not in ("pcc_comment", "pfd_response") or (today - clock.date).days <= cycle


def _listed(clock: Clock, today: date, within: int, cycle: int) -> str | None:
    """Whether this clock is "overdue", "due" (within the window) or neither today."""
    days = (clock.date - today).days
    if days > within or not current(clock, today, cycle):
        return None
    return "due" if days >= 0 else "overdue"


def update_cycle(store: Store) -> int:
    """Days an action plan may go without an update (`qam init --update-cycle-days`)."""
    raw = store.setting("update_cycle_days")
    return int(raw) if raw else UPDATE_CYCLE_DAYS


def due(store: Store, *, today: date, within: int = 30) -> dict:
    """What is overdue, what falls due within `within` days, the action plans with no update
    in the cycle, and the deadline phrases a person must read (outstanding items only)."""
    from qam.register.updates import latest
    from qam.store import register as sql

    cycle = update_cycle(store)
    last = latest(store)
    listing: dict[str, list] = {"overdue": [], "due": [], "no_update": [], "unreadable": []}
    for item in sql.query_items(store, statuses=list(OUTSTANDING_STATUSES)):
        clocks, words = item_clocks(item)
        for clock in clocks:
            where = _listed(clock, today, within, cycle)
            if where:
                listing[where].append({**_brief(item), **clock.as_json(today)})
        if words.unreadable and not item.get("due"):
            listing["unreadable"].append({**_brief(item), "phrase": words.phrase, "why": words.why})
        stale = _stale(item, last.get(item["ref"].upper()), today, cycle)
        if stale:
            listing["no_update"].append(stale)
    listing["overdue"].sort(key=lambda r: (r["date"], r["ref"]))
    listing["due"].sort(key=lambda r: (r["date"], r["ref"]))
    return {"today": today.isoformat(), "within": within, "update_cycle_days": cycle, **listing}


def _brief(item: dict) -> dict:
    return {
        "ref": item["ref"],
        "source": item.get("source") or "hmicfrs",
        "status": item["status"],
        "owner": item.get("owner"),
        "action_lead": item.get("action_lead"),
    }


def _stale(item: dict, update: dict | None, today: date, cycle: int) -> dict | None:
    """The item when its plan has had no update for longer than the cycle (counting from
    when it joined the register when it has had none)."""
    since = _day(update["recorded_at"]) if update else _day(item.get("created_at"))
    if since is None or (today - since).days <= cycle:
        return None
    return {
        **_brief(item),
        "last_update": update["recorded_at"][:10] if update else None,
        "days_since": (today - since).days,
    }
