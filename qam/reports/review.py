"""The review report: what one review set out to test, what it found, and what should follow."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from qam.analysis.readiness import weighted_median_grade
from qam.analysis.suggest import suggest_status
from qam.errors import RefusedError
from qam.reports import catalogue, charts, enablers, evidence
from qam.reports.common import grade_label, page, status_label, theme_label
from qam.reports.models import (
    STAKEHOLDER,
    Action,
    FindingView,
    ItemSuggestion,
    QuestionSection,
    ReviewReport,
)
from qam.vocabulary import GRADES, METHODS, count_label, date_label, label

if TYPE_CHECKING:
    from qam.store import Store

SHOW_PER_QUESTION = 50  # more findings than this on one question are counted, not listed


def build(store: Store, review_id: str, view: str = STAKEHOLDER) -> ReviewReport:
    """The review report for one review (stakeholder view only: it holds notes and roles)."""
    from qam.planner.reviews import get_review
    from qam.store import findings as findings_db
    from qam.store import programme as programme_db
    from qam.store import register as register_db
    from qam.store import sessions as sessions_db

    if view != STAKEHOLDER:
        raise RefusedError(
            "A review report holds reviewers' notes and participants' roles, so it is "
            "stakeholder-only; run it without --view public. For the public, publish "
            "`qam report programme --view public` or `qam report readiness --view public`."
        )
    review = get_review(store, review_id)
    sets = catalogue.question_sets(store)
    qs = sets.get(review["question_set"] or catalogue.DEFAULT_SET) or sets[catalogue.DEFAULT_SET]
    area_of = {(q["question_set"], q["question_id"]): q["area"] for q in catalogue.questions(sets)}
    # A moderated finding reports its moderated grade (`qam findings moderate`).
    rows = [
        {**f, "grade": f["moderated_grade"] or f["grade"], "moderated": bool(f["moderated_grade"])}
        for f in findings_db.findings(store, review_id=review_id)
    ]
    links: dict[str, list[str]] = {f["id"]: f["links"] for f in rows if f["links"]}
    sessions = sessions_db.sessions(store, review_id=review_id)
    by_id = {s["id"]: s for s in sessions}
    views = [_finding(f, area_of, links.get(f["id"], []), by_id.get(f["session_id"])) for f in rows]
    sections = _sections(qs, views, rows)
    return ReviewReport(
        page=page(store, f"Review report: {review['title']}", view),
        review={
            **review,
            "theme_label": theme_label(review["theme"]),
            "inspection_title": _inspection_title(store, review["inspection"]),
        },
        question_set=f"{qs.title} ({qs.id} v{qs.version})",
        methods=[label(m) for m in review["methods"]],
        team=[t for t in programme_db.team_members(store) if t["review_id"] == review_id],
        sessions=len(sessions),
        gathering=_gathering(sessions, rows),
        finalised=sum(1 for s in sessions if s["finalised_at"]),
        total_findings=len(views),
        total_sources=sum(v.sources for v in views),
        method_chart=_method_chart(views),
        grade_chart=_grade_chart(views),
        questions=[q for q in sections if q.findings or q.hidden],
        without_findings=[q for q in sections if not (q.findings or q.hidden)],
        good_practice=[v for v in views if v.good_practice],
        concerns=[v for v in views if v.concerns],
        register=_suggestions(register_db.items(store), rows, links),
        actions=[
            Action(
                area=v.area,
                concern=v.concerns,
                owner=review["unit"] or "The unit reviewed",
                refs=v.links,
            )
            for v in views
            if v.concerns
        ],
        enablers=enablers.section(store, [review_id], scope="this review's"),
        record_audit=evidence.record_audit(store, review_id),
        grading=evidence.grading(store, review_id),
        baseline=evidence.since_baseline(store, review_id),
    )


def _inspection_title(store, inspection_id: str | None) -> str:
    """The inspection a review prepares for, by its title (its id if it has none)."""
    from qam.store import candidates as candidates_db

    if not inspection_id:
        return ""
    titles = {i["id"]: i["title"] for i in candidates_db.inspections(store)}
    return titles.get(inspection_id) or inspection_id


def _gathering(sessions: list[dict], rows: list[dict]) -> list[str]:
    """Each session as 'Focus group, 6 detention officers, custody; 3 Jun 2025, Northgate
    custody suite: 2 findings'."""
    from qam.fieldwork.participants import gathered

    counts = Counter(r["session_id"] for r in rows)
    return [
        f"{gathered(s)}; {_where_and_when(s)}: {count_label(counts[s['id']], 'finding')}"
        for s in sessions
    ]


