"""An SME's record for their performance and development review (PDR).

The reviews one SME took part in, their part in each, the working days they gave against the
abstraction cap in each financial year (counted exactly as `qam sme list` counts them), and
the good practice their reviews found, in words a line manager reads. Nothing about anyone
else: no other team member, no participant, no reviewer's name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from qam.errors import NotFoundError
from qam.reports.models import Page
from qam.vocabulary import count_label, date_label, label, theme_label

if TYPE_CHECKING:
    from qam.store import Store

GOOD_PRACTICE_SHOWN = 20


@dataclass
class SmeRecord:
    """The printable record: the page facts, the record document, and it in words."""

    page: Page
    record: dict  # what `record` returns
    words: list[str]  # what `in_words` returns


def find_sme(store: Store, who: str) -> dict:
    """An SME by id or by name (any case)."""
    from qam.store import smes as smes_db

    wanted = str(who or "").strip().lower()
    for sme in smes_db.smes(store):
        if wanted in (str(sme["id"]).lower(), str(sme["name"] or "").strip().lower()):
            return sme
    raise NotFoundError(f"No SME '{who}' in the pool; `qam sme list` shows their ids and names.")


def _role(sme: dict, review: dict) -> str:
    if review["theme"] in (sme.get("skills") or []):
        return f"Reviewer: subject-matter expert in {theme_label(review['theme']).lower()}"
    return "Reviewer"


def record(store: Store, who: str) -> dict:
    """The record as one document (what `qam sme record --json` prints)."""
    from qam.planner.calendar import fy_label, parse_year_start
    from qam.planner.pool import abstraction_used, review_days_by_year
    from qam.store import findings as findings_db
    from qam.store import programme as programme_db

    sme = find_sme(store, who)
    cap = int(store.setting("abstraction_cap") or "10")
    year_start = parse_year_start(store.setting("plan.year_start") or "04-01")
    programme = programme_db.reviews(store)
    mine = [r for r in programme if sme["id"] in r["team"]]
    used = abstraction_used(programme, year_start).get(sme["id"], {})
    counts = {r["review_id"]: r for r in findings_db.counts_by_review(store)}
    reviews = []
    for r in mine:
        by_year = review_days_by_year(
            date.fromisoformat(r["start"]), date.fromisoformat(r["end"]), year_start
        )
        found = counts.get(r["id"], {})
        reviews.append(
            {
                "id": r["id"],
                "title": r["title"],
                "theme": theme_label(r["theme"]),
                "unit": r["unit"],
                "start": r["start"],
                "end": r["end"],
                "when": f"{date_label(r['start'])} to {date_label(r['end'])}",
                "status": label(r["status"] or "planned"),
                "role": _role(sme, r),
                "days": {fy_label(y, year_start): n for y, n in sorted(by_year.items())},
                "findings": int(found.get("findings") or 0),
                "good_practice": int(found.get("good_practice") or 0),
            }
        )
    return {
        "sme": {k: sme[k] for k in ("id", "name", "role", "unit")},
        "cap": cap,
        "years": [
            {"year": fy_label(y, year_start), "used": n, "cap": cap, "left": max(0, cap - n)}
            for y, n in sorted(used.items())
        ],
        "reviews": reviews,
        "good_practice": _good_practice(store, [r["id"] for r in mine], programme),
    }


def _good_practice(store: Store, ids: list[str], programme: list[dict]) -> list[dict]:
    from qam.reports import catalogue
    from qam.store import findings as findings_db

    titles = {r["id"]: r["title"] for r in programme}
    area_of = {
        (q["question_set"], q["question_id"]): q["area"]
        for q in catalogue.questions(catalogue.question_sets(store))
    }
    rows = findings_db.good_practice_newest(store, ids, limit=GOOD_PRACTICE_SHOWN)
    return [
        {
            "review": r["review_id"],
            "review_title": titles.get(r["review_id"], r["review_id"]),
            "area": area_of.get((r["question_set"], r["question_id"]), "Other"),
            "notes": r["notes"] or "",
        }
        for r in rows
    ]


def in_words(doc: dict) -> list[str]:
    """The record as sentences a line manager reads."""
    sme, reviews = doc["sme"], doc["reviews"]
    lines = [
        f"{sme['name']} ({sme['role']}, {sme['unit']}) took part in "
        f"{count_label(len(reviews), 'QA review')} of the force's Quality Assurance Model."
    ]
    for r in reviews:
        days = ", ".join(f"{n} in {y}" for y, n in r["days"].items()) or "none"
        lines.append(
            f"- {r['title']} ({r['theme']}, {r['unit']}), {date_label(r['start'])} to "
            f"{date_label(r['end'])}: {r['role'].lower()}; working days {days}; "
            f"{count_label(r['findings'], 'finding')}, {r['good_practice']} good practice."
        )
    for y in doc["years"]:
        lines.append(
            f"Financial year {y['year']}: {y['used']} of {y['cap']} working days given "
            f"({y['left']} left)."
        )
    practice = Counter(g["area"] for g in doc["good_practice"])
    if practice:
        lines.append(
            "Good practice their reviews found: "
            + "; ".join(f"{area} ({n})" for area, n in practice.most_common())
            + "."
        )
    return lines


def write_page(store: Store, doc: dict, out) -> Path:
    """The record as a printable page, `sme-record-<id>-OFFICIAL-SENSITIVE.html` in `out`."""
    from qam.files import output_mode, write_atomic
    from qam.reports.common import file_slug, page
    from qam.reports.models import OFFICIAL_SENSITIVE, STAKEHOLDER
    from qam.reports.output import render_report

    report = SmeRecord(
        page=page(store, f"QA review record: {doc['sme']['name']}", STAKEHOLDER),
        record=doc,
        words=in_words(doc),
    )
    path = Path(out) / f"sme-record-{file_slug(doc['sme']['id'])}-{OFFICIAL_SENSITIVE}.html"
    html = render_report("sme_record.html", report)
    return write_atomic(path, html, mode=output_mode(store.path, public=False))
