"""The demo's evidence: a dip sample of 60 custody records, a moderated pair of grades, and the
self-assessment set against the example force's last PEEL grades.

Everything goes through the domain functions the commands use (`qam sample draw`, the record
audit's checks, `qam findings grade` and `moderate`, `qam outcomes import`), so the demo is a
smoke test of them too.
"""

from __future__ import annotations

import shutil

from qam.fieldwork.findings import record_answer
from qam.fieldwork.moderation import agreement, moderate, second_grade
from qam.fieldwork.record_audit import NA, NO, YES, check_record, results
from qam.fieldwork.sampling import draw_sample, read_frame
from qam.fieldwork.sessions import finalise, open_session
from qam.planner.reviews import add_review, list_reviews
from qam.store import findings as findings_db
from qam.vocabulary import GRADES

FRAME = "custody-records.csv"
HOME_GRADES = "westshire-grades.csv"
SEED = 2027
ITEMS = [
    "Joint handover recorded (outgoing and incoming sergeant)",
    "Risk assessment reviewed at handover",
    "Rights and entitlements given and signed for",
]
# Joint handovers found in each suite's 20 records: 41 of 60, Westfield the outlier.
HANDOVERS = {"Eastgate": 15, "Northgate": 16, "Westfield": 10}
# The force's self-assessment in autumn 2024, before HMICFRS published its PEEL 2023–25 grades.
SELF_ASSESSMENT = [
    ("pub-1", "good"),
    ("prev-1", "good"),
    ("resp-1", "adequate"),
    ("vul-1", "good"),
    ("off-1", "good"),
    ("lead-1", "adequate"),
]


def _answers(index: int, suite: str, seen: dict[str, int]) -> dict[str, str]:
    """A record's checks: the first HANDOVERS[suite] of each suite had a joint handover; every
    seventh record was a transfer, where the risk review does not apply."""
    handover = YES if seen[suite] < HANDOVERS[suite] else NO
    risk = NA if index % 7 == 3 else (YES if index % 5 else NO)
    return {ITEMS[0]: handover, ITEMS[1]: risk, ITEMS[2]: YES if index % 11 else NO}


def dip_sample(ctx, review: dict) -> str:
    """Draw 20 custody records from each of three suites and check them, then conclude."""
    frame_file = ctx.out / FRAME
    shutil.copyfile(ctx.plans / FRAME, frame_file)
    frame = read_frame(frame_file, id_column="Custody record", stratum_column="Suite")
    sample = draw_sample(
        ctx.store,
        review["id"],
        frame,
        seed=SEED,
        actor="sgt.eastern",
        per_stratum=20,
        items=ITEMS,
        question_id="vul-1",
    )
    session = open_session(
        ctx.store,
        review_id=review["id"],
        method="record_audit",
        actor="sgt.eastern",
        held_on=review["start"],
        place="Northgate custody suite",
    )
    seen = dict.fromkeys(HANDOVERS, 0)
    for index, record in enumerate(sample["records"]):
        answers = _answers(index, record["stratum"], seen)
        seen[record["stratum"]] += 1
        check_record(ctx.store, session, record["id"], answers, actor="sgt.eastern")
    finalise(ctx.store, session["id"], "sgt.eastern")
    ctx.wrote(
        frame_file,
        "Custody records frame (.csv)",
        f"The {len(frame.records)} custody records the dip sample was drawn from; "
        f"`qam sample draw {review['id']} --frame {FRAME} --id-column 'Custody record' "
        f"--stratum-column Suite --per-stratum 20 --seed {SEED}` draws the same 60 again.",
    )
    doc = results(ctx.store, review["id"])
    handover = next(r for r in doc["results"] if r["item"] == ITEMS[0] and r["stratum"] is None)
    return (
        f"dip sample of {len(sample['records'])} custody records: {handover['yes']} of "
        f"{handover['yes'] + handover['no']} show a joint handover ({handover['rate']:.0%}, "
        f"95% CI {handover['ci_low']:.0%}–{handover['ci_high']:.0%})"
    )


