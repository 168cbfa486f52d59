"""The interactive status decision, driven through prompt_toolkit's pipe input."""

from __future__ import annotations

import json

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from qam.cli import fields, prompts

ITEMS = [
    {"ref": "REC-2023-011", "text": "Custody handovers in person"},
    {"ref": "AFI-2024-009", "text": "Return home interviews for missing children"},
]


def test_choose_item_by_part_of_its_text():
    with create_pipe_input() as pipe:
        pipe.send_text("missing\r")
        ask = prompts.TerminalPrompts(input=pipe, output=DummyOutput())
        assert prompts.choose_item(ask, ITEMS) == "AFI-2024-009"


def test_the_status_menu_shows_words_and_leaves_out_the_current_status():
    with create_pipe_input() as pipe:
        pipe.send_text("\x1b[B\r")  # the second status on offer
        ask = prompts.TerminalPrompts(input=pipe, output=DummyOutput())
        chosen = prompts.ask_missing(
            {"status": None, "reason": "r"},
            fields.status_decision({"status": "completed"})[:2],
            "recs status",
            ask,
        )
    menu = fields.status_decision({"status": "completed"})[0].choices
    assert [title for title, _ in menu][:2] == ["No further action", "Will not be progressed"]
    assert chosen["status"] == "will_not_be_progressed"


def test_interactive_status_decision(home, tracker, monkeypatch):
    home("recs", "import", str(tracker))
    monkeypatch.setattr(prompts, "interactive", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        # item by text, first status (completed), a reason, no evidence
        pipe.send_text("handovers\r\rEvidence pack accepted by the Custody Board\r\r")
        result = home("recs", "status")
    assert result.exit_code == 0, result.stderr
    history = json.loads(home("recs", "history", "AFI-2", "--json").stdout)
    assert history[-1]["new_status"] == "completed"
    assert history[-1]["reason"] == "Evidence pack accepted by the Custody Board"
    assert history[-1]["source"] == "cli"


def test_closing_an_item_asks_who_approved_it(home, tracker, monkeypatch):
    home("recs", "import", str(tracker))
    monkeypatch.setattr(prompts, "interactive", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("No budget this year\r\rACC Harper\r")
        result = home("recs", "status", "AFI-2", "will_not_be_progressed")
    assert result.exit_code == 0, result.stderr
    history = json.loads(home("recs", "history", "AFI-2", "--json").stdout)
    assert history[-1]["approver"] == "ACC Harper"


def test_ctrl_c_and_esc_at_a_prompt_stop_cleanly(home, tracker, monkeypatch, db_path, quick_escape):
    from register_helpers import snapshot

    home("recs", "import", str(tracker))
    before = snapshot(db_path)
    monkeypatch.setattr(prompts, "interactive", lambda: True)
    for key in ("\x03", "\x1b"):
        with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
            pipe.send_text(key)
            result = home("recs", "status", "AFI-2")
        assert result.exit_code == 130, (key, result.stderr)
        assert "Stopped. Everything already saved is kept." in result.stderr
    assert snapshot(db_path) == before
