"""Capture: answers committed one by one, revisions and corrections as new versions, bad lines."""

from __future__ import annotations

import json
import sqlite3

import pytest
from fw_helpers import answer_line, finding_ids
from hypothesis import given, settings
from hypothesis import strategies as st

from qam.errors import ImportFileError, QamError, RefusedError
from qam.fieldwork.answers import parse_line
from qam.fieldwork.findings import correct, get_finding, list_findings, record_answer
from qam.fieldwork.links import suggest_links
from qam.fieldwork.sessions import (
    finalise,
    open_session,
    resume_index,
    session_questions,
    session_set,
    unfinished_sessions,
)


def test_answers_commit_each_and_share_one_session(programme, qam):
    lines = (
        "\n".join(
            [
                answer_line(
                    "pub-1",
                    grade="good",
                    good_practice=True,
                    sources=2,
                    links=["REC-HANDOVER"],
                    participant={"role": "detention officer", "unit": "custody"},
                ),
                answer_line("vic-1", notes="Victims told of next steps"),
            ]
        )
        + "\n"
    )
    result = qam("capture", "--answers", "-", input=lines)
    assert result.exit_code == 0, result.stderr
    saved = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("saved ")]
    assert len(saved) == 2 and set(saved) == finding_ids(programme)
    assert len(unfinished_sessions(programme)) == 1
    first = get_finding(programme, saved[0])
    assert first["links"] == ["REC-HANDOVER"] and first["good_practice"] is True
    assert first["participant_role"] == "detention officer" and first["grade"] == "good"
    events = programme.conn.execute(
        "SELECT count(*) FROM audit_log WHERE entity = 'finding'"
    ).fetchone()[0]
    assert events == 2


@pytest.mark.parametrize(
    "bad, words",
    [
        ("not json", "line 2: not a JSON object"),
        (answer_line("zzz-9"), "line 2: Question 'zzz-9'"),
        (
            json.dumps(
                {"review": "NOPE", "question": "pub-1", "method": "interview", "notes": "x"}
            ),
            "line 2: No review 'NOPE'",
        ),
        (answer_line("pub-1", grade="brilliant"), "line 2: Grade 'brilliant'"),
        (answer_line("pub-1", links=["REC-NOPE"]), "line 2: Register item 'REC-NOPE'"),
        (answer_line("pub-1", method="telepathy"), "line 2: method 'telepathy'"),
        (answer_line("vic-1", grade="good"), "line 2: Question vic-1 is not graded"),
    ],
)
def test_bad_line_refused_with_its_number_earlier_answers_kept(programme, qam, bad, words):
    before_sessions = programme.conn.execute("SELECT count(*) FROM capture_session").fetchone()[0]
    result = qam(
        "capture",
        "--answers",
        "-",
        input=answer_line("pub-1") + "\n" + bad + "\n" + answer_line("vic-1") + "\n",
    )
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and words in errors[0], result.stderr
    assert len(finding_ids(programme)) == 1  # the first line stays saved, nothing after the bad one
    assert (
        programme.conn.execute("SELECT count(*) FROM capture_session").fetchone()[0]
        == before_sessions + 1
    )


def test_bad_first_line_writes_nothing(programme, qam):
    result = qam("capture", "--answers", "-", input=answer_line("zzz-9") + "\n")
    assert result.exit_code == 1
    assert programme.conn.execute("SELECT count(*) FROM capture_session").fetchone()[0] == 0


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.binary().map(lambda b: b.decode("latin-1")),
        st.dictionaries(
            st.sampled_from(
                [
                    "review",
                    "question",
                    "method",
                    "notes",
                    "grade",
                    "sources",
                    "links",
                    "participant",
                    "good_practice",
                    "x",
                ]
            ),
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.text(),
                lambda c: st.lists(c) | st.dictionaries(st.text(), c),
                max_leaves=5,
            ),
        ).map(json.dumps),
    )
)
def test_parser_raises_only_qam_errors(text):
    try:
        parse_line(text, 7)
    except ImportFileError as err:
        assert str(err).startswith("line 7")
    except QamError:
        pass


