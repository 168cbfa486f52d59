"""Fixtures for the report tests: a small programme with canaries and an XSS corpus planted."""

from __future__ import annotations

import pytest

from tests.reports import builder as b

CANARIES = {
    "note": "CANARY-NOTE-7f3a",
    "concern": "CANARY-CONCERN-91be",
    "participant": "CANARY-PARTICIPANT-c0de",
    "participant_unit": "CANARY-PUNIT-5e11",
    "sme": "CANARY-SMENAME-a11c",
    "item_text": "CANARY-ITEMTEXT-3d3d",
    "reason": "CANARY-REASON-b00b",
    "review_title": "CANARY-REVIEWTITLE-4242",
    "unit": "CANARY-UNIT-6060",
    "record": "CANARY-RECORD-77aa",  # a record id of a record audit (dip sample)
    "record_note": "CANARY-RECORDNOTE-5150",
    "moderation": "CANARY-MODREASON-0d0d",  # why a moderator settled a grade
}
XSS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "data:text/html,<script>alert(2)</script>",
    "</script><script>alert(3)</script>",
    "\u2028\u2029 line separators",
    "\u202eRTL override \u200b zero width $x^2$ 🚓",
]
XSS_TEXT = " ".join(XSS)


def build_programme(store, *, xss: bool = True) -> dict:
    """Two custody reviews (trend), a call-handling review, register items, decisions, canaries."""
    from qam.initialise import initialise

    initialise(store, actor="test", force_name="Westshire Police")
    evil = XSS_TEXT if xss else "plain"
    b.sme(store, "SME01", f"Priya {CANARIES['sme']}", unit="Contact Management")
    b.sme(store, "SME02", "Mark Pendleton", unit="Western BCU")
    b.inspection(
        store, "I01", "PEEL 2025–27 inspection", "2027-04-01", kind="peel", theme="vulnerability"
    )
    b.inspection(
        store, "I04", f"Custody thematic {evil}", "2027-10-01", kind="thematic", theme="custody"
    )
    b.aoi(
        store,
        "A01",
        f"Stop and search records {evil}",
        "stop_and_search",
        source="audit_and_ethics",
    )
    b.aoi(store, "A02", "Call-handling times", "call_handling")
    refs = {
        "REC-1": "being_progressed",
        "AFI-2": "awaiting_review",
        "REC-3": "completed",
        "COC-4": "will_be_progressed",
    }
    for i, (ref, status) in enumerate(refs.items()):
        b.item(
            store,
            ref,
            status=status,
            text=f"{CANARIES['item_text']} {evil}",
            type_=("recommendation", "area_for_improvement", "recommendation", "cause_of_concern")[
                i
            ],
            scope=("force", "national", "force", "joint")[i],
            published=f"20{20 + i}-03-01",
            due="2026-01-01" if i == 0 else None,
            theme="custody" if i < 3 else evil,
        )
    for n in range(12):  # enough items that some public counts survive suppression
        b.item(
            store,
            f"NAT-{n:02d}",
            status="completed" if n % 3 else "being_progressed",
            scope="national",
            theme="call_handling",
            published="2019-06-01",
        )
    b.decision(
        store,
        "REC-3",
        "being_progressed",
        "completed",
        f"{CANARIES['reason']} {evil}",
        evidence=evil,
    )
    b.review(
        store,
        "R01",
        title=f"{CANARIES['review_title']} custody one {evil}",
        theme="custody",
        unit=f"{CANARIES['unit']} {evil}",
        start="2026-12-07",
        end="2027-01-15",
        team=("SME01", "SME02"),
    )
    b.review(
        store,
        "R02",
        title="Custody two",
        theme="custody",
        unit="Western BCU",
        start="2027-06-01",
        end="2027-07-30",
        team=("SME02",),
    )
    b.review(
        store,
        "R03",
        title="Call handling",
        theme="call_handling",
        unit="Contact Management",
        start="2027-02-01",
        end="2027-03-12",
        team=("SME01",),
        status="planned",
    )
    participants = [
        {"code": "P1", "role": CANARIES["participant"], "unit": CANARIES["participant_unit"]}
    ]
    s1 = b.session(store, "R01", participants=participants)
    s2 = b.session(store, "R02", participants=participants, finalised=False)
    ids = {}
    # R01: custody, vulnerable people below good (requires improvement) and offenders good.
    for k in range(6):
        b.finding(
            store,
            s1,
            "R01",
            "vul-1",
            grade="requires_improvement",
            sources=2,
            notes=f"{CANARIES['note']} {evil}",
            concerns=f"{CANARIES['concern']} {evil}" if k == 0 else None,
            role=f"{CANARIES['participant']} {evil}",
            unit=CANARIES["participant_unit"],
            links=("AFI-2",),
        )
    for k in range(5):
        ids.setdefault("good", []).append(
            b.finding(
                store,
                s1,
                "R01",
                "off-1",
                grade="good",
                sources=3,
                good_practice=k < 2,
                notes=f"{CANARIES['note']} good practice {evil}",
                links=("REC-1", "REC-3"),
                method="direct_observation",
            )
        )
    b.finding(
        store, s1, "R01", "off-1", grade="inadequate", sources=1, notes="superseded", links=()
    )
    # R02: later custody review, vulnerable people still below good.
    for _ in range(5):
        b.finding(store, s2, "R02", "vul-1", grade="adequate", sources=1, notes=CANARIES["note"])
    _evidence(store, s2, ids["good"], evil)
    return {"refs": refs, "ids": ids}


def _evidence(store, open_session: str, graded: list[str], evil: str) -> None:
    """A record audit of R02 (checked in its open session, so the programme's counts stay as
    they were) with canary record ids and notes; second grades on R01's good findings, one of
    them moderated with a canary reason."""
    from qam.fieldwork import moderation
    from qam.fieldwork.record_audit import check_record
    from qam.fieldwork.sampling import Frame, draw_sample

    records = [(f"{CANARIES['record']}-{n:02d}", f"Suite {n % 2}") for n in range(12)]
    frame = Frame("custody.csv", "00" * 32, records, "Record", "Suite")
    sample = draw_sample(store, "R02", frame, seed=1, actor="test", per_stratum=5,
                         items=[f"Joint handover {evil}"])  # fmt: skip
    for n, record in enumerate(sample["records"]):
        check_record(store, {"id": open_session, "review_id": "R02"}, record["id"],
                     {"1": "yes" if n % 3 else "no"}, actor="test",
                     notes=f"{CANARIES['record_note']} {evil}")  # fmt: skip
    for finding_id in graded:
        moderation.second_grade(store, finding_id, grade="outstanding", actor="pc.western")
    moderation.moderate(store, graded[0], grade="good", actor="insp.lead",
                        reason=f"{CANARIES['moderation']} {evil}")  # fmt: skip


@pytest.fixture
def programme(store):
    """An open store holding the programme above (with the XSS corpus in every free-text field)."""
    build_programme(store)
    return store
