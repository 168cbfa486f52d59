"""SCENARIOS.md walked end to end in real terminals, as the people in it would.

Monday the Head of Corporate Development adds an inspection and an area of interest at the
prompts (one date mistyped and asked again), plans interactively (a pin, an inspector away on
a course), accepts and exports. Wednesday a reviewer of the custody review, known on his
laptop by his name, captures offline; the battery dies mid-sentence and he resumes at the
question he was on; in the afternoon he records a focus group of six detention officers.
Friday the bundle is merged and the clash on one recommendation waits for a person. The
following month the reports are written.

Everything printed for a person is kept and checked: no code (`stop_and_search`,
`opcc_scrutiny`, `being_progressed`, `direct_observation` …) and no ISO date or timestamp is
ever shown. `--json` output is for scripts and is not part of that check.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from terminal import SPACE, Terminal

from qam.paths import data_dir

PLANS = data_dir("plans")
HCD = "Helen Carter"  # the Head of Corporate Development
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # a slug like stop_and_search
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _html_text(path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


class Week:
    """The people's terminals, and everything those terminals showed them."""

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.hq = tmp_path / "programme.db"
        self.laptop = tmp_path / "laptop.db"
        self.screens: list[tuple[str, str]] = []

    def run(self, db, *args: str, user: str = HCD, status: int = 0) -> Terminal:
        """A command that asks nothing, run to its end."""
        t = self.open(db, *args, user=user)
        assert t.finish() == status, t.screen
        return t

    def open(self, db, *args: str, user: str = HCD) -> Terminal:
        t = Terminal(db, *args, user=user, cwd=self.tmp, timeout=120)
        self.screens.append((" ".join(args), t))
        return t

    def codes_shown(self) -> list[str]:
        found = []
        for command, t in self.screens:
            screen = t.screen.replace(str(self.tmp), "")
            found += [f"{command}: {m}" for m in SNAKE.findall(screen) + ISO.findall(screen)]
        return found


def _monday(week: Week, qam) -> str:
    """Planning: returns the name of a reviewer on the custody review R03."""
    hq = week.hq
    week.run(hq, "init", "--force-name", "Westshire Police")
    week.run(hq, "recs", "import", str(PLANS / "register.csv"))
    week.run(hq, "outcomes", "import", str(PLANS / "outcomes.csv"))
    week.run(hq, "sme", "import", str(PLANS / "sme.csv"))
    week.run(hq, "plan", "import-inspections", str(PLANS / "inspections.csv"))
    week.run(hq, "plan", "import-aois", str(PLANS / "aois.csv"))
    week.run(hq, "plan", "import", str(PLANS / "candidates.csv"))

    t = week.open(hq, "plan", "add-inspection")
    t.type("Inspection id", "I09")
    t.type("Title, as HMICFRS names it", "Custody services thematic (second visit)")
    t.choose("Kind:", "Thematic")
    t.choose("Theme:", "Custody and detention")
    t.type("Expected:", "31/02/2028")  # no such day: asked again, alone
    t.see("not a real date")
    t.type("Expected:", "February 2028")
    t.see("expected 1 Feb 2028")
    assert t.finish() == 0
    t = week.open(hq, "plan", "add-aoi")
    t.type("Area of interest id", "A09")
    t.type("What was raised", "Call-handling times for 101")
    t.choose("Theme:", "Call handling")
    t.choose("Raised by:", "OPCC scrutiny")
    t.choose("Priority:", "4")
    t.type("When it was raised:", "14/10/2026")
    t.see("Area of interest A09")
    assert t.finish() == 0

    t = week.open(hq, "plan", "--start", "01/12/2026", "--time-limit", "10")
    t.see("Proposed programme")
    t.see("could not be scheduled")
    t.choose("What next?", "Pin a review")
    t.choose("Which review?", "R03:")
    t.type("Start on", "07/06/2027")  # the week after the refurbishment
    t.see("R03 is pinned to start on Monday 7 June 2027")
    t.choose("What next?", "Exclude an SME")
    t.choose("Which SME?", "SME04:")
    t.choose("Exclude them from", "Some dates")
    t.type("From", "01/03/2027")  # a course
    t.type("To", "12/03/2027")
    t.choose("What next?", "Re-solve")
    t.see("Mark Pendleton (SME04) for 1–12 Mar 2027")
    t.choose("What next?", "Accept this programme")
    t.answer("as the programme?", True)
    t.see("Accepted:")
    assert t.finish() == 0
    week.run(hq, "plan", "show")
    week.run(hq, "plan", "export", "--ics", "programme.ics", "--xlsx", "programme.xlsx")
    week.run(hq, "report", "programme", "--out", "reports")
    week.run(hq, "sync", "export", "base.bundle")

    reviews = {
        r["id"]: r for r in json.loads(qam("--db", str(hq), "reviews", "list", "--json").stdout)
    }
    assert reviews["R03"]["start"] == "2027-06-07"
    pool = {s["id"]: s for s in json.loads(qam("--db", str(hq), "sme", "list", "--json").stdout)}
    return pool[reviews["R03"]["team"][0]]["name"]