def test_revision_supersedes_and_finalise_locks(programme):
    session = open_session(programme, review_id="R1", method="direct_observation", actor="sgt")
    first = record_answer(
        programme, session, question_id="pub-1", notes="first", actor="sgt", grade="good"
    )
    second = record_answer(
        programme, session, question_id="pub-1", notes="second", actor="sgt", grade="adequate"
    )
    assert second["supersedes"] == first["id"]
    assert [f["id"] for f in list_findings(programme)] == [second["id"]]
    assert len(list_findings(programme, include_superseded=True)) == 2
    assert resume_index(programme, session) == 0  # vic-1 (the first question) is unanswered
    finalise(programme, session["id"], "sgt")
    with pytest.raises(RefusedError, match="finalised"):
        record_answer(programme, session, question_id="vic-1", notes="late", actor="sgt")
    with pytest.raises(sqlite3.DatabaseError, match="never changed in place"):
        programme.conn.execute("UPDATE finding SET notes = 'edited' WHERE id = ?", [second["id"]])
    with pytest.raises(RefusedError, match="reason"):
        correct(programme, second["id"], actor="sgt", reason=" ", notes="x")
    fixed = correct(programme, second["id"], actor="sgt", reason="miscounted", notes="third")
    assert (
        fixed["supersedes"] == second["id"]
        and fixed["notes"] == "third"
        and fixed["grade"] == "adequate"
    )
    with pytest.raises(RefusedError, match="already replaced"):
        correct(programme, second["id"], actor="sgt", reason="again", notes="x")
    reasons = [
        r[0]
        for r in programme.conn.execute("SELECT reason FROM audit_log WHERE action = 'correct'")
    ]
    assert reasons == ["miscounted"]


def test_each_revision_supersedes_the_one_before_by_one_indexed_lookup(programme):
    """Answering a question again replaces the current answer to that question alone, found
    through the (session, question) index: no scan of the session however long it grows."""
    from qam.store.findings import CURRENT_ANSWER, current_answer_id

    session = open_session(programme, review_id="R1", method="direct_observation", actor="sgt")
    other = record_answer(programme, session, question_id="vic-1", notes="victims", actor="sgt")
    chain = [
        record_answer(programme, session, question_id="pub-1", notes=f"take {i}", actor="sgt")
        for i in range(6)
    ]
    assert [f["supersedes"] for f in chain] == [None] + [f["id"] for f in chain[:-1]]
    assert current_answer_id(programme, session["id"], "pub-1") == chain[-1]["id"]
    assert current_answer_id(programme, session["id"], "vic-1") == other["id"]
    assert current_answer_id(programme, session["id"], "wf-1") is None
    plan = " ".join(
        r[3]
        for r in programme.conn.execute(
            f"EXPLAIN QUERY PLAN {CURRENT_ANSWER}", [session["id"], "pub-1"]
        )
    )
    assert "finding_session_question (session_id=? AND question_id=?)" in plan
    assert "SCAN f" not in plan and "TEMP B-TREE" not in plan


def test_findings_cli_list_search_show_correct(programme, qam):
    qam(
        "capture",
        "--answers",
        "-",
        input=answer_line("pub-1", notes="Supervisors review search records weekly") + "\n",
    )
    found = json.loads(qam("findings", "list", "--search", "records", "--json").stdout)
    assert len(found) == 1
    assert json.loads(qam("findings", "list", "--search", "handover", "--json").stdout) == []
    shown = json.loads(qam("findings", "show", found[0]["id"], "--json").stdout)
    assert shown["notes"].startswith("Supervisors")
    result = qam(
        "findings",
        "correct",
        found[0]["id"],
        "--notes",
        "Monthly, not weekly",
        "--reason",
        "checked the log",
    )
    assert result.exit_code == 0 and "Saved." in result.stdout
    assert (
        json.loads(qam("findings", "list", "--search", "monthly", "--json").stdout)[0]["supersedes"]
        == found[0]["id"]
    )
    assert qam("findings", "show", "nope").exit_code == 1


