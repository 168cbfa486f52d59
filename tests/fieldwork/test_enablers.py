"""Enablers on findings: the question's by default, added or removed in capture, stored with
the finding, carried by bundles, shown and filtered (issue 17, item 1)."""

from __future__ import annotations

import json
import re

import pytest
from fw_helpers import answer_line, finding_ids, trust_bundle

from qam.fieldwork.findings import correct, get_finding, list_findings, record_answer
from qam.fieldwork.sessions import finalise, open_session
from qam.store import Store
from qam.sync.export import export_bundle
from qam.sync.merge import import_bundle

# In paf-2023, vul-1 is tagged Partnership and Culture; pub-1 Culture, Partnership, Technology.


def _capture(qam, *lines) -> list[str]:
    result = qam("capture", "--answers", "-", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.stderr
    return [line.split()[1] for line in result.stdout.splitlines() if line.startswith("saved ")]


def test_a_finding_takes_its_questions_enablers(programme, qam):
    [saved] = _capture(qam, answer_line("vul-1", notes="Referrals shared with the council"))
    assert get_finding(programme, saved)["enablers"] == ["partnership", "culture"]
    shown = qam("findings", "show", saved)
    assert shown.exit_code == 0 and "Enablers: Partnership, Culture" in shown.stdout


def test_answers_add_and_remove_enablers(programme, qam):
    removed, exact, added = _capture(
        qam,
        answer_line("vul-1", notes="Partners kept out of the loop", enablers=["-culture"]),
        answer_line("pub-1", notes="Body-worn video used", enablers=["Technology"]),
        answer_line("vic-1", notes="Victim updates", enablers=["+CULTURE"]),
    )
    assert get_finding(programme, removed)["enablers"] == ["partnership"]
    assert get_finding(programme, exact)["enablers"] == ["technology"]
    assert get_finding(programme, added)["enablers"] == ["leadership", "culture", "technology"]
    culture = qam("findings", "list", "--enabler", "culture", "--json")
    assert culture.exit_code == 0
    assert [f["id"] for f in json.loads(culture.stdout)] == [added]
    partnership = json.loads(qam("findings", "list", "--enabler", "Partnership", "--json").stdout)
    assert [f["id"] for f in partnership] == [removed]


@pytest.mark.parametrize(
    "enablers, words",
    [
        (["courage"], "'courage' is not an enabler"),
        (["+culture", "technology"], "not a mix"),
        ("culture", "'enablers' must be a list"),
        ([3], "'enablers' must be a list"),
    ],
)
def test_a_bad_enabler_names_the_line_and_writes_nothing(programme, qam, enablers, words):
    lines = [answer_line("vul-1"), answer_line("pub-1", enablers=enablers)]
    result = qam("capture", "--answers", "-", input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    [error] = result.stderr.strip().splitlines()
    assert error.startswith("Error: line 2: ") and words in error, error
    assert len(finding_ids(programme)) == 1  # line 1 saved as it was read, line 2 not


def test_the_list_filter_refuses_an_unknown_enabler(programme, qam):
    result = qam("findings", "list", "--enabler", "morale")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: 'morale' is not an enabler; the four are Leadership, Partnership, Culture, "
        "Technology."
    )


def test_guided_capture_removes_an_enabler(programme):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from qam.cli.prompts import TerminalPrompts
    from qam.fieldwork.guided import guided

    down = "\x1b[B"
    keys = [
        "\x15" + "03/06/2025\r",
        "Focus room 2\r",
        "6\r",
        "5 × detention officer, custody\r",
        "\r",
        "\r",
        "\r",  # question 1 (vul-1): answer it
        "Partners briefed, no shared culture of challenge\x1b\r",
        "\r",  # not assessed
        "n",
        "\r",
        "\r",
        "\r",  # no links
        down + down + " " + "\r",  # Partnership and Culture ticked: untick Culture
        down * 4 + "\r",  # question 2: stop
    ]
    with create_pipe_input() as inp:
        for k in keys:
            inp.send_text(k)
        guided(
            programme,
            "sgt.eastern",
            TerminalPrompts(input=inp, output=DummyOutput()),
            review="R1",
            method="focus_group",
        )
    [finding] = list_findings(programme)
    assert finding["question_id"] == "vul-1" and finding["enablers"] == ["partnership"]
    assert list_findings(programme, enabler="culture") == []


def test_a_correction_keeps_or_changes_the_enablers(programme):
    session = open_session(programme, review_id="R1", method="interview", actor="sgt")
    first = record_answer(programme, session, question_id="vul-1", notes="n", actor="sgt")
    finalise(programme, session["id"], "sgt")
    kept = correct(programme, first["id"], actor="sgt", reason="typo", notes="n2")
    assert kept["enablers"] == ["partnership", "culture"]
    changed = correct(programme, kept["id"], actor="sgt", reason="retagged", enablers=["-culture"])
    assert changed["enablers"] == ["partnership"]
    assert [f["enablers"] for f in list_findings(programme)] == [["partnership"]]


def test_a_finding_saved_before_enablers_reads_its_questions(programme):
    """A finding from before m011 has no enablers stored; readers take its question's."""
    session = open_session(programme, review_id="R1", method="interview", actor="sgt")
    saved = record_answer(programme, session, question_id="pub-1", notes="old", actor="sgt")
    from qam.store import findings as findings_db

    old = {**findings_db.finding(programme, saved["id"]), "enablers": None}
    old.update(id="00000000-0000-4000-8000-000000000099", supersedes=None, question_id="vul-1")
    old["good_practice"] = int(old["good_practice"])
    findings_db.save_finding(programme, old)
    assert get_finding(programme, old["id"])["enablers"] == ["partnership", "culture"]
    assert {f["id"] for f in list_findings(programme, enabler="culture")} == {
        saved["id"],
        old["id"],
    }


def test_bundles_carry_a_findings_enablers(programme, tmp_path):
    session = open_session(programme, review_id="R1", method="interview", actor="sgt")
    record_answer(
        programme, session, question_id="vul-1", notes="a", actor="sgt", enablers=["-culture"]
    )
    record_answer(
        programme, session, question_id="pub-1", notes="b", actor="sgt", enablers=["leadership"]
    )
    bundle = tmp_path / "laptop.qam-bundle"
    export_bundle(programme, bundle, actor="sgt")
    with Store.open(tmp_path / "other.db") as other:
        import_bundle(other, bundle, actor="lead")
        there = {f["question_id"]: f["enablers"] for f in list_findings(other)}
        again = tmp_path / "back.qam-bundle"
        export_bundle(other, again, actor="lead")
    assert there == {"vul-1": ["partnership"], "pub-1": ["leadership"]}
    trust_bundle(programme, again)  # the other store signs its bundle: enrol it first
    import_bundle(programme, again, actor="sgt")  # back again: nothing changes
    here = {f["question_id"]: f["enablers"] for f in list_findings(programme)}
    assert here == there and len(finding_ids(programme)) == 2


def _enabler_counts(html: str) -> dict[str, int]:
    """slug -> the Findings cell of the enabler table."""
    found = re.findall(
        r'<tr data-enabler="(\w+)"><th scope="row">[^<]*</th><td class="num">(\d+)</td>', html
    )
    return {slug: int(n) for slug, n in found}


def test_an_enabler_removed_in_capture_is_gone_from_every_report(programme, qam, tmp_path):
    from qam.reports.output import build, render_report

    _capture(
        qam,
        answer_line("vul-1", notes="Partners briefed", good_practice=True, enablers=["-culture"]),
        answer_line("pub-1", notes="Fair treatment seen", good_practice=True),
    )
    for kind, review in (("review", "R1"), ("programme", None), ("readiness", None)):
        template, report = build(programme, kind, review_id=review)
        counts = _enabler_counts(render_report(template, report))
        assert counts == {"leadership": 0, "partnership": 2, "culture": 1, "technology": 1}, kind
    out = tmp_path / "gp"
    result = qam("report", "good-practice", "--enabler", "Culture", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    [page] = out.glob("good-practice-culture-*.html")
    html = page.read_text(encoding="utf-8")
    assert "Fair treatment seen" in html and "Partners briefed" not in html
    assert "Enabler: Culture." in html
    wrong = qam("report", "good-practice", "--enabler", "bravery", "--out", str(out))
    assert wrong.exit_code == 1 and "'bravery' is not an enabler" in wrong.stderr


def test_enablers_are_tallied_on_some_questions_only(programme, qam):
    from qam.reports.enablers import tallies

    _capture(
        qam,
        answer_line("vul-1", notes="Partners briefed", enablers=["-culture"], grade="good"),
        answer_line("pub-1", notes="Fair treatment seen", concerns="Waits at the desk"),
    )
    found, total, untagged = tallies(programme, questions={("paf-2023", "vul-1")})
    assert (total, untagged) == (1, 0)
    assert {t.enabler: t.findings for t in found} == {
        "leadership": 0,
        "partnership": 1,
        "culture": 0,
        "technology": 0,
    }
    found, total, _ = tallies(programme)
    by = {t.enabler: t for t in found}
    assert total == 2 and by["culture"].concerns == 1 and by["partnership"].grades["good"] == 1


def test_a_correction_from_the_command_line_adds_and_removes_enablers(programme, qam):
    [saved] = _capture(qam, answer_line("vul-1", notes="Partners briefed"))
    result = qam(
        "findings", "correct", saved, "--reason", "retagged at moderation",
        "--remove-enabler", "Culture", "--add-enabler", "technology",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    [current] = json.loads(qam("findings", "list", "--json").stdout)
    assert current["supersedes"] == saved and current["enablers"] == ["partnership", "technology"]
    wrong = qam("findings", "correct", current["id"], "--reason", "x", "--add-enabler", "grit")
    assert wrong.exit_code == 1 and wrong.stderr.startswith("Error: 'grit' is not an enabler")
    assert [f["id"] for f in json.loads(qam("findings", "list", "--json").stdout)] == [
        current["id"]
    ]
