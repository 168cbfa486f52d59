"""The demo's fieldwork: two reviewers' laptops capture a review offline, then merge.

Everything goes through the same domain functions a reviewer's commands use (capture,
export, import), so the demo is also a smoke test of the whole round trip.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qam import clock
from qam.enablers import stored
from qam.fieldwork.findings import record_answer
from qam.fieldwork.sessions import finalise, open_session, question_set_for, session_set
from qam.planner.reviews import add_review, list_reviews
from qam.store import audit
from qam.store import findings as findings_db
from qam.store import register as register_db
from qam.store import sessions as sessions_db
from qam.sync.export import export_bundle
from qam.sync.merge import import_bundle
from qam.sync.trust import read_candidate, trust
from qam.trail import text_fingerprint

if TYPE_CHECKING:
    from qam.store import Store

NOTES = [
    "Handover between detention officers covered each detainee's risk assessment, medication and "
    "next review time; the incoming sergeant read back the risks.",
    "Cell checks were logged on time for rousable detainees, but two checks on a level 2 detainee "
    "were recorded late with no reason given.",
    "Stop and search records sampled: grounds were recorded well in most, but supervisors had not "
    "reviewed a third of them within the week.",
    "Detainees were told their rights and entitlements clearly; an interpreter was booked promptly "
    "for a detainee who spoke little English.",
    "Body-worn video was switched on before most searches; officers could explain when footage is "
    "reviewed by the scrutiny panel.",
    "Staff described the detainee-risk briefing at shift start as the most useful part of the day; "
    "it is worth copying to other suites.",
    "Focus group: detention officers said staffing at weekends leaves little time for welfare "
    "checks and for explaining delays to detainees.",
    "Custody records showed reasons for continued detention, but reviews by the inspector were "
    "sometimes done by phone without speaking to the detainee.",
]
GRADES = ["good", "adequate", "requires_improvement", "good", "outstanding", None]

# What each simulated session records: (question id in paf-2023, note, grade, sources, link?).
# A custody review's evidence lands on the custody questions first, as a reviewer's would.
OBSERVATION = [
    ("vul-1", NOTES[0], "good", 2, True),
    ("off-1", NOTES[7], "requires_improvement", 2, False),
    ("pub-1", NOTES[4], "good", 1, False),
]
FOCUS_GROUP = [
    ("vul-1", NOTES[5], "outstanding", 3, True),
    ("wf-1", NOTES[6], "requires_improvement", 3, False),
    ("off-1", NOTES[1], "adequate", 2, False),
    ("pub-1", NOTES[3], "good", 2, False),
]


def _handover_item(store: Store) -> str | None:
    items = register_db.items(store)
    for item in items:
        if "handover" in (item.get("text") or "").lower():
            return item["ref"]
    custody = [i for i in items if i.get("theme") == "custody"]
    return custody[0]["ref"] if custody else None


def _laptop(path: Path, base: Path, who: str):
    from qam.store import Store

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = Store.open(path)
    import_bundle(store, base, actor=who)
    return store


def _capture(
    store: Store, review: dict, who: str, method: str, script, link: str | None, **session
) -> int:
    s = open_session(store, review_id=review["id"], method=method, actor=who, **session)
    qs = session_set(store, s)
    known = {q.id: q for q in qs.questions}
    # An interview's findings name its interviewee; a group's findings carry the session's
    # people (as the guided capture does).
    participant = (s["participants"] or [{}])[0] if method == "interview" else {}
    count = 0
    for i, (question_id, note, grade, sources, linked) in enumerate(script):
        q = known.get(question_id) or qs.questions[i % len(qs.questions)]
        record_answer(
            store,
            s,
            question_id=q.id,
            notes=note,
            actor=who,
            grade=grade if q.graded else None,
            good_practice="worth copying" in note,
            sources=sources,
            links=[link] if link and linked else [],
            participant_role=participant.get("role"),
            participant_unit=participant.get("unit"),
        )
        count += 1
    finalise(store, s["id"], who)
    return count


def _offline_decisions(a, b, ref: str | None) -> bool:
    """Both laptops move the same outstanding item to different statuses (a conflict to resolve)."""
    from qam.register.decisions import record_decision

    if not ref:
        return False
    status = register_db.status_of(a, ref)
    first, second = (
        ("completed", "being_progressed")
        if status != "being_progressed"
        else ("completed", "will_be_progressed")
    )
    record_decision(
        a,
        ref,
        first,
        reason="Handover briefing seen working on every shift observed",
        actor="sgt.eastern",
    )
    record_decision(
        b, ref, second, reason="Improving, but weekend handovers still rushed", actor="pc.western"
    )
    return True


def simulate(ctx) -> str:
    """Two laptops from one base bundle, captured and merged into the programme store."""
    store = ctx.store
    reviews = list_reviews(store)
    if not reviews:
        add_review(
            store,
            review_id="R-DEMO-CUSTODY",
            title="Custody: detainee care and handovers",
            theme="custody",
            unit="Eastern BCU",
            start="2025-06-02",
            end="2025-06-13",
            actor=ctx.actor,
            team=["sgt.eastern", "pc.western"],
        )
        reviews = list_reviews(store)
    review = next((r for r in reviews if r["theme"] == "custody"), reviews[0])
    folder = Path(ctx.out) / "laptops"
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / "programme-base.qam-bundle"
    export_bundle(store, base, actor=ctx.actor)
    link = _handover_item(store)
    a = _laptop(folder / "laptop-sgt-eastern.db", base, "sgt.eastern")
    b = _laptop(folder / "laptop-pc-western.db", base, "pc.western")
    try:
        n = _capture(
            a,
            review,
            "sgt.eastern",
            "direct_observation",
            OBSERVATION,
            link,
            place="Northgate custody suite",
        )
        n += _capture(
            b,
            review,
            "pc.western",
            "focus_group",
            FOCUS_GROUP,
            link,
            place="Northgate briefing room",
            head_count=6,
            participants=[{"role": "detention officer", "unit": "custody"}] * 6,
        )
        conflict = _offline_decisions(a, b, link)
        bundles = [
            export_bundle(s, folder / f"{name}.qam-bundle", actor=name)["file"]
            for s, name in ((a, "laptop-sgt-eastern"), (b, "laptop-pc-western"))
        ]
    finally:
        a.close()
        b.close()
    ctx.wrote(
        base,
        "Base bundle for the laptops",
        "The programme store's reviews, question sets and register, as `qam sync import` loads them onto a laptop.",
    )
    for path, who in zip(bundles, ("Eastern BCU sergeant", "Western BCU constable"), strict=True):
        ctx.wrote(
            path,
            f"Laptop bundle: {who}",
            "One laptop's week of fieldwork, merged into the programme store with `qam sync import`.",
        )
        laptop_db = folder / f"{Path(path).stem}.db"
        ctx.wrote(
            laptop_db,
            f"Laptop store: {who}",
            "The laptop's own store, as it was when its bundle was written (open it with `--db`).",
        )
    # The programme store enrols each laptop as `qam sync trust BUNDLE` does, once a person
    # compared its fingerprint; each laptop trusts the programme already, made from its bundle.
    for path, who in zip(bundles, ("Sgt Eastern's laptop", "PC Western's laptop"), strict=True):
        trust(store, read_candidate(path), actor=ctx.actor, label=who)
    receipts = [import_bundle(store, path, actor=ctx.actor) for path in bundles]
    added = sum(r["added"].get("finding", 0) for r in receipts)
    conflicts = sum(len(r["conflicts"]) for r in receipts)
    ctx.facts["fieldwork"] = {
        "review": review["id"],
        "bundles": bundles,
        "findings": added,
        "conflicts": conflicts,
        "conflict_expected": conflict,
    }
    from qam.vocabulary import count_label

    summary = (
        f"Two laptops captured {count_label(n, 'finding')} for {review['id']} offline; merged: "
        f"{added} added, {count_label(conflicts, 'register conflict')} to resolve "
        "(`qam sync conflicts`)."
    )
    if ctx.scale:
        summary += f" Load test: {bulk_findings(store, reviews, ctx.scale, ctx.actor):,} findings generated."
    return summary


def bulk_findings(store: Store, reviews: list[dict], n: int, actor: str) -> int:
    """N findings in one transaction with executemany, spread over the reviews (load tests)."""
    rng = random.Random(42)
    now = clock.now()
    sessions, rows = [], []
    for review in reviews:
        qs = question_set_for(store, review["question_set"] or "paf-2023", actor)
        sessions.append(
            (
                review,
                qs,
                {
                    "id": str(uuid.uuid4()),
                    "review_id": review["id"],
                    "method": "document_analysis",
                    "held_on": now[:10],
                    "place": "load test",
                    "participants": [],
                    "head_count": None,
                    "reviewer": actor,
                    "question_set": qs.id,
                    "question_set_version": qs.version,
                    "finalised_at": now,
                    "created_at": now,
                    "document_title": None,
                    "document_hash": None,
                },
            )
        )
    for i in range(n):
        review, qs, s = sessions[i % len(sessions)]
        q = qs.questions[i % len(qs.questions)]
        rows.append(
            {
                "id": str(uuid.uuid4()),
                "session_id": s["id"],
                "review_id": review["id"],
                "question_set": qs.id,
                "question_set_version": qs.version,
                "question_id": q.id,
                "method": rng.choice(
                    ["interview", "focus_group", "direct_observation", "document_analysis"]
                ),
                "notes": NOTES[i % len(NOTES)],
                "grade": rng.choice(GRADES) if q.graded else None,
                "good_practice": int(rng.random() < 0.1),
                "concerns": None,
                "sources": rng.randint(1, 4),
                "participant_role": None,
                "participant_unit": None,
                "reviewer": actor,
                "created_at": now,
                "supersedes": None,
                "responses": None,
                "grade_counts": None,
                "enablers": stored(q.enablers),
            }
        )
    save_generated(store, rows, sessions=[s for _, _, s in sessions])
    return n


def save_generated(
    store,
    findings: list[dict],
    links: Sequence[tuple[str, str]] = (),
    sessions: Sequence[dict] = (),
) -> None:
    """Generated sessions and findings (load tests) saved in one transaction, each with the
    event capture writes for it, so the trail covers what was made (`qam audit verify`, and a
    merge of the store's bundle, check it)."""
    linked: dict[str, list[str]] = {}
    for finding_id, ref in links:
        linked.setdefault(finding_id, []).append(ref)
    with store.transaction():
        sessions_db.insert_sessions(store, sessions)
        findings_db.save_findings(store, findings, links)
        audit.append_events(
            store,
            [_opened(s) for s in sessions] + [_recorded(f, linked) for f in findings],
        )


def _opened(session: dict) -> dict:
    return {
        "actor": session["reviewer"],
        "entity": "capture_session",
        "entity_id": session["id"],
        "action": "open",
        "new": {"review": session["review_id"], "method": session["method"]},
        "reason": "load test",
    }


def _recorded(finding: dict, linked: dict[str, list[str]]) -> dict:
    return {
        "actor": finding["reviewer"],
        "entity": "finding",
        "entity_id": finding["id"],
        "action": "record",
        "new": {
            "question": finding["question_id"],
            "grade": finding.get("grade"),
            "good_practice": bool(finding.get("good_practice")),
            "sources": finding.get("sources"),
            "links": linked.get(finding["id"], []),
            "notes_sha256": text_fingerprint(finding["notes"]),
        },
        "reason": "load test",
    }
