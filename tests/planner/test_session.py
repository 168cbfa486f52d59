"""`qam plan` with no arguments: see, pin, exclude, re-solve, accept — driven two ways.

The loop itself is driven with scripted answers; the questionary adapter is driven through
prompt_toolkit's pipe input, as questionary's own tests do.
"""

from __future__ import annotations

import pytest

from qam.planner import session
from qam.planner.programme import Settings

SETTINGS = Settings(start="2026-12-01", time_limit=5.0)


class Scripted:
    """A `qam.prompter.Prompter` answering from a list; records what was shown.

    A menu's answer is a choice's value, or the start of its title ("R03:").
    """

    def __init__(self, answers):
        self.answers = list(answers)
        self.said, self.tables = [], []

    def say(self, text=""):
        self.said.append(text)

    def table(self, rows, columns, title):
        self.tables.append((title, rows))

    def select(self, message, choices, default=None):
        answer = self.answers.pop(0)
        values = [value for _, value in choices]
        if answer in values:
            return answer
        return next(value for title, value in choices if title.startswith(answer))

    def text(self, message, default="", *, multiline=False, validate=None, instruction=None):
        answer = self.answers.pop(0)
        verdict = validate(answer) if validate else True
        assert verdict is True, verdict
        return answer

    def confirm(self, message, default=True):
        return self.answers.pop(0)

    def checkbox(self, message, choices, checked=None):
        return self.answers.pop(0)


@pytest.fixture
def store_loaded(loaded, store):
    return store


def test_pin_exclude_resolve_accept(store_loaded):
    from qam.store import programme as programme_db

    ui = Scripted(
        [
            session.PIN,
            "R03:",
            "2027-06-14",
            session.EXCLUDE,
            "SME04:",
            session.ONE,
            "R03:",
            session.RESOLVE,
            session.ACCEPT,
            True,
        ]
    )
    done = session.run(store_loaded, ui, SETTINGS, actor="hcd")
    assert done and "R03" in done["reviews"]
    r03 = next(r for r in programme_db.reviews(store_loaded) if r["id"] == "R03")
    assert r03["start"] == "2027-06-14" and "SME04" not in r03["team"]
    assert any("pinned to start on Monday 14 June 2027" in s for s in ui.said)
    assert ui.tables[0][0].startswith("Proposed programme")
    assert any(title == "Not scheduled" for title, _ in ui.tables)


def test_a_refused_pin_is_explained_and_planning_continues(store_loaded):
    from qam.store import programme as programme_db

    ui = Scripted([session.PIN, "R03:", "2027-06-12", session.QUIT])
    assert session.run(store_loaded, ui, SETTINGS, actor="hcd") is None
    assert any(s.startswith("Not done:") and "not a working day" in s for s in ui.said)
    assert programme_db.reviews(store_loaded) == []


def test_accepting_after_changes_offers_to_resolve_first(store_loaded):
    ui = Scripted(
        [session.EXCLUDE, "SME12:", session.EVERY, session.ACCEPT, True, session.ACCEPT, True]
    )
    done = session.run(store_loaded, ui, SETTINGS, actor="hcd")
    from qam.store import programme as programme_db

    assert done and all("SME12" not in r["team"] for r in programme_db.reviews(store_loaded))


def test_the_questionary_adapter_through_pipe_input(store_loaded):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from qam.cli.prompts import TerminalPrompts
    from qam.store import programme as programme_db

    down, enter = "\x1b[B", "\r"
    with create_pipe_input() as inp:
        # "What next?" -> 5th choice (Accept), then confirm with y.
        inp.send_text(down * 4 + enter + "y")
        done = session.run(
            store_loaded, TerminalPrompts(input=inp, output=DummyOutput()), SETTINGS, actor="hcd"
        )
    assert done and len(programme_db.reviews(store_loaded)) == 16