def moderated_pair(ctx, review: dict) -> str:
    """The custody review's findings graded again, blind, by a colleague; the widest
    disagreement moderated by the review lead."""
    graded = [f for f in findings_db.findings(ctx.store, review_id=review["id"]) if f["grade"]]
    # A colleague's grades: the same on most, a grade off on one, two grades off on another.
    shifts = [0, 0, 1, 2, 0, -1]
    for finding, shift in zip(graded, shifts, strict=False):
        index = min(max(GRADES.index(finding["grade"]) + shift, 0), len(GRADES) - 1)
        grader = "pc.western" if finding["reviewer"] != "pc.western" else "sgt.eastern"
        second_grade(ctx.store, finding["id"], grade=GRADES[index], actor=grader)
    doc = agreement(ctx.store, review["id"])
    widest = doc["disagreements"][0] if doc["disagreements"] else None
    if widest:
        moderate(
            ctx.store,
            widest["finding"],
            grade=widest["first_grade"]
            if abs(widest["difference"]) > 1
            else widest["second_grade"],
            reason="Moderated at the review's close: the records and the focus group support the "
            "first reviewer's grade.",
            actor="insp.review.lead",
        )
    kappa = "n/a" if doc["kappa"] is None else f"{doc['kappa']:.2f}"
    return f"{doc['pairs']} findings graded twice (weighted kappa {kappa}), 1 moderated"


def self_assessment(ctx) -> str:
    """Last year's self-assessment review, then the force's published PEEL grades."""
    from qam.analysis.calibration import calibration
    from qam.register.outcomes import import_outcomes

    if "R-SA-2024" not in {r["id"] for r in list_reviews(ctx.store)}:
        add_review(
            ctx.store,
            review_id="R-SA-2024",
            title="Force self-assessment ahead of PEEL 2023–25",
            theme="leadership",
            unit="Force-wide",
            start="2024-09-02",
            end="2024-10-25",
            actor=ctx.actor,
            methods=["document_analysis", "interview"],
        )
        session = open_session(
            ctx.store,
            review_id="R-SA-2024",
            method="document_analysis",
            actor="insp.self",
            held_on="2024-10-14",
            place="Force headquarters",
        )
        for question, grade in SELF_ASSESSMENT:
            record_answer(
                ctx.store,
                session,
                question_id=question,
                grade=grade,
                notes="Self-assessment against the characteristics of good, from the force "
                "management statement and performance data.",
                sources=3,
                actor="insp.self",
            )
        finalise(ctx.store, session["id"], "insp.self")
    import_outcomes(ctx.store, ctx.plans / HOME_GRADES, actor=ctx.actor)
    overall = calibration(ctx.store)["overall"]
    return (
        f"self-assessment against PEEL 2023–25: {overall['exact']:.0%} exact, "
        f"{overall['within_one']:.0%} within one grade, {len(overall['blind_spots'])} blind spots"
    )


def run(ctx) -> str:
    """The three, on the custody review the laptops captured (`ctx.facts["fieldwork"]`)."""
    from qam.reports.models import STAKEHOLDER
    from qam.reports.output import file_name

    review_id = ctx.facts.get("fieldwork", {}).get("review")
    review = next(r for r in list_reviews(ctx.store) if r["id"] == review_id)
    said = [dip_sample(ctx, review), moderated_pair(ctx, review), self_assessment(ctx)]
    page = file_name("review", STAKEHOLDER, review["id"])
    ctx.reports.append(
        {
            "title": f"Dip sample: 60 custody records ({review['id']})",
            "href": f"{page}#record-audit",
            "purpose": "Each checklist item's compliance rate by suite, with its 95% interval "
            "(the review report's record audit section).",
        }
    )
    ctx.reports.append(
        {
            "title": f"Moderated grades ({review['id']})",
            "href": f"{page}#moderation",
            "purpose": "Two reviewers' grades compared (exact, within one, weighted kappa) and "
            "the moderated grade (the review report's moderation section).",
        }
    )
    return "; ".join(said) + ". Calibration: `qam report calibration`."
