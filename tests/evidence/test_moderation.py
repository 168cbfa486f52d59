"""Moderated grades: a blind second grade, agreement (checked against scikit-learn), moderation."""

from __future__ import annotations

import json

import pytest
from sklearn.metrics import cohen_kappa_score

from qam.errors import RefusedError
from qam.fieldwork import moderation
from qam.vocabulary import GRADES
from tests.evidence.helpers import graded, review, set_up

QUESTIONS = ["pub-1", "prev-1", "resp-1", "inv-1", "vul-1", "off-1", "wf-1", "lead-1"]
# (first grade, second grade) for each finding: exact, one apart, two apart, every tier used.
PAIRS = [
    ("good", "good"),
    ("good", "adequate"),
    ("adequate", "adequate"),
    ("requires_improvement", "adequate"),
    ("outstanding", "good"),
    ("inadequate", "requires_improvement"),
    ("good", "requires_improvement"),
    ("adequate", "adequate"),
    ("requires_improvement", "requires_improvement"),
    ("good", "outstanding"),
    ("adequate", "inadequate"),
    ("good", "good"),
]


@pytest.fixture
def pairs(store):
    """Review R1 with twelve findings graded by sgt.eastern, then blind by pc.western."""
    set_up(store)
    review(store, "R1")
    firsts = [(QUESTIONS[i % 8], first) for i, (first, _) in enumerate(PAIRS)]
    found = graded(store, "R1", firsts[:8]) + graded(store, "R1", firsts[8:])
    for finding, (_, second) in zip(found, PAIRS, strict=True):
        moderation.second_grade(store, finding["id"], grade=second, actor="pc.western")
    return found