def test_reviews_list_and_add(programme, qam):
    rows = json.loads(qam("reviews", "list", "--json").stdout)
    assert {"id", "theme", "unit", "start", "end", "question_set"} <= set(rows[0])
    result = qam(
        "reviews",
        "add",
        "R2",
        "--title",
        "Stop and search",
        "--theme",
        "stop_and_search",
        "--unit",
        "Western BCU",
        "--start",
        "2025-07-01",
        "--end",
        "2025-07-04",
        "--method",
        "document_analysis",
    )
    assert result.exit_code == 0
    bad = qam(
        "reviews",
        "add",
        "R3",
        "--title",
        "x",
        "--theme",
        "nonsense",
        "--unit",
        "u",
        "--start",
        "2025-07-01",
        "--end",
        "2025-07-04",
    )
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: --theme: 'nonsense' is not a theme")


def test_link_suggestions_by_theme_then_words(programme):
    ranked = suggest_links(programme, theme="custody", notes="Handovers lacked a risk briefing")
    assert ranked[0]["ref"] == "REC-HANDOVER" and "theme" in ranked[0]["why"]
    by_words = suggest_links(programme, theme="vetting", notes="search records lacked grounds")
    assert by_words[0]["ref"] == "AFI-SEARCH"


def test_document_analysis_keeps_title_and_hash_not_content(programme, tmp_path):
    doc = tmp_path / "custody-policy.pdf"
    doc.write_bytes(b"SECRET CONTENT of the policy")
    session = open_session(
        programme, review_id="R1", method="document_analysis", actor="sgt", document=doc
    )
    import hashlib

    assert session["document_title"] == "custody-policy.pdf"
    assert session["document_hash"] == hashlib.sha256(b"SECRET CONTENT of the policy").hexdigest()
    assert b"SECRET CONTENT" not in programme.path.read_bytes()


def test_survey_import_counts(programme, tmp_path, qam):
    csv = tmp_path / "survey.csv"
    csv.write_text(
        "respondent,role,unit,pub-1,vic-1\n1,detention officer,custody,Good,Told me what next\n"
        "2,sergeant,custody,requires_improvement,\n3,detention officer,custody,good,No update\n",
        encoding="utf-8",
    )
    result = qam("findings", "import-survey", "R1", str(csv))
    assert result.exit_code == 0, result.stderr
    rows = {f["question_id"]: f for f in list_findings(programme)}
    assert rows["pub-1"]["grade_counts"] == {"good": 2, "requires_improvement": 1}
    assert rows["pub-1"]["responses"] == 3 and rows["vic-1"]["responses"] == 2
    assert "No update" in rows["vic-1"]["notes"]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,pub-1\nJohn Smith,good\n", encoding="utf-8")
    before = finding_ids(programme)
    result = qam("findings", "import-survey", "R1", str(bad))
    assert (
        result.exit_code == 1
        and "column that is not a question: 'name'" in result.stderr
        and finding_ids(programme) == before
    )


def test_finalise_cli_and_sessions(programme, qam):
    qam("capture", "--answers", "-", input=answer_line() + "\n")
    session = unfinished_sessions(programme)[0]
    result = qam("capture", "--finalise", session["id"])
    assert result.exit_code == 0 and "finalised" in result.stdout
    again = qam("capture", "--finalise", session["id"])
    assert again.exit_code == 1 and "already finalised" in again.stderr


def test_a_review_meets_the_questions_on_its_theme_first(programme):
    session = open_session(programme, review_id="R1", method="interview", actor="sgt.eastern")
    order = [q.id for q in session_questions(programme, session)]
    on_theme = [q.id for q in session_set(programme, session).questions if "custody" in q.themes]
    assert on_theme and order[: len(on_theme)] == on_theme
    assert sorted(order) == sorted(q.id for q in session_set(programme, session).questions)
    record_answer(
        programme, session, question_id=order[0], notes="Handover seen", actor="sgt.eastern"
    )
    assert resume_index(programme, session) == 1
