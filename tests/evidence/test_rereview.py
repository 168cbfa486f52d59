"""Re-reviews: a review that follows a baseline, and what changed question by question."""

from __future__ import annotations

import pytest

from qam.errors import NotFoundError, RefusedError
from qam.fieldwork.baseline import baseline_for, compare
from tests.evidence.helpers import graded, review, set_up


@pytest.fixture
def rereview(store, qam):
    set_up(store)
    review(store, "R1", start="2025-06-02", end="2025-06-13", question_set="paf-2023")
    graded(
        store,
        "R1",
        [
            ("vul-1", "requires_improvement", "Handovers rushed at weekends"),
            ("off-1", "good"),
            ("pub-1", "adequate"),
            ("wf-1", "good"),
        ],
    )
    result = qam(
        "reviews", "add", "R2", "--title", "Custody again", "--theme", "custody",
        "--unit", "Eastern BCU", "--start", "2026-06-01", "--end", "2026-06-12",
        "--follows", "R1",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "it follows R1" in result.stdout
    graded(
        store,
        "R2",
        [
            ("vul-1", "requires_improvement", "Weekend handovers still rushed"),
            ("off-1", "adequate"),
            ("pub-1", "good"),
            ("lead-1", "good"),
        ],
    )
    return store


def test_each_question_is_new_unchanged_improved_worse_or_not_retested(rereview):
    doc = compare(rereview, "R2")
    status = {r["question"]: r["status"] for r in doc["questions"]}
    assert status == {
        "pub-1": "improved",
        "vul-1": "unchanged",
        "off-1": "worse",
        "wf-1": "not_retested",
        "lead-1": "new",
    }
    [repeat] = [r for r in doc["questions"] if r["repeat"]]
    assert repeat["question"] == "vul-1"
    assert repeat["baseline_concerns"] == ["Handovers rushed at weekends"]
    assert doc["repeats"] == 1 and compare(rereview, "R1") is None


def test_the_review_report_shows_the_change(rereview, qam, tmp_path):
    from tests.reports.htmlcheck import Page

    result = qam("report", "review", "R2", "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    html = next(tmp_path.glob("review-*.html")).read_text()
    text = " ".join(" ".join(Page(html).text).split())
    assert "This review re-tests R1" in text
    assert "1 repeat finding" in text and "Repeat finding" in text
    assert "Not re-tested" in text and "Improved" in text and "Worse" in text


def test_a_review_cannot_follow_itself_or_a_missing_review(store):
    set_up(store)
    review(store, "R1")
    with pytest.raises(RefusedError, match="cannot follow itself"):
        review(store, "R2", follows="R2")
    with pytest.raises(NotFoundError):
        review(store, "R2", follows="R9")


def test_the_planner_links_a_revisit_to_the_latest_earlier_review():
    earlier = {
        "id": "R1",
        "theme": "custody",
        "unit": "Eastern BCU",
        "start": "2025-01-06",
        "end": "2025-01-17",
    }
    later = {**earlier, "id": "R2", "start": "2025-09-01", "end": "2025-09-12"}
    other_unit = {
        **earlier,
        "id": "R3",
        "unit": "Western BCU",
        "start": "2025-05-01",
        "end": "2025-05-09",
    }
    revisit = {
        **earlier,
        "id": "R4",
        "unit": "eastern bcu ",
        "start": "2026-03-02",
        "end": "2026-03-13",
    }
    assert baseline_for(revisit, [earlier, later, other_unit, revisit]) == "R2"
    assert baseline_for(earlier, [earlier, later, other_unit]) is None
