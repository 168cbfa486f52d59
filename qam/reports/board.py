"""`qam report board NAME`: the pack an assessment board's chair reads.

The board's PEEL areas with their self-assessed grade, trend and calibration (the readiness
report's rows for those areas); the deep dives due (areas below good twice running); the
outstanding register items its chair leads as chief officer, overdue first, each with its
deadlines and last update; the QA reviews coming in its areas; good practice found in them.
Stakeholder only: it names items, leads and what reviewers wrote. Printed, it fits A4 and
carries the marking on every page (board.css), and `--pdf` renders it (`qam.reports.pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from qam.reports.models import STAKEHOLDER, AreaReadiness, Page

if TYPE_CHECKING:
    from qam.boards import Board
    from qam.reports.enablers import EnablerSection
    from qam.store import Store

GOOD_PRACTICE_SHOWN = 8


@dataclass
class BoardPack:
    """What `reports/board.html` renders."""

    page: Page
    board: str
    chair: str
    today: str  # the date the pack speaks for, e.g. "1 Dec 2026"
    areas: list[AreaReadiness]  # the board's PEEL areas, as the readiness report has them
    deep_dives: list[AreaReadiness]  # of those, below good twice running
    items: list[dict]  # outstanding items the chair leads (`action_plans.plan_rows`)
    overdue: int  # how many of them are overdue
    reviews: list[dict]  # reviews not yet finished that test its areas
    good_practice: list[dict]  # newest good practice found in its areas
    good_practice_total: int
    enablers: EnablerSection  # its areas' findings by Leadership, Partnership, Culture, Technology


def _reviews(store: Store, board: Board, today: date) -> list[dict]:
    from qam.reports import catalogue
    from qam.store import programme as programme_db
    from qam.vocabulary import date_label, theme_label

    questions = catalogue.questions(catalogue.question_sets(store))
    mine = set(board.areas)
    rows = []
    for review in programme_db.reviews(store):
        if str(review["end"] or "9999") < today.isoformat():
            continue
        qset = review.get("question_set") or catalogue.DEFAULT_SET
        areas = {
            q["area"]
            for q in questions
            if q["question_set"] == qset and review["theme"] in q["themes"] and q["area"] in mine
        }
        if areas:
            rows.append(
                {
                    "id": review["id"],
                    "title": review.get("title") or review["id"],
                    "theme": theme_label(review["theme"]),
                    "unit": review.get("unit") or "",
                    "when": f"{date_label(review['start'])} to {date_label(review['end'])}",
                    "areas": sorted(areas),
                }
            )
    return rows


def _good_practice(store: Store, board: Board) -> tuple[list[dict], int]:
    from qam.reports import catalogue
    from qam.store import findings as findings_db
    from qam.store import programme as programme_db
    from qam.vocabulary import date_label

    areas = {
        (q["question_set"], q["question_id"]): q["area"]
        for q in catalogue.questions(catalogue.question_sets(store))
    }
    mine = set(board.areas)
    reviews = {r["id"]: r for r in programme_db.reviews(store)}
    totals = [
        t
        for t in findings_db.good_practice_totals(store)
        if areas.get((t["question_set"], t["question_id"])) in mine
    ]
    ids = sorted({t["review_id"] for t in totals})
    rows = findings_db.good_practice_newest(store, ids, limit=200, note_chars=600)
    shown = []
    for row in rows:
        area = areas.get((row["question_set"], row["question_id"]))
        if area not in mine:
            continue
        review = reviews.get(row["review_id"], {})
        notes = row["notes"] or ""
        shown.append(
            {
                "area": area,
                "review": review.get("title") or row["review_id"],
                "unit": review.get("unit") or "",
                "notes": notes[:600].rstrip() + ("…" if len(notes) > 600 else ""),
                "date": date_label(row["created_at"]),
            }
        )
        if len(shown) == GOOD_PRACTICE_SHOWN:
            break
    return shown, sum(int(t["findings"]) for t in totals)


def build(store: Store, name: str, today: date) -> BoardPack:
    """The pack for the board called `name` (NotFoundError naming the boards if none)."""
    from qam import boards
    from qam.reports import action_plans, catalogue, enablers, readiness
    from qam.reports.common import page
    from qam.store import register as register_db
    from qam.vocabulary import OUTSTANDING_STATUSES, date_label

    board = boards.find(boards.load(store), name)
    ready = readiness.build(store, STAKEHOLDER)
    areas = [a for s in ready.boards if s.board == board.name for a in s.areas]
    led = [
        i
        for i in register_db.query_items(store, statuses=list(OUTSTANDING_STATUSES))
        if board.leads(i.get("owner"))
    ]
    items = action_plans.plan_rows(store, led, today)
    practice, practice_total = _good_practice(store, board)
    mine = {
        (q["question_set"], q["question_id"])
        for q in catalogue.questions(catalogue.question_sets(store))
        if q["area"] in board.areas
    }
    return BoardPack(
        page=page(store, f"{board.name}: board pack", STAKEHOLDER),
        board=board.name,
        chair=board.chair,
        today=date_label(today),
        areas=areas,
        deep_dives=[a for a in areas if a.deep_dive],
        items=items,
        overdue=sum(1 for i in items if i["overdue"]),
        reviews=_reviews(store, board, today),
        good_practice=practice,
        good_practice_total=practice_total,
        enablers=enablers.section(store, scope="its areas'", questions=mine),
    )


def write(store: Store, name: str, out, *, today: date, pdf: bool = False) -> dict:
    """Write the pack's HTML (and with `pdf`, its PDF beside it); the paths written."""
    from qam.files import output_mode, write_atomic
    from qam.reports.common import file_slug
    from qam.reports.output import file_name, render_report

    pack = build(store, name, today)
    html = render_report("board.html", pack)
    path = Path(out) / file_name("board", STAKEHOLDER, extra=f"-{file_slug(pack.board).lower()}")
    written = {
        "board": pack.board,
        "html": str(write_atomic(path, html, mode=output_mode(store.path))),
    }
    if pdf:
        from qam.reports.pdf import render_pdf

        written["pdf"] = str(render_pdf(path, path.with_suffix(".pdf")))
    return written


def write_demo_packs(ctx) -> str:
    """The demo's step: every board's pack in `packs/`, each listed on the index page."""
    from qam import boards

    written = []
    for board in boards.load(ctx.store):
        done = write(ctx.store, board.name, ctx.out / "packs", today=date.today())
        href = Path(done["html"]).relative_to(ctx.out).as_posix()
        ctx.reports.append(
            {
                "title": f"Board pack: {board.name}",
                "href": href,
                "purpose": f"What its chair ({board.chair}) reads: its PEEL areas, deep dives, "
                "the register items the chair leads with their deadlines and last update, the "
                "reviews coming, good practice. Prints to A4; `qam report board NAME --pdf`.",
            }
        )
        written.append(board.name)
    return f"{len(written)} board packs written to {ctx.out / 'packs'}"
