"""The quarter's pack for the force's quarterly performance review (QPR).

One print-ready page: the reviews whose window falls in the quarter (wholly or in part) and
those starting the next quarter, the quarter's findings by PEEL area and by enabler, the
register's movements (status decisions, new items, items overdue at the quarter's end), the
deep dives due, the good practice found and the SME abstraction the quarter used.

A quarter is written as its calendar year and number: 2027Q1 is January to March 2027 (the
fourth quarter of the financial year 2026/27, as the pack says).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from qam.errors import RefusedError
from qam.reports import catalogue, enablers
from qam.reports.common import grade_label, page, refuse_sensitive_public, theme_label
from qam.reports.models import PUBLIC, STAKEHOLDER, PublicQuarterPack, QuarterPack
from qam.reports.programme import table
from qam.reports.suppression import single
from qam.vocabulary import OUTSTANDING_STATUSES, date_label, label

if TYPE_CHECKING:
    from qam.store import Store

_QUARTER = re.compile(r"^\s*(?:(\d{4})\s*-?\s*q([1-4])|q([1-4])\s*-?\s*(\d{4}))\s*$", re.I)
GOOD_PRACTICE_SHOWN = 30


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day."""
        return self.following.start - timedelta(days=1)

    @property
    def following(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    @property
    def name(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def words(self) -> str:
        """'January to March 2027 (quarter 4 of the financial year 2026/27)'."""
        fy_start = self.year if self.number > 1 else self.year - 1
        fy_number = (self.number + 2) % 4 + 1
        return (
            f"{self.start:%B} to {self.end:%B %Y} (quarter {fy_number} of the financial year "
            f"{fy_start}/{(fy_start + 1) % 100:02d})"
        )

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def parse_quarter(text: str) -> Quarter:
    """'2027Q1', '2027-Q1', 'Q1 2027' -> Quarter(2027, 1)."""
    found = _QUARTER.match(str(text or ""))
    if not found:
        raise RefusedError(
            f"'{text}' is not a quarter; write it as 2027Q1 (January to March 2027), 2027Q2 "
            "(April to June) and so on."
        )
    year, number = (found.group(1), found.group(2)) if found.group(1) else found.group(4, 3)
    return Quarter(int(year), int(number))


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def in_quarter(reviews: list[dict], q: Quarter) -> list[dict]:
    """The reviews whose window (start to end) has a day in the quarter."""
    return [
        r
        for r in reviews
        if (start := _day(r["start"])) and start <= q.end and (_day(r["end"]) or start) >= q.start
    ]


def _gather(store: Store, q: Quarter) -> dict:
    from qam.store import findings as findings_db
    from qam.store import programme as programme_db

    reviews = programme_db.reviews(store)
    now = in_quarter(reviews, q)
    ids = [r["id"] for r in now]
    area_of = {
        (x["question_set"], x["question_id"]): x["area"]
        for x in catalogue.questions(catalogue.question_sets(store))
    }
    by_area: Counter[str] = Counter()
    for row in findings_db.question_totals(store):
        if row["review_id"] in ids:
            by_area[area_of.get((row["question_set"], row["question_id"]), "Other")] += int(
                row["findings"]
            )
    return {
        "reviews": now,
        "ids": ids,
        "coming": [r for r in reviews if q.following.holds(_day(r["start"]))],
        "by_area": by_area,
        "register": _register(store, q),
        "days": _abstraction(store, now, q),
    }


def _register(store: Store, q: Quarter) -> dict:
    """Status decisions made in the quarter, items published in it, items overdue at its end."""
    from qam.store import decisions as decisions_db
    from qam.store import register as register_db

    items = register_db.items(store)
    decided = [
        d for d in decisions_db.decisions_with_origin(store) if q.holds(_day(d["decided_at"]))
    ]
    return {
        "decisions": decided,
        "new": [i for i in items if q.holds(_day(i["report_published"]))],
        "overdue": [
            i
            for i in items
            if i["status"] in OUTSTANDING_STATUSES and (due := _day(i["due"])) and due <= q.end
        ],
    }


def _abstraction(store: Store, reviews: list[dict], q: Quarter) -> dict:
    """Working days SMEs gave to the quarter's reviews inside the quarter, by SME."""
    from qam.planner.calendar import working_days_between
    from qam.store import programme as programme_db

    names = {(t["review_id"], t["sme_id"]): t["name"] for t in programme_db.team_members(store)}
    by_sme: dict[str, int] = defaultdict(int)
    for r in reviews:
        first = max(_day(r["start"]) or q.start, q.start)
        last = min(_day(r["end"]) or first, q.end)
        days = len(working_days_between(first, last)) if first <= last else 0
        for sme in r["team"]:
            by_sme[names.get((r["id"], sme)) or sme] += days
    return dict(sorted(by_sme.items()))


def build(store: Store, quarter: str, view: str = STAKEHOLDER):
    """The quarter's pack for the view: `QuarterPack`, or `PublicQuarterPack` for public."""
    q = parse_quarter(quarter)
    refuse_sensitive_public(store, view, "quarter's")
    data = _gather(store, q)
    title = f"Quarterly performance review: {q.name}"
    if view == PUBLIC:
        return _public(store, q, data, title)
    from qam.analysis.readiness import RULE
    from qam.reports import readiness

    reg = data["register"]
    deep = [r for r in readiness.frame(store).to_dict("records") if r["deep_dive"]]
    return QuarterPack(
        page=page(store, title, view),
        quarter=q.name,
        words=q.words,
        reviews=[_review(r, store) for r in data["reviews"]],
        coming=[_review(r, store) for r in data["coming"]],
        by_area=sorted(data["by_area"].items(), key=lambda kv: (-kv[1], kv[0])),
        enablers=enablers.section(store, data["ids"], scope="the quarter's reviews'"),
        decisions=[
            {
                "ref": d["item_ref"],
                "old": label(d["old_status"]),
                "new": label(d["new_status"]),
                "approver": d["approver"] or "",
                "on": date_label(d["decided_at"]),
                "reason": d["reason"] or "",
            }
            for d in reg["decisions"]
        ],
        new_items=[_item(i) for i in reg["new"]],
        overdue=[_item(i) for i in reg["overdue"]],
        deep_dives=[
            {"area": r["area"], "board": r["board"], "grade": grade_label(r["grade"])} for r in deep
        ],
        rule=RULE,
        good_practice=_good_practice(store, data),
        abstraction=[{"who": k, "days": v} for k, v in data["days"].items()],
        days=sum(data["days"].values()),
    )


def _review(r: dict, store: Store) -> dict:
    return {
        "id": r["id"],
        "title": r["title"],
        "theme": theme_label(r["theme"]),
        "unit": r["unit"],
        "window": f"{date_label(r['start'])} to {date_label(r['end'])}",
        "status": label(r["status"] or "planned"),
        "team": len(r["team"]),
    }


def _item(i: dict) -> dict:
    return {
        "ref": i["ref"],
        "text": i["text"] or "",
        "status": label(i["status"]),
        "due": date_label(i["due"]),
        "published": date_label(i["report_published"]),
        "owner": i["owner"] or "",
    }


def _good_practice(store: Store, data: dict) -> list[dict]:
    from qam.store import findings as findings_db

    titles = {r["id"]: f"{r['title']} ({r['unit']})" for r in data["reviews"]}
    area_of = {
        (x["question_set"], x["question_id"]): x["area"]
        for x in catalogue.questions(catalogue.question_sets(store))
    }
    rows = findings_db.good_practice_newest(store, data["ids"], limit=GOOD_PRACTICE_SHOWN)
    return [
        {
            "review": titles.get(r["review_id"], r["review_id"]),
            "area": area_of.get((r["question_set"], r["question_id"]), "Other"),
            "notes": r["notes"] or "",
        }
        for r in rows
    ]


def _public(store: Store, q: Quarter, data: dict, title: str) -> PublicQuarterPack:
    reg = data["register"]
    moves = Counter(label(d["new_status"]) for d in reg["decisions"])
    return PublicQuarterPack(
        page=page(store, title, PUBLIC),
        quarter=q.name,
        words=q.words,
        headline=[
            single("Reviews with fieldwork in the quarter", len(data["reviews"])),
            single("Reviews starting next quarter", len(data["coming"])),
            single("Register items published in the quarter", len(reg["new"])),
            single("Register items overdue at the quarter's end", len(reg["overdue"])),
            single("Working days SMEs gave the quarter's reviews", sum(data["days"].values())),
        ],
        tables=[
            table(
                "The quarter's findings by PEEL area",
                sorted(data["by_area"].items()),
                "PEEL area",
                "Findings",
            ),
            *enablers.public_tables(store, data["ids"]),
            table("Status decisions in the quarter", sorted(moves.items()), "New status", "Items"),
        ],
    )


def busiest(store: Store) -> Quarter | None:
    """The quarter with the most reviews in it (the earliest of equals), or None."""
    from qam.store import programme as programme_db

    reviews = programme_db.reviews(store)
    counts: Counter[Quarter] = Counter()
    for r in reviews:
        start, end = _day(r["start"]), _day(r["end"])
        if not start:
            continue
        q = Quarter(start.year, (start.month - 1) // 3 + 1)
        while q.start <= (end or start):
            counts[q] += 1
            q = q.following
    if not counts:
        return None
    return min(counts, key=lambda q: (-counts[q], q.year, q.number))


def demo_pack(store: Store, out) -> tuple[list[dict], str]:
    """For `qam demo`: the busiest quarter's pack (both views) and the record of one SME on
    a review with findings; the index page's entries and a line for the user."""
    from qam.reports.output import PURPOSES, VIEW_PURPOSE, write
    from qam.reports.sme_record import record, write_page
    from qam.store import findings as findings_db
    from qam.store import programme as programme_db

    q = busiest(store)
    if q is None:
        return [], "No reviews, so no quarter's pack."
    written = []
    for view in (STAKEHOLDER, PUBLIC):
        path = write(store, "quarter", out, view, quarter=q.name)
        written.append(
            {
                "title": f"The quarter's pack, {q.name} ({view} view)",
                "href": path.name,
                "purpose": f"{PURPOSES['quarter']} {VIEW_PURPOSE[view]}",
            }
        )
    with_findings = [r["review_id"] for r in findings_db.counts_by_review(store)]
    teams = [r["team"] for r in programme_db.reviews(store) if r["id"] in with_findings]
    sme = next((t[0] for t in teams if t), None)
    said = f"The quarter's pack for {q.name}, the busiest quarter: {q.words}"
    if sme:
        doc = record(store, sme)
        path = write_page(store, doc, out)
        written.append(
            {
                "title": f"An SME's record for their PDR: {doc['sme']['name']}",
                "href": path.name,
                "purpose": "The reviews one SME took part in, the days they gave against the "
                "cap, and the good practice their reviews found (`qam sme record`).",
            }
        )
        said += f", and {doc['sme']['name']}'s record for their PDR"
    return written, said + "."
