"""The real `qam capture` in a pseudo-terminal: answer, get killed mid-question, resume.

Also the prompt adapter driven through prompt_toolkit's pipe input, and Ctrl-C at a prompt.
"""

from __future__ import annotations

import os
import signal

import pexpect
import pytest
from fw_helpers import finding_ids, make_programme
from terminal import spawn_qam

from qam.fieldwork.findings import get_finding, list_findings
from qam.fieldwork.sessions import unfinished_sessions

ENTER = "\r"
DOWN = "\x1b[B"
FINISH_NOTES = "\x1b\r"  # Esc then Enter ends a multi-line answer


def _spawn(db, *args) -> pexpect.spawn:
    env = {**os.environ, "QAM_DB": str(db), "QAM_USER": "sgt.eastern"}
    return spawn_qam(["capture", *args], env, timeout=30)


def _answer(child, notes: str, graded: bool) -> str:
    child.expect("What next")
    child.send(ENTER)
    child.expect("Notes")
    child.send(notes)
    child.send(FINISH_NOTES)
    if graded:
        child.expect("Grade")
        child.send(DOWN)  # from "Not assessed" default? no: move to a real grade below the default
        child.send(ENTER)
    child.expect("Good practice")
    child.send("n")
    child.expect("Concerns")
    child.send(ENTER)
    child.expect("sources")
    child.send(ENTER)
    child.expect("Link to register items")
    child.send(" ")  # tick the first suggestion
    child.send(ENTER)
    child.expect("Enablers this finding speaks to")
    child.send(ENTER)  # keep the question's
    child.expect(r"Saved\. Finding ([0-9a-f-]{36})")
    return child.match.group(1)


def _start_observation(tmp_path, place: str = ""):
    """A laptop store with review R1, and a real `qam capture` past the session questions."""
    db = tmp_path / "laptop.db"
    make_programme(db).close()
    child = _spawn(db, "R1", "--method", "direct_observation")
    child.expect("Date of the session")
    child.send("\x15" + "03/06/2025" + ENTER)  # inside the review's window
    child.expect("Where")
    child.send(place + ENTER)
    return db, child


def test_real_capture_killed_and_resumed(tmp_path):
    db, child = _start_observation(tmp_path, "Northgate custody suite")
    # A custody review meets its custody questions first (vul-1, off-1), both graded.
    first = _answer(child, "Risk briefing at handover seen twice", graded=True)
    second = _answer(child, "Detainees treated with respect", graded=True)
    child.expect("What next")
    child.send(ENTER)
    child.expect("Notes")
    child.send("half typed and then the battery di")
    child.kill(signal.SIGKILL)
    child.close()
    import qam.fieldwork  # noqa: F401
    from qam.store import Store

    with Store.open(db) as store:
        assert finding_ids(store) == {first, second}
        assert get_finding(store, first)["links"] == ["REC-HANDOVER"]
    child = _spawn(db)
    child.expect("Resume where you stopped")
    child.send(ENTER)
    child.expect("Resuming at question 3 of 10")
    third = _answer(child, "Cell checks logged on time", graded=False)  # vic-1 is not graded
    child.expect("What next")
    child.send(DOWN * 4)  # answer / skip / back / go to / stop
    child.send(ENTER)
    child.expect("Stopped")
    child.expect(pexpect.EOF)
    with Store.open(db) as store:
        assert finding_ids(store) == {first, second, third}
        assert store.integrity_ok()


def test_ctrl_c_at_a_prompt_keeps_the_saved_answer(tmp_path):
    db, child = _start_observation(tmp_path)
    first = _answer(child, "Saved notes", graded=True)
    child.expect("What next")
    child.send(DOWN * 2)  # back to question 1
    child.send(ENTER)
    child.expect("What next")
    child.send(ENTER)  # change the saved answer...
    child.expect("Notes")
    child.send("\x03")  # ...then Ctrl-C
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    from qam.store import Store

    with Store.open(db) as store:
        assert finding_ids(store) == {first}
        assert get_finding(store, first)["notes"] == "Saved notes"


def test_guided_flow_through_pipe_input(programme):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from qam.cli.prompts import TerminalPrompts
    from qam.fieldwork.guided import guided

    keys = [
        "02/06/2026\r",  # a year after the review's window ...
        "n",  # ... so QAM asks; not kept
        "\x15" + "03/06/2025\r",  # cleared and typed again, day first
        "Focus room 2\r",
        "6\r",
        "5 × detention officer, custody\r",
        "\r",  # P6: same as the previous one
        "\r",  # session
        "\r",
        "Told of rights\x1b\r",
        "\r",
        "y",
        "\r",
        "2\r",
        "\r",  # question 1: not assessed, no link
        "\r",  # the question's enablers kept
        DOWN * 4 + "\r",  # question 2: stop
    ]
    with create_pipe_input() as inp:
        for k in keys:
            inp.send_text(k)
        ask = TerminalPrompts(input=inp, output=DummyOutput())
        guided(programme, "sgt.eastern", ask, review="R1", method="focus_group")
    [session] = unfinished_sessions(programme)
    assert session["held_on"] == "2025-06-03" and session["place"] == "Focus room 2"
    assert session["head_count"] == 6
    assert session["participants"] == [
        {"code": f"P{i}", "role": "detention officer", "unit": "custody"} for i in range(1, 7)
    ]
    [finding] = list_findings(programme)
    assert (
        finding["notes"] == "Told of rights"
        and finding["good_practice"]
        and finding["sources"] == 2
    )


def test_prompt_none_becomes_keyboard_interrupt():
    from prompt_toolkit.key_binding import KeyBindings

    from qam.cli.prompts import TerminalPrompts

    class Cancelled:
        application = type("App", (), {"key_bindings": KeyBindings()})()

        def unsafe_ask(self):
            return None

    with pytest.raises(KeyboardInterrupt):
        TerminalPrompts()._ask(Cancelled())
