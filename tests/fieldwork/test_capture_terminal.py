"""`qam capture` in a real terminal, as the custody sergeant of SCENARIOS.md uses it.

- With a session unfinished, "Start a new session" reaches the review list (it used to stop
  with "No capture session 'Start a new session'").
- The battery dies on question 4 after question 3 was skipped: capture resumes at 4, with the
  answered questions marked.
- A focus group of six typed at the prompts reaches every finding: `qam findings list --json`
  and the review report show its head count and the participants' roles.
- Every menu of the guided capture, each of its choices at least once.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from fw_helpers import make_programme
from terminal import SPACE, Terminal

from qam.planner.reviews import add_review


@pytest.fixture
def laptop(tmp_path):
    """A laptop store: review R1 (the sergeant's, custody) and R2 (someone else's)."""
    db = tmp_path / "laptop.db"
    store = make_programme(db)
    add_review(
        store,
        review_id="R2",
        title="Stop and search records",
        theme="stop_and_search",
        unit="Western BCU",
        start="2025-07-01",
        end="2025-07-04",
        actor="liaison.lead",
    )
    store.close()
    return db


ENABLERS = "Enablers this finding speaks to"


def _session(t: Terminal, method: str, day: str = "03/06/2025", place: str = "") -> None:
    """From the method menu to the first question (for methods that ask only date and place)."""
    t.choose("Which method?", method)
    t.type("Date of the session", day)
    t.type("Where", place)


def _answer(t: Terminal, notes: str, grade: str | None, *, good: bool = False) -> None:
    """Answer the question on screen: notes, grade, good practice, no concerns, 2 sources."""
    t.choose("What next?", "Answer this question")
    t.notes("Notes", notes)
    if grade:
        t.choose("Grade", grade)
    t.answer("Good practice", good)
    t.type("Concerns", "")
    t.type("sources", "2")
    _saved(t)


def _saved(t: Terminal, tick: bool = False) -> None:
    """Past the register links (offered when the theme or the words suggest some) and the
    enablers (the question's kept) to the save."""
    if t.child.expect_exact(["Link to register items", ENABLERS]) == 0:
        t.press((SPACE if tick else "") + "\r")
        t.see(ENABLERS)
    t.press("\r")
    t.see("Saved. Finding")


def _text(html: str) -> str:
    class Text(HTMLParser):
        parts: list[str] = []

        def handle_data(self, data):
            self.parts.append(data)

    parser = Text()
    parser.parts = []
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.mark.slow
def test_a_new_session_while_one_is_unfinished_and_a_focus_group_of_six(laptop, qam, tmp_path):
    morning = Terminal(laptop, "capture", "R1")
    _session(morning, "Direct observation", place="Northgate custody suite")
    morning.choose("What next?", "Stop")
    assert morning.finish() == 0

    afternoon = Terminal(laptop, "capture")
    afternoon.choose("Resume where you stopped?", "Start a new session")
    afternoon.see("Which review? (* = your assignments)")
    afternoon.see("* R1 · Custody handovers")
    afternoon.choose("Which review?", "R1 ·")
    afternoon.choose("Which method?", "Focus group")
    afternoon.type("Date of the session", "02/06/2026")  # a year out: questioned ...
    afternoon.see("is outside review R1's window (2 Jun 2025 to 13 Jun 2025)")
    afternoon.answer("Keep 2 Jun 2026?", False)
    afternoon.type("Date of the session", "04/06/2025")  # ... and typed again
    afternoon.type("Where", "Northgate briefing room")
    afternoon.type("How many people took part?", "6")
    afternoon.type("P1: role, unit", "5 × detention officer, custody")
    afternoon.choose("P6?", "Same as the previous one")
    afternoon.see("Question 1 of 10")
    afternoon.choose("What next?", "Answer this question")
    afternoon.notes("Notes", "Weekend staffing leaves little time for welfare checks")
    afternoon.choose("Grade", "Requires improvement")
    afternoon.answer("Good practice", False)
    afternoon.type("Concerns", "Weekend cover is thin")
    afternoon.type("sources", "6")
    _saved(afternoon)
    afternoon.choose("What next?", "Stop")
    assert afternoon.finish() == 0
    assert "No capture session" not in afternoon.screen and "Error" not in afternoon.screen

    listed = json.loads(qam("--db", str(laptop), "findings", "list", "--json").stdout)
    [group] = [f for f in listed if f["method"] == "focus_group"]
    assert group["head_count"] == 6 and group["held_on"] == "2025-06-04"
    assert group["place"] == "Northgate briefing room"
    assert [(p["code"], p["role"], p["unit"]) for p in group["participants"]] == [
        (f"P{i}", "detention officer", "custody") for i in range(1, 7)
    ]
    out = tmp_path / "reports"
    report = qam("--db", str(laptop), "report", "review", "R1", "--out", str(out))
    assert report.exit_code == 0, report.stderr
    text = _text(next(out.glob("*.html")).read_text(encoding="utf-8"))
    assert "Focus group, 6 detention officers, custody" in text
    assert "4 Jun 2025, Northgate briefing room" in text


@pytest.mark.slow
def test_killed_on_question_4_after_skipping_3_resumes_at_4(laptop):
    t = Terminal(laptop, "capture", "R1")
    _session(t, "Direct observation", place="Northgate custody suite")
    t.choose("What next?", "Answer this question")
    t.notes("Notes", "Risk briefing at handover seen twice")
    t.choose("Grade", "Good")
    t.answer("Good practice", True)
    t.type("Concerns", "")
    t.type("sources", "2")
    _saved(t, tick=True)
    _answer(t, "Detention reviews were on time", "Adequate")
    t.see("Question 3 of 10")
    t.choose("What next?", "Skip")
    t.see("Question 4 of 10")
    t.see("What next?")
    t.kill()  # the battery dies with question 4 on screen

    back = Terminal(laptop, "capture")
    back.choose("Resume where you stopped?", "Resume R1")
    back.see("Resuming at question 4 of 10 (answered ✓: 1, 2)")
    back.see("Question 4 of 10")
    back.choose("What next?", "Go to another question")
    back.see("✓ 1.")
    back.choose("Which question?", "3. ")
    back.see("Question 3 of 10")
    back.choose("What next?", "Answer this question")
    back.notes("Notes", "Victims' needs assessed at booking-in")
    back.answer("Good practice", False)
    back.type("Concerns", "")
    back.type("sources", "1")
    _saved(back)
    back.see("Question 4 of 10")
    back.choose("What next?", "Back to the previous question")
    back.see("Question 3 of 10 [vic-1]")
    back.see("✓ answered")
    back.choose("What next?", "Keep the saved answer")
    back.see("Question 4 of 10")
    back.choose("What next?", "Stop")
    back.see("3 of 10 answered")
    assert back.finish() == 0


@pytest.mark.slow
def test_every_capture_menu_choice(laptop, tmp_path):
    """Each choice of each menu of the guided capture, at least once, in real terminals."""
    # Interview (one interviewee), every grade, changing a saved answer, finalising.
    t = Terminal(laptop, "capture", "R1")
    t.choose("Which method?", "Interview")
    t.type("Date of the session", "05/06/2025")
    t.type("Where", "Custody office")
    t.type("Interviewee: role, unit", "custody sergeant, custody")
    grades = ["Outstanding", "Good", None, "Adequate", "Requires improvement", "Inadequate"]
    for number, grade in enumerate(grades, start=1):
        t.see(f"Question {number} of 10")
        t.choose("What next?", "Answer this question")
        t.notes("Notes", f"Interview notes {number}")
        if grade:
            t.choose("Grade", grade)
        t.answer("Good practice", number == 1)
        t.type("Concerns", "")
        t.type("sources", "")
        _saved(t, tick=number == 1)
    t.see("Question 7 of 10")
    t.choose("What next?", "Back to the previous question")
    t.choose("What next?", "Change the saved answer")
    t.notes("Notes", "Interview notes 6, corrected")
    t.choose("Grade", "Not assessed")
    t.answer("Good practice", False)
    t.type("Concerns", "")
    t.type("sources", "")
    _saved(t)
    for number in (7, 8, 9, 10):
        t.see(f"Question {number} of 10")
        t.choose("What next?", "Skip")
    t.answer("Finalise this session now?", True)
    t.see("finalised: 6 findings locked")
    assert t.finish() == 0

    # Participant observation, left open at the end; then resumed and stopped.
    t = Terminal(laptop, "capture", "R1", "--method", "participant_observation")
    t.type("Date of the session", "06/06/2025")
    t.type("Where", "")
    for number in range(1, 11):
        t.see(f"Question {number} of 10")
        t.choose("What next?", "Skip")
    t.answer("Finalise this session now?", False)
    t.see("Left open")
    assert t.finish() == 0

    # Document analysis: the document's title and fingerprint, never its content.
    document = tmp_path / "custody-policy.txt"
    document.write_text("Custody handover policy v3", encoding="utf-8")
    t = Terminal(laptop, "capture")
    t.choose("Resume where you stopped?", "Start a new session")
    t.choose("Which review?", "R2 ·")
    t.choose("Which method?", "Document analysis")
    t.type("Date of the session", "01/07/2025")
    t.type("Where", "HQ")
    t.type("Path of the document read", str(document))
    t.type("Document title", "Custody handover policy")
    t.see("Question 1 of 10")
    t.press("\x1b")  # Esc leaves, as Ctrl-C does
    assert t.finish() == 130
    assert "Stopped. Everything already saved is kept." in t.screen

    # A focus group whose people differ, entered one by one; then stopped at once.
    t = Terminal(laptop, "capture", "R1", "--method", "focus_group")
    t.type("Date of the session", "07/06/2025")
    t.type("Where", "Briefing room")
    t.type("How many people took part?", "4")
    t.type("P1: role, unit", "custody sergeant, custody")
    t.choose("P2?", "Someone with another role")
    t.type("P2: role, unit", "detention officer, custody")
    t.choose("P3?", "Same as the previous one")
    t.choose("P4?", "That's everyone")
    t.choose("What next?", "Stop")
    assert t.finish() == 0

    # A date outside the window, kept when the reviewer says so; a survey is refused.
    t = Terminal(laptop, "capture", "R2", "--method", "direct_observation")
    t.type("Date of the session", "September 2025")
    t.answer("Keep 1 Sep 2025?", True)
    t.type("Where", "")
    t.choose("What next?", "Stop")
    assert t.finish() == 0
    t = Terminal(laptop, "capture")
    t.choose("Resume where you stopped?", "Start a new session")
    t.choose("Which review?", "R1 ·")
    t.choose("Which method?", "Survey")
    t.see("Surveys are imported from their CSV")
    assert t.finish() == 1

    from qam.store import Store

    with Store.open(laptop) as store:
        from qam.fieldwork.sessions import all_sessions

        sessions = {s["method"]: s for s in all_sessions(store)}
    assert sessions["interview"]["finalised_at"]
    assert sessions["document_analysis"]["document_title"] == "Custody handover policy"
    assert [p["role"] for p in sessions["focus_group"]["participants"]] == [
        "custody sergeant",
        "detention officer",
        "detention officer",
    ]
    assert sessions["direct_observation"]["held_on"] == "2025-09-01"
