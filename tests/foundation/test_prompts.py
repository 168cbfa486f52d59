"""The one prompt adapter: one cancel rule, one terminal check, one `ask_missing`.

Driven through prompt_toolkit's pipe input, as questionary's own tests do.
"""

from __future__ import annotations

import contextlib
import json

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from qam.cli import fields, prompts
from qam.cli.prompts import Field, TerminalPrompts, ask_missing
from qam.errors import RefusedError

DOWN = "\x1b[B"


@contextlib.contextmanager
def asking(keys: str):
    """Prompts that read these keys, as if typed."""
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        yield TerminalPrompts(input=pipe, output=DummyOutput())


def test_without_a_terminal_one_error_names_every_missing_flag(monkeypatch):
    monkeypatch.setattr(prompts, "interactive", lambda: False)
    with pytest.raises(RefusedError) as err:
        ask_missing({"id": "I09"}, fields.inspection(), "plan add-inspection")
    assert str(err.value) == (
        "Give --title, --kind, --theme, --expected "
        "(or run `qam plan add-inspection` in a terminal to be asked)."
    )


def test_flags_are_read_in_the_forces_words_without_asking(monkeypatch):
    monkeypatch.setattr(prompts, "interactive", lambda: False)
    given = {
        "id": " I09 ",
        "title": "Custody  thematic",
        "kind": "Thematic",
        "theme": "Stop and Search",
        "expected": "September 2027",
    }
    assert ask_missing(given, fields.inspection(), "plan add-inspection") == {
        "id": "I09",
        "title": "Custody thematic",
        "kind": "thematic",
        "theme": "stop_and_search",
        "expected": "2027-09-01",
    }


def test_a_refused_flag_is_asked_again_alone_in_a_terminal():
    with asking("\x15" + "06/02/2027\r") as ask:
        said = []
        ask.say = said.append
        answers = ask_missing(
            {
                "id": "I09",
                "title": "x",
                "kind": "peel",
                "theme": "custody",
                "expected": "31/02/2027",
            },
            fields.inspection(),
            "plan add-inspection",
            ask,
        )
    assert answers["expected"] == "2027-02-06"
    assert said == [
        "--expected 31/02/2027: '31/02/2027' is not a real date (day 31 of month 2 in 2027)."
    ]


def test_a_mistyped_value_is_asked_again_in_place_and_earlier_answers_stay():
    # id, title typed; kind from the menu; theme by typing part of its name; the date typed
    # wrong (refused in place), then right.
    keys = (
        "I09\rCustody thematic\r"
        + DOWN
        + "\r"
        + "Custody\r"
        + "31/02/2027\r"
        + "\x15"
        + "1/10/2027\r"
    )
    with asking(keys) as ask:
        answers = ask_missing({}, fields.inspection(), "plan add-inspection", ask)
    assert answers == {
        "id": "I09",
        "title": "Custody thematic",
        "kind": "thematic",
        "theme": "custody",
        "expected": "2027-10-01",
    }


def test_optional_fields_are_asked_only_when_something_else_is():
    asked = [Field("title", "Title:"), Field("note", "Note:", required=False)]
    assert ask_missing({"title": "given"}, asked, "x") == {"title": "given", "note": None}
    with asking("A title\r\r") as ask:
        assert ask_missing({}, asked, "x", ask) == {"title": "A title", "note": None}


def test_a_menu_value_is_never_none():
    with pytest.raises(ValueError, match="other than None"):
        TerminalPrompts()._choices([("Start a new session", None)])


@pytest.mark.parametrize("key", ["\x03", "\x1b"])
def test_ctrl_c_and_esc_leave_every_kind_of_prompt(key, quick_escape):
    for ask_one in (
        lambda a: a.select("Menu", [("One", 1), ("Two", 2)]),
        lambda a: a.text("Text"),
        lambda a: a.confirm("Yes?"),
        lambda a: a.checkbox("Tick", [("One", 1)]),
        lambda a: a.autocomplete("Unit", ["Eastern BCU"]),
    ):
        with asking(key) as ask, pytest.raises(KeyboardInterrupt):
            ask_one(ask)


def test_esc_then_enter_finishes_the_notes_rather_than_leaving():
    with asking("Seen twice\x1b\r") as ask:
        assert ask.text("Notes", multiline=True) == "Seen twice"


def test_sme_add_asks_for_what_its_flags_left_out(qam, monkeypatch):
    monkeypatch.setattr(prompts, "interactive", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        # id (the suggestion), role, unit, skills (tick the first two themes), unavailable
        pipe.send_text("\r" + "PC, Response\r" + "Eastern BCU\r" + " " + DOWN + " \r")
        pipe.send_text("01/03/2027..12/03/2027\r")
        result = qam("sme", "add", "--name", "Jo Marsh")
    assert result.exit_code == 0, result.stderr
    [sme] = json.loads(qam("sme", "list", "--json").stdout)
    assert (sme["id"], sme["role"], sme["unit"]) == ("SME01", "PC, Response", "Eastern BCU")
    assert len(sme["skills"]) == 2
    assert sme["unavailable"] == [["2027-03-01", "2027-03-12"]]


def test_reviews_add_asks_for_what_its_flags_left_out(qam, monkeypatch):
    monkeypatch.setattr(prompts, "interactive", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("Custody\r" + "Eastern BCU\r" + "02/06/2025\r" + "13/06/2025\r")
        pipe.send_text(" \r" + "sgt.eastern\r")  # one method ticked, a team of one
        result = qam("reviews", "add", "R1", "--title", "Custody handovers")
    assert result.exit_code == 0, result.stderr
    assert "Review R1 added (Custody and detention, Eastern BCU, 2 Jun 2025 to 13 Jun 2025)" in (
        result.stdout
    )
    [review] = json.loads(qam("reviews", "list", "--json").stdout)
    assert (review["theme"], review["start"], review["end"]) == (
        "custody",
        "2025-06-02",
        "2025-06-13",
    )
    assert review["methods"] == ["interview"] and review["team"] == ["sgt.eastern"]
