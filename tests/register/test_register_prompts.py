"""The interactive status decision, driven through prompt_toolkit's pipe input."""

from __future__ import annotations

import json

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from qam.cli import prompts_register

ITEMS = [
    {"ref": "REC-2023-011", "text": "Custody handovers in person"},
    {"ref": "AFI-2024-009", "text": "Return home interviews for missing children"},
]


def test_choose_item_by_part_of_its_text():
    with create_pipe_input() as pipe:
        pipe.send_text("missing\r")
        assert (
            prompts_register.choose_item(ITEMS, input=pipe, output=DummyOutput()) == "AFI-2024-009"
        )


def test_choose_status_skips_the_current_one():
    with create_pipe_input() as pipe:
        pipe.send_text("\x1b[B\r")  # down once from 'completed' skips the disabled current status
        chosen = prompts_register.choose_status(
            "no_further_action",
            ("completed", "no_further_action", "being_progressed"),
            input=pipe,
            output=DummyOutput(),
        )
    assert chosen == "being_progressed"


def test_interactive_status_decision(home, tracker, monkeypatch):
    home("recs", "import", str(tracker))
    monkeypatch.setattr(prompts_register, "interactive", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        # item by text, first status (completed), a reason, no evidence
        pipe.send_text("handovers\r\rEvidence pack accepted by the Custody Board\r\r")
        result = home("recs", "status")
    assert result.exit_code == 0, result.stderr
    history = json.loads(home("recs", "history", "AFI-2", "--json").stdout)
    assert history[-1]["new_status"] == "completed"
    assert history[-1]["reason"] == "Evidence pack accepted by the Custody Board"
    assert history[-1]["source"] == "cli"


def test_ctrl_c_at_a_prompt_stops_cleanly(home, tracker, monkeypatch, db_path):
    from register_helpers import snapshot

    home("recs", "import", str(tracker))
    before = snapshot(db_path)
    monkeypatch.setattr(prompts_register, "interactive", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("\x03")
        result = home("recs", "status", "AFI-2")
    assert result.exit_code == 130 and "Stopped" in result.stderr
    assert snapshot(db_path) == before