def _wednesday(week: Week, reviewer: str) -> None:
    laptop = week.laptop
    week.run(laptop, "sync", "import", "base.bundle", user=reviewer)
    t = week.open(laptop, "capture", user=reviewer)
    t.see("Which review? (* = your assignments)")
    t.see("* R03 · Custody")
    t.choose("Which review?", "R03 ·")
    t.choose("Which method?", "Direct observation")
    t.type("Date of the session", "08/06/2027")
    t.type("Where", "Eastbridge custody suite")
    t.see("Question 1 of 10")
    t.choose("What next?", "Answer this question")
    t.notes("Notes", "Detainee-risk briefing at every handover, worth copying to other suites")
    t.choose("Grade", "Good")
    t.answer("Good practice", True)
    t.type("Concerns", "")
    t.type("sources", "2")
    t.see("Link to register items")
    t.see("REC-2023-011")
    t.press(SPACE + "\r")  # the handover recommendation QAM suggests
    t.see("Enablers this finding speaks to")
    t.press("\r")  # the question's enablers kept
    t.see("Saved. Finding")
    t.choose("What next?", "Skip")
    t.see("Question 3 of 10")
    t.choose("What next?", "Answer this question")
    t.see("Notes")
    t.press("Victims' needs were recorded at booking-in, but the interpre")
    t.kill()  # the battery dies mid-sentence

    t = week.open(laptop, "capture", user=reviewer)
    t.choose("Resume where you stopped?", "Resume R03")
    t.see("Resuming at question 3 of 10 (answered ✓: 1)")
    t.choose("What next?", "Answer this question")
    t.notes("Notes", "Victims' needs were recorded at booking-in; an interpreter was booked")
    t.answer("Good practice", False)
    t.type("Concerns", "")
    t.type("sources", "1")
    if t.child.expect_exact(["Link to register items", "Enablers this finding"]) == 0:
        t.press("\r")
        t.see("Enablers this finding")
    t.press("\r")  # the question's enablers kept
    t.see("Saved. Finding")
    t.choose("What next?", "Stop")
    t.see("2 of 10 answered")
    assert t.finish() == 0

    t = week.open(laptop, "capture", user=reviewer)  # the afternoon's focus group
    t.choose("Resume where you stopped?", "Start a new session")
    t.choose("Which review?", "R03 ·")
    t.choose("Which method?", "Focus group")
    t.type("Date of the session", "08/06/2027")
    t.type("Where", "Eastbridge briefing room")
    t.type("How many people took part?", "6")
    t.type("P1: role, unit", "6 × detention officer, custody")
    t.choose("What next?", "Skip")
    t.choose("What next?", "Skip")
    t.see("Question 3 of 10")
    t.choose("What next?", "Go to another question")
    t.choose("Which question?", "Building, supporting")
    t.choose("What next?", "Answer this question")
    t.notes("Notes", "Weekend staffing leaves little time for welfare checks")
    t.choose("Grade", "Requires improvement")
    t.answer("Good practice", False)
    t.type("Concerns", "Weekend cover is thin")
    t.type("sources", "6")
    if t.child.expect_exact(["Link to register items", "Enablers this finding"]) == 0:
        t.press("\r")
        t.see("Enablers this finding")
    t.press("\r")  # the question's enablers kept
    t.see("Saved. Finding")
    t.choose("What next?", "Stop")
    assert t.finish() == 0

    t = week.open(laptop, "recs", "status", user=reviewer)
    t.type("Which item?", "handover between custody")
    t.choose("New status", "Completed")
    t.type("Reason for the decision", "Handover briefing seen on every shift observed")
    t.type("Evidence", "QA review R03, direct observation")
    t.see("REC-2023-011: Being progressed -> Completed")
    assert t.finish() == 0
    week.run(laptop, "capture", "--sessions", user=reviewer)
    week.run(laptop, "sync", "export", "laptop.bundle", user=reviewer)


