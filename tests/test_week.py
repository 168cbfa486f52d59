"""SCENARIOS.md walked through the real commands: planning, offline capture, merging, learning.

One test across every capability, as the README's "A week with QAM" tells a user to work, so a
change that breaks the hand-over between two capabilities fails here even when each
capability's own tests pass.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

from icalendar import Calendar

from qam.paths import data_dir

PLANS = data_dir("plans")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _text(path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


def _ok(result):
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def test_a_week_with_qam(qam, tmp_path):
    office = str(tmp_path / "programme.db")
    laptop = str(tmp_path / "laptop.db")

    def hq(*args):
        return _ok(qam("--db", office, "--as", "hcd.lead", *args))

    def sergeant(*args, input=None):
        return _ok(qam("--db", laptop, "--as", "Owen Pritchard", *args, input=input))

    # Monday: the Head of Corporate Development plans the next 18 months.
    hq("init", "--force-name", "Westshire Police")
    hq("recs", "import", str(PLANS / "register.csv"))
    hq("outcomes", "import", str(PLANS / "outcomes.csv"))
    hq("sme", "import", str(PLANS / "sme.csv"))
    candidates = json.loads(hq("plan", "candidates", "--from", str(PLANS), "--json").stdout)
    assert any(c["id"] == "R03" for c in candidates)
    hq("plan", "pin", "R03", "2027-06-07")
    hq("plan", "exclude", "SME05")
    proposal = json.loads(
        hq("plan", "solve", "--start", "2026-12-01", "--time-limit", "5", "--json").stdout
    )
    r03 = next(s for s in proposal["scheduled"] if s["review"] == "R03")
    assert r03["start"] == "2027-06-07" and "SME05" not in r03["team"]
    assert all(u["reason"] for u in proposal["unscheduled"])
    hq("plan", "accept")
    calendar = tmp_path / "programme.ics"
    hq("plan", "export", "--ics", str(calendar))
    events = [e for e in Calendar.from_ical(calendar.read_bytes()).walk("VEVENT")]
    assert len(events) == len(proposal["scheduled"])
    hq("sync", "export", str(tmp_path / "base.bundle"))

    # Wednesday: a reviewer captures offline on his laptop.
    sergeant("sync", "import", str(tmp_path / "base.bundle"))
    reviews = json.loads(sergeant("reviews", "list", "--json").stdout)
    assert "R03" in {r["id"] for r in reviews}
    handover = json.loads(sergeant("recs", "list", "--search", "handover", "--json").stdout)[0][
        "ref"
    ]
    answers = (
        "\n".join(
            json.dumps(a)
            for a in [
                {
                    "review": "R03",
                    "question": "vul-1",
                    "method": "direct_observation",
                    "grade": "good",
                    "sources": 2,
                    "good_practice": True,
                    "links": [handover],
                    "notes": "Detainee-risk briefing at handover covered every detainee; worth copying to other suites.",
                },
                {
                    "review": "R03",
                    "question": "off-1",
                    "method": "direct_observation",
                    "grade": "good",
                    "sources": 2,
                    "notes": "Reviews of detention were done in person and recorded.",
                },
            ]
        )
        + "\n"
    )
    saved = sergeant("capture", "--answers", "-", input=answers).stdout.split()
    assert saved.count("saved") == 2
    group = json.dumps(
        {
            "review": "R03",
            "question": "wf-1",
            "method": "focus_group",
            "grade": "requires_improvement",
            "sources": 6,
            "notes": "Weekend staffing leaves little time for welfare checks.",
            "participant": {"role": "detention officer", "unit": "custody"},
        }
    )
    sergeant("capture", "--answers", "-", input=group + "\n")
    sergeant(
        "recs", "status", handover, "completed", "--reason", "Handover briefing seen on every shift"
    )
    sergeant("sync", "export", str(tmp_path / "laptop.bundle"))

    # Meanwhile at headquarters the liaison lead records a different decision on the same item.
    hq(
        "recs",
        "status",
        handover,
        "will_be_progressed",
        "--reason",
        "Waiting for the weekend re-test",
    )

    # Friday: merging the week. The office enrols the laptop's key once, after the sergeant read
    # its fingerprint out; importing twice changes nothing; the clash waits for a person.
    shown = sergeant("sync", "key").stdout
    enrolled = hq("sync", "trust", str(tmp_path / "laptop.bundle"), "--yes").stdout
    assert shown.split("key: ")[1].split(" (")[0] in enrolled
    first = hq("sync", "import", str(tmp_path / "laptop.bundle")).stdout
    again = hq("sync", "import", str(tmp_path / "laptop.bundle")).stdout
    assert "0 added" in again and "0 added" not in first
    [conflict] = json.loads(hq("sync", "conflicts", "--json").stdout)
    assert conflict["item_ref"] == handover
    assert sorted(conflict["statuses"]) == ["completed", "will_be_progressed"]
    hq(
        "sync",
        "resolve",
        handover,
        "completed",
        "--reason",
        "QA review evidence: handovers now done in person",
    )
    assert json.loads(hq("sync", "conflicts", "--json").stdout) == []
    findings = json.loads(hq("findings", "list", "--review", "R03", "--json").stdout)
    assert len(findings) == 3

    # The following month: learning, not defending.
    out = tmp_path / "reports"
    hq("report", "review", "R03", "--out", str(out))
    [review_report] = out.glob("review-R03-*OFFICIAL-SENSITIVE.html")
    text = _text(review_report)
    assert "worth copying to other suites" in text and handover in text
    history = json.loads(hq("recs", "history", handover, "--json").stdout)
    assert history[-1]["new_status"] == "completed" and "in person" in history[-1]["reason"]
    summary = json.loads(hq("recs", "summary", "--json").stdout)
    assert summary["total"] == 39
    hq("report", "readiness", "--out", str(out))
    hq("report", "register", "--view", "public", "--out", str(out))
    public = _text(next(out.glob("register-public*.html")))
    assert "Handover" not in public and "in person" not in public
    assert "Chain head" in hq("audit", "verify").stdout
    assert "Chain head" in sergeant("audit", "verify").stdout