def _where_and_when(session: dict | None) -> str:
    session = session or {}
    return ", ".join(p for p in (date_label(session.get("held_on")), session.get("place")) if p)


def _finding(row: dict, area_of: dict, refs: list[str], session: dict | None) -> FindingView:
    from qam.fieldwork.participants import who

    participant = who(row, session)
    return FindingView(
        id=row["id"],
        question_id=row["question_id"],
        area=area_of.get((row["question_set"], row["question_id"]), "Question not in the set"),
        method=label(row["method"]) if row["method"] else "Not recorded",
        grade=row["grade"] if row["grade"] in GRADES else None,
        grade_label=grade_label(row["grade"]),
        sources=max(int(row["sources"] or 1), 1),
        notes=row["notes"] or "",
        good_practice=bool(row["good_practice"]),
        concerns=(row["concerns"] or "").strip(),
        participant=participant,
        session=_where_and_when(session),
        links=sorted(refs),
        created_at=str(row["created_at"] or "")[:16],
        moderated=bool(row.get("moderated")),
    )


def _sections(qs, views: list[FindingView], rows: list[dict]) -> list[QuestionSection]:
    by_question: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(views):
        by_question[v.question_id].append(i)
    sections = []
    known = {q.id for q in qs.questions}
    extra = [qid for qid in by_question if qid not in known]
    for qid, area, text, graded in [(q.id, q.area, q.text, q.graded) for q in qs.questions] + [
        (qid, "Question not in the set", f"Question {qid}", True) for qid in sorted(extra)
    ]:
        idx = by_question.get(qid, [])
        grade = weighted_median_grade([rows[i] for i in idx])
        sections.append(
            QuestionSection(
                id=qid,
                area=area,
                text=text,
                graded=graded,
                grade=grade,
                grade_label=grade_label(grade),
                findings=[views[i] for i in idx[:SHOW_PER_QUESTION]],
                sources=sum(views[i].sources for i in idx),
                hidden=max(len(idx) - SHOW_PER_QUESTION, 0),
            )
        )
    return sections


def _method_chart(views: list[FindingView]) -> charts.Chart:
    count = Counter(v.method for v in views)
    sources: Counter[str] = Counter()
    for v in views:
        sources[v.method] += v.sources
    order = [label(m) for m in METHODS if label(m) in count] + sorted(
        m for m in count if m not in {label(x) for x in METHODS}
    )
    chart = charts.bar_chart(
        "Findings by method",
        order,
        [count[m] for m in order],
        headers=("Method", "Findings"),
        xlabel="Findings",
    )
    chart.headers = ["Method", "Findings", "Sources"]
    chart.rows = [[m, count[m], sources[m]] for m in order]
    return chart


def _grade_chart(views: list[FindingView]) -> charts.Chart:
    count = Counter(v.grade for v in views)
    order = [g for g in GRADES if count[g]] + ([None] if count[None] else [])
    colours = [charts.GRADE_COLOURS[GRADES.index(g)] if g else charts.MUTED for g in order]
    return charts.bar_chart(
        "Findings by grade",
        [grade_label(g) for g in order],
        [count[g] for g in order],
        headers=("Grade", "Findings"),
        xlabel="Findings",
        colours=colours,
    )


def _suggestions(items: list[dict], rows: list[dict], links: dict) -> list[ItemSuggestion]:
    by_ref = {str(i["ref"]).lower(): i for i in items}
    linked: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        for ref in links.get(row["id"], []):
            linked[str(ref).lower()].append(row)
    out = []
    for ref in sorted(linked):
        found = linked[ref]
        item = by_ref.get(
            ref,
            {
                "ref": found and ref.upper(),
                "text": "Not in the register",
                "status": None,
                "theme": None,
            },
        )
        suggested, reason = suggest_status(item["status"], found)
        grades = Counter(grade_label(f["grade"]) for f in found)
        out.append(
            ItemSuggestion(
                ref=str(item["ref"]),
                text=item["text"] or "",
                status=status_label(item["status"]),
                theme=theme_label(item["theme"]),
                findings=len(found),
                sources=sum(max(int(f["sources"] or 1), 1) for f in found),
                grades=", ".join(f"{g} ×{n}" for g, n in grades.most_common()),
                suggested=status_label(suggested) if suggested else None,
                reason=reason,
            )
        )
    return out
