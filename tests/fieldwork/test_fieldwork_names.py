"""A real name typed into free text is flagged before finalise and by `qam findings check` (case 32)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from fw_helpers import answer_line

from qam.errors import RefusedError
from qam.fieldwork.findings import correct, record_answer
from qam.fieldwork.names import matches
from qam.fieldwork.sessions import finalise, get_session, open_session, unfinished_sessions


@pytest.fixture
def named(programme):
    """SME 'Priya Shah' in the pool; a session with one clean and two risky findings."""
    now = datetime.now(UTC).isoformat()
    with programme.transaction():
        programme.conn.execute(
            "INSERT INTO sme (id, name, role, unit, updated_at) VALUES "
            "('S1', 'Priya Shah', 'Sergeant', 'Custody', ?)",
            [now],
        )
    session = open_session(programme, review_id="R1", method="direct_observation", actor="sgt")
    clean = record_answer(
        programme, session, question_id="vic-1", notes="The DS handover was thorough.", actor="sgt"
    )
    by_title = record_answer(
        programme,
        session,
        question_id="pub-1",
        notes="Sgt. Patel read the risk briefing",
        actor="sgt",
    )
    by_sme = record_answer(
        programme,
        session,
        question_id="vul-1",
        notes="Briefing covered risk",
        concerns="priya  shah was not told",
        actor="sgt",
    )
    return session, clean, by_title, by_sme


@pytest.mark.parametrize(
    "text, found",
    [
        ("Ch Insp Jones agreed", ["Ch Insp Jones"]),
        ("Mrs O'Neill and Dr Smith-Jones", ["Mrs O'Neill", "Dr Smith-Jones"]),
        ("PC Priya Shah saw it", ["PC Priya Shah"]),
        ("PCs and DCs were briefed; the PC said so", []),
        ("Mr A", []),
        ("custody sergeant Priya Shahid", []),
    ],
)
def test_the_patterns(text, found):
    from qam.fieldwork.names import _name_patterns

    assert matches(text, _name_patterns(["Priya Shah"])) == found


@pytest.mark.parametrize(
    "text, found",
    [
        ("Ring her on 07700 900123 or +44 7700 900123", ["07700 900123", "+44 7700 900123"]),
        ("Desk: 020 7946 0018, custody (0161) 496 0000", ["020 7946 0018", "(0161) 496 0000"]),
        ("Emailed jane.smith@westshire.police.uk.", ["jane.smith@westshire.police.uk"]),
        (
            "PC 1234 and PCSO 56 saw it; collar number 4455",
            ["PC 1234", "PCSO 56", "collar number 4455"],
        ),
        (
            "warrant no. 123456; Warrant card number AB1234",
            ["warrant no. 123456", "Warrant card number AB1234"],
        ),
        ("Lives at SW1A 1AA, near M1 1AE", ["SW1A 1AA", "M1 1AE"]),
        ("Called 101 and 999 on 13/06/2025; 45 of 120 records; Q1 2nd quarter", []),
        ("Ref REC-2014-002, 2019-2020 figures, 0.5 hours, 12 PCs on shift", []),
    ],
)
def test_identifiers_are_flagged_as_names_are(text, found):
    assert matches(text, []) == found


def test_findings_check_flags_a_phone_number_and_a_postcode(programme, qam):
    session = open_session(programme, review_id="R1", method="interview", actor="sgt")
    record_answer(programme, session, question_id="pub-1", notes="Victim at CF10 1AA", actor="sgt")
    record_answer(
        programme,
        session,
        question_id="vic-1",
        notes="Risk briefing covered",
        concerns="call back on 07700 900123",
        actor="sgt",
    )
    listed = json.loads(qam("findings", "check", "--json").stdout)
    assert sorted(w for f in listed for w in f["words"]) == ["07700 900123", "CF10 1AA"]


def test_finalise_refuses_possible_names_until_confirmed(programme, named):
    session, clean, by_title, by_sme = named
    with pytest.raises(RefusedError) as err:
        finalise(programme, session["id"], "sgt")
    message = str(err.value)
    assert by_title["id"] in message and "'Sgt. Patel'" in message
    assert by_sme["id"] in message and "'priya shah'" in message
    assert clean["id"] not in message
    assert "qam findings correct ID --notes" in message and "--confirm-names-checked" in message
    assert get_session(programme, session["id"])["finalised_at"] is None
    # Corrected to a role: no longer flagged. Confirmed: finalised, with the confirmation in the trail.
    correct(
        programme,
        by_title["id"],
        actor="sgt",
        reason="name removed",
        notes="The custody sergeant read it",
    )
    with pytest.raises(RefusedError, match="1 finding"):
        finalise(programme, session["id"], "sgt")
    locked = finalise(programme, session["id"], "sgt", names_checked=True)
    assert locked["finalised_at"]
    event = programme.conn.execute(
        "SELECT new FROM audit_log WHERE action = 'finalise' AND entity_id = ?", [session["id"]]
    ).fetchone()[0]
    assert json.loads(event)["names_checked"] == [by_sme["id"]]


def test_cli_finalise_and_findings_check(programme, named, qam):
    session, clean, by_title, by_sme = named
    refused = qam("capture", "--finalise", session["id"])
    assert refused.exit_code == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: Session") and by_title["id"] in lines[0]
    assert get_session(programme, session["id"])["finalised_at"] is None
    checked = json.loads(qam("findings", "check", "--review", "R1", "--json").stdout)
    assert {r["finding_id"]: r["words"] for r in checked} == {
        by_title["id"]: ["Sgt. Patel"],
        by_sme["id"]: ["priya shah"],
    }
    assert next(r for r in checked if r["finding_id"] == by_sme["id"])["fields"] == ["concerns"]
    table = qam("findings", "check")
    assert (
        table.exit_code == 0
        and "Sgt. Patel" in table.stdout
        and "qam findings correct" in table.stdout
    )
    assert qam("findings", "check", "--review", "NOPE").exit_code == 1
    ok = qam("capture", "--finalise", session["id"], "--confirm-names-checked")
    assert ok.exit_code == 0, ok.stderr


def test_check_is_quiet_when_clean(programme, qam):
    qam(
        "capture",
        "--answers",
        "-",
        input=answer_line("pub-1", notes="The custody sergeant briefed staff") + "\n",
    )
    assert json.loads(qam("findings", "check", "--json").stdout) == []
    assert "No possible names" in qam("findings", "check").stdout
    session = unfinished_sessions(programme)[0]
    assert qam("capture", "--finalise", session["id"]).exit_code == 0


def test_guided_finalise_asks_before_locking_names(programme, named):
    from qam.fieldwork.guided import _names_checked

    session = named[0]

    class Ask:
        def __init__(self, answer):
            self.answer, self.said = answer, []

        def say(self, text=""):
            self.said.append(text)

        def confirm(self, message, default=True):
            assert default is False and "Finalise anyway" in message
            return self.answer

    no = Ask(False)
    assert _names_checked(programme, no, session) is False
    assert any("Sgt. Patel" in line for line in no.said)
    assert _names_checked(programme, Ask(True), session) is True
