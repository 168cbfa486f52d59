"""Answering a record audit (from an answers file) and its results, checked against statsmodels."""

from __future__ import annotations

import json

import pytest
from statsmodels.stats.proportion import proportion_confint

from qam.fieldwork.sampling import Frame, draw_sample
from tests.evidence.helpers import review, set_up

ITEMS = ["Joint handover recorded", "Risk assessment reviewed at handover"]
SUITES = ("Eastgate", "Northgate", "Westfield")


@pytest.fixture
def sample(store):
    """R03 with 60 custody records drawn, 20 from each of three suites."""
    set_up(store)
    review(store, "R03")
    records = [(f"{s[0]}-{n:03d}", s) for s in SUITES for n in range(30)]
    frame = Frame("custody.csv", "ef" * 32, records, "Record", "Suite")
    return draw_sample(
        store, "R03", frame, seed=2027, actor="sgt.eastern", per_stratum=20, items=ITEMS
    )


def lines(sample, yes_per_suite=(15, 16, 10), na_first=0) -> str:
    """One answers line a record: `yes_per_suite` records of each suite have a joint handover;
    the first `na_first` records answer the second item not applicable."""
    out, seen = [], dict.fromkeys(SUITES, 0)
    for n, record in enumerate(sample["records"]):
        suite = record["stratum"]
        yes = seen[suite] < yes_per_suite[SUITES.index(suite)]
        seen[suite] += 1
        checks = {"1": "yes" if yes else "no", "2": "na" if n < na_first else "Yes"}
        out.append(json.dumps({"review": "R03", "record": record["id"], "checks": checks,
                               "notes": f"checked {n}"}))  # fmt: skip
    return "\n".join(out) + "\n"


def test_41_of_60_gives_the_rate_and_wilson_interval(sample, qam, tmp_path):
    answers = tmp_path / "audit.jsonl"
    answers.write_text(lines(sample, na_first=7), encoding="utf-8")
    result = qam("capture", "--answers", str(answers))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("saved ") == 60
    doc = json.loads(qam("sample", "results", "R03", "--json").stdout)
    overall = next(r for r in doc["results"] if r["item"] == ITEMS[0] and r["stratum"] is None)
    assert (overall["yes"], overall["no"], overall["na"]) == (41, 19, 0)
    assert (overall["rate"], overall["ci_low"], overall["ci_high"]) == (0.6833, 0.5577, 0.7869)
    low, high = proportion_confint(41, 60, method="wilson")
    assert (round(low, 4), round(high, 4)) == (overall["ci_low"], overall["ci_high"])
    westfield = next(
        r for r in doc["results"] if r["item"] == ITEMS[0] and r["stratum"] == "Westfield"
    )
    assert (westfield["yes"], westfield["no"]) == (10, 10)
    # Not applicable is left out of both the rate and its interval.
    second = next(r for r in doc["results"] if r["item"] == ITEMS[1] and r["stratum"] is None)
    assert (second["yes"], second["no"], second["na"]) == (53, 0, 7)
    low, high = proportion_confint(53, 53, method="wilson")
    assert (second["rate"], second["ci_low"], second["ci_high"]) == (
        1.0,
        round(low, 4),
        round(high, 4),
    )


def test_finalising_the_audit_states_each_item_as_a_finding(sample, qam, tmp_path, store):
    answers = tmp_path / "audit.jsonl"
    answers.write_text(lines(sample), encoding="utf-8")
    qam("capture", "--answers", str(answers))
    [session] = store.rows("SELECT id FROM capture_session WHERE method = 'record_audit'")
    result = qam("capture", "--finalise", session["id"])
    assert result.exit_code == 0, result.stderr
    found = json.loads(qam("findings", "list", "--review", "R03", "--json").stdout)
    notes = sorted(f["notes"] for f in found)
    assert notes[0].startswith(
        "Joint handover recorded: 41 of 60 records (68%, 95% CI 56–79%). By suite: "
        "Eastgate 15 of 20 records (75%"
    )
    assert {f["method"] for f in found} == {"record_audit"}
    assert {f["sources"] for f in found} == {60}
    assert all(f["question_id"] == "vul-1" and f["grade"] is None for f in found)