def test_agreement_matches_scikit_learn_and_a_hand_count(store, pairs, qam):
    result = qam("reviews", "agreement", "R1", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    first = [GRADES.index(a) for a, _ in PAIRS]
    second = [GRADES.index(b) for _, b in PAIRS]
    expected = cohen_kappa_score(first, second, weights="linear", labels=list(range(5)))
    assert round(doc["kappa"], 3) == round(expected, 3)
    assert doc["pairs"] == 12
    assert doc["exact"] == pytest.approx(5 / 12)  # counted by hand from PAIRS
    assert doc["within_one"] == pytest.approx(10 / 12)
    widest = doc["disagreements"][0]
    assert abs(widest["difference"]) == 2 and len(doc["disagreements"]) == 7


def test_kappa_matches_scikit_learn_when_every_observed_grade_is_adjacent(store):
    # Observed grades contiguous on the scale: scikit-learn without `labels` agrees too.
    set_up(store)
    review(store, "R1")
    found = graded(store, "R1", [("pub-1", "good"), ("prev-1", "adequate"), ("resp-1", "good")])
    for f, g in zip(found, ["good", "good", "adequate"], strict=True):
        moderation.second_grade(store, f["id"], grade=g, actor="pc.western")
    doc = moderation.agreement(store, "R1")
    plain = cohen_kappa_score([1, 2, 1], [1, 1, 2], weights="linear")
    assert round(doc["kappa"], 3) == round(plain, 3)


def test_the_first_grader_is_refused_and_the_first_grade_is_never_shown(store, qam):
    set_up(store)
    review(store, "R1")
    [finding] = graded(store, "R1", [("vul-1", "requires_improvement")])
    result = qam("--as", "sgt.eastern", "findings", "grade", finding["id"], "--grade", "good")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: You (sgt.eastern) gave finding")
    assert _second_grades(store) == 0
    result = qam("--as", "pc.western", "findings", "grade", finding["id"], "--grade", "good")
    assert result.exit_code == 0, result.stderr
    assert "requires" not in result.stdout.lower()
    assert _second_grades(store) == 1
    # A third person does not add a third grade: a moderator settles the two.
    result = qam("--as", "di.north", "findings", "grade", finding["id"], "--grade", "adequate")
    assert result.exit_code == 1 and "already has a second grade" in result.stderr


def test_without_a_terminal_a_missing_grade_is_named(store, qam):
    set_up(store)
    review(store, "R1")
    [finding] = graded(store, "R1", [("vul-1", "good")])
    result = qam("--as", "pc.western", "findings", "grade", finding["id"])
    assert result.exit_code == 1
    assert "--grade" in result.stderr and "good" not in result.stderr.replace("--grade", "")


def test_a_second_grade_must_be_on_the_scale_and_the_question_graded(store):
    set_up(store)
    review(store, "R1")
    found = graded(store, "R1", [("vul-1", "good"), ("vic-1", None)])
    with pytest.raises(RefusedError, match="not on the five-tier scale"):
        moderation.second_grade(store, found[0]["id"], grade="brilliant", actor="pc.western")
    with pytest.raises(RefusedError, match="no first grade"):
        moderation.second_grade(store, found[1]["id"], grade="good", actor="pc.western")


def test_moderation_needs_a_pair_and_a_reason_and_goes_in_the_trail(store, qam):
    set_up(store)
    review(store, "R1")
    [finding] = graded(store, "R1", [("vul-1", "good")])
    fid = finding["id"]
    result = qam("findings", "moderate", fid, "--grade", "adequate", "--reason", "x")
    assert result.exit_code == 1 and "no pair of grades" in result.stderr
    moderation.second_grade(store, fid, grade="requires_improvement", actor="pc.western")
    result = qam("findings", "moderate", fid, "--grade", "adequate", "--reason", "  ")
    assert result.exit_code == 1 and "needs a reason" in result.stderr
    result = qam(
        "--as", "insp.lead", "findings", "moderate", fid, "--grade", "Adequate",
        "--reason", "Handover seen on three of five shifts",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    event = store.rows(
        "SELECT actor, reason, new FROM audit_log WHERE entity = 'grade_moderation'"
    )[0]
    assert event["actor"] == "insp.lead"
    assert event["reason"] == "Handover seen on three of five shifts"
    assert json.loads(event["new"]) == {"finding": fid, "grade": "adequate"}
    doc = moderation.agreement(store, "R1")
    assert doc["moderated"] == 1
    assert doc["disagreements"][0]["moderated_grade"] == "adequate"


def test_reports_use_the_moderated_grade(store):
    from qam.store import findings as findings_db

    set_up(store)
    review(store, "R1")
    [finding] = graded(store, "R1", [("vul-1", "good")])
    moderation.second_grade(store, finding["id"], grade="inadequate", actor="pc.western")
    moderation.moderate(
        store, finding["id"], grade="requires_improvement", reason="two apart", actor="lead"
    )
    totals = findings_db.graded_totals(store)
    assert [(t["question_id"], t["grade"]) for t in totals] == [("vul-1", "requires_improvement")]
    assert findings_db.moderated_count(store, "R1") == 1
    assert findings_db.finding(store, finding["id"])["moderated_grade"] == "requires_improvement"


def test_second_grades_and_moderations_travel_in_a_bundle(store, tmp_path):
    from qam.store import Store
    from qam.sync.export import export_bundle
    from qam.sync.merge import import_bundle

    set_up(store)
    review(store, "R1")
    [finding] = graded(store, "R1", [("vul-1", "good")])
    moderation.second_grade(store, finding["id"], grade="inadequate", actor="pc.western")
    moderation.moderate(store, finding["id"], grade="adequate", reason="two apart", actor="lead")
    bundle = tmp_path / "laptop.qam-bundle"
    export_bundle(store, bundle, actor="sgt.eastern")
    with Store.open(tmp_path / "programme.db") as other:
        receipt = import_bundle(other, bundle, actor="liaison.lead")
        assert receipt["added"]["second_grade"] == 1
        assert receipt["added"]["grade_moderation"] == 1
        assert moderation.agreement(other, "R1")["moderated"] == 1
        again = import_bundle(other, bundle, actor="liaison.lead")
        assert not again["added"].get("grade_moderation")


def _second_grades(store) -> int:
    return store.conn.execute("SELECT count(*) FROM second_grade").fetchone()[0]