def _friday(week: Week, reviewer: str) -> None:
    hq = week.hq
    week.run(
        hq,
        "recs",
        "status",
        "REC-2023-011",
        "Will be progressed",
        "--reason",
        "Waiting for the weekend re-test",
    )
    # The office enrols the laptop's key once (its fingerprint read out by the sergeant).
    enrolled = week.run(hq, "sync", "trust", "laptop.bundle", "--yes")
    assert "fingerprint" in enrolled.screen.lower()
    first = week.run(hq, "sync", "import", "laptop.bundle")
    assert "1 conflict." in first.screen and "CONFLICT REC-2023-011" in first.screen
    again = week.run(hq, "sync", "import", "laptop.bundle")
    assert ": 0 added" in again.screen
    shown = week.run(hq, "sync", "conflicts").screen
    assert reviewer in shown and HCD in shown
    assert "Being progressed -> Completed" in shown and "Waiting for the weekend" in shown
    assert "⚠ conflict" in week.run(hq, "recs", "list", "--search", "handover").screen
    assert "decided differently" in week.run(hq, "recs", "show", "REC-2023-011").screen
    week.run(
        hq,
        "sync",
        "resolve",
        "REC-2023-011",
        "Completed",
        "--reason",
        "QA review evidence: handovers now done in person",
    )


@pytest.mark.slow
def test_the_week_in_real_terminals(tmp_path, qam):
    week = Week(tmp_path)
    reviewer = _monday(week, qam)
    _wednesday(week, reviewer)
    _friday(week, reviewer)

    # The following month: learning, not defending.
    hq = week.hq
    week.run(hq, "findings", "list", "--review", "R03")
    week.run(hq, "recs", "history", "REC-2023-011")
    week.run(hq, "recs", "summary")
    week.run(hq, "reviews", "list")
    week.run(hq, "sme", "list")
    week.run(hq, "report", "review", "R03", "--out", "reports")
    week.run(hq, "report", "register", "--out", "reports")
    week.run(hq, "report", "readiness", "--out", "reports")

    findings = json.loads(
        qam("--db", str(hq), "findings", "list", "--review", "R03", "--json").stdout
    )
    [group] = [f for f in findings if f["method"] == "focus_group"]
    assert group["head_count"] == 6
    assert {(p["role"], p["unit"]) for p in group["participants"]} == {
        ("detention officer", "custody")
    }
    observed = [f for f in findings if f["method"] == "direct_observation"]
    assert {f["question_id"] for f in observed} == {"vul-1", "vic-1"}  # both answers kept
    [report] = (tmp_path / "reports").glob("review-R03-*.html")
    text = _html_text(report)
    assert "Focus group, 6 detention officers, custody" in text
    assert "worth copying to other suites" in text
    assert week.codes_shown() == [], "\n".join(week.codes_shown())