def test_a_record_can_be_checked_item_by_item_and_again(sample, store):
    from qam.fieldwork.record_audit import check_record, results
    from qam.fieldwork.sessions import open_session

    session = open_session(store, review_id="R03", method="record_audit", actor="sgt.eastern")
    first = sample["records"][0]["id"]
    check_record(store, session, first, {ITEMS[0]: "no"}, actor="sgt.eastern")
    check_record(store, session, first, {"2": "n/a"}, actor="sgt.eastern", notes="transfer")
    check_record(store, session, first, {"joint HANDOVER recorded": "yes"}, actor="sgt.eastern")
    doc = results(store, "R03")
    assert doc["checked"] == 1
    overall = {r["item"]: r for r in doc["results"] if r["stratum"] is None}
    assert (overall[ITEMS[0]]["yes"], overall[ITEMS[0]]["no"]) == (1, 0)
    assert overall[ITEMS[1]]["na"] == 1 and overall[ITEMS[1]]["rate"] is None
    trail = " ".join(r["new"] for r in store.rows("SELECT new FROM audit_log"))
    assert first not in trail and "transfer" not in trail


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"review": "R03", "record": "NOPE", "checks": {"1": "yes"}}, "not in review R03's sample"),
        ({"review": "R03", "record": "{first}", "checks": {"9": "yes"}}, "not an item"),
        ({"review": "R03", "record": "{first}", "checks": {"1": "maybe"}}, "yes, no or na"),
        ({"review": "R03", "record": "{first}", "checks": {}}, "at least one item"),
        (
            {"review": "R03", "record": "{first}", "checks": {"1": "yes"}, "grade": "good"},
            "unknown field 'grade'",
        ),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_saved(sample, qam, tmp_path, store, line, message):
    text = json.dumps(line).replace("{first}", sample["records"][0]["id"])
    answers = tmp_path / "bad.jsonl"
    answers.write_text(text + "\n", encoding="utf-8")
    result = qam("capture", "--answers", str(answers))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: line 1: ") and message in result.stderr
    assert store.conn.execute("SELECT count(*) FROM record_check").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM capture_session").fetchone()[0] == 0


def test_results_before_a_draw_say_how_to_draw(store, qam):
    set_up(store)
    review(store, "R03")
    result = qam("sample", "results", "R03")
    assert result.exit_code == 1 and "qam sample draw R03" in result.stderr


class Scripted:
    """A Prompter answering from a list; `said` keeps what the flow printed."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.said: list[str] = []

    def say(self, text=""):
        self.said.append(text)

    def _next(self, message):
        if not self.answers:
            raise KeyboardInterrupt  # as Ctrl-C: leave before anything is written
        return self.answers.pop(0)

    def select(self, message, choices, default=None):
        answer = self._next(message)
        return default if answer is None else answer

    def text(self, message, default="", **kw):
        answer = self._next(message)
        return default if answer is None else answer

    def confirm(self, message, default=True):
        return self._next(message)

    def checkbox(self, message, choices, checked=None):
        return self._next(message)


def test_guided_record_audit_saves_each_answer_and_resumes(sample, store):
    from qam.fieldwork.guided import guided
    from qam.fieldwork.record_audit import results

    first, second = sample["records"][0]["id"], sample["records"][1]["id"]
    ask = Scripted(
        [
            "2025-06-04", "Northgate custody suite",  # the session: date, place
            "check", "yes", "na", "Handover signed by both sergeants",  # record 1
            "check", "no",  # record 2: item 1 saved, then Ctrl-C at item 2
        ]
    )  # fmt: skip
    with pytest.raises(KeyboardInterrupt):
        guided(store, "sgt.eastern", ask, review="R03", method="record_audit")
    doc = results(store, "R03")
    assert doc["checked"] == 2  # the half-checked record kept its first answer
    from qam.store import record_audits as audits_db

    checks = audits_db.current_checks(store, sample["id"])
    assert checks[first]["checks"] == {ITEMS[0]: "yes", ITEMS[1]: "na"}
    assert checks[first]["notes"] == "Handover signed by both sergeants"
    assert checks[second]["checks"] == {ITEMS[0]: "no"}
    # Coming back: resume the session, at record 2 (not fully answered), then stop.
    ask = Scripted([None, "stop"])
    guided(store, "sgt.eastern", ask, review="R03", method="record_audit")
    assert any("Resuming at record 2" in line for line in ask.said)
    assert any(f"Record 2 of 60: {second}" in line for line in ask.said)


class Menu(Scripted):
    """Keeps the choices of each select, then leaves (as Ctrl-C) at the method menu."""

    def __init__(self):
        super().__init__([])
        self.menus: dict[str, list] = {}

    def select(self, message, choices, default=None):
        self.menus[message] = [value for _, value in choices]
        raise KeyboardInterrupt


def test_the_capture_offers_a_record_audit_once_there_is_a_sample(store):
    from qam.fieldwork.guided import guided

    set_up(store)
    review(store, "R03")
    before = Menu()
    with pytest.raises(KeyboardInterrupt):
        guided(store, "sgt.eastern", before, review="R03")
    assert "interview" in before.menus["Which method?"]
    assert "record_audit" not in before.menus["Which method?"]
    frame = Frame("custody.csv", "ab" * 32, [(f"C-{n}", None) for n in range(9)], "Record")
    draw_sample(store, "R03", frame, seed=1, actor="sgt.eastern", size=5, items=ITEMS)
    after = Menu()
    with pytest.raises(KeyboardInterrupt):
        guided(store, "sgt.eastern", after, review="R03")
    assert after.menus["Which method?"][-1] == "record_audit"
