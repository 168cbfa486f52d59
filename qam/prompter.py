"""What a guided flow needs from whoever asks the questions: the one `Prompter` Protocol.

The planning session (`qam.planner.session`) and the guided capture (`qam.fieldwork.guided`)
are plain Python over this Protocol: they get answers as data and never import questionary.
The terminal's implementation is `qam.cli.prompts.TerminalPrompts`; tests give scripted
answers. Choices are (title, value) pairs whose value is never None (questionary hands back
a Choice's title in place of a None value).

Leaving (Ctrl-C, or Esc at any prompt but the notes) raises KeyboardInterrupt out of any
method below, before anything is written: a flow never sees a half answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

# A check on typed text: True when it will do, else the sentence shown under the prompt.
Check = Callable[[str], "bool | str"]


class Prompter(Protocol):
    def say(self, text: str = "") -> None:
        """A line of output between prompts."""

    def table(self, rows: list[dict], columns: list[tuple[str, str]], title: str) -> None:
        """Rows as a table; `columns` pairs a row key with its heading."""

    def select(self, message: str, choices: Sequence[tuple[str, Any]], default: Any = None) -> Any:
        """One of `choices` ((title, value) pairs); returns its value."""

    def text(
        self,
        message: str,
        default: str = "",
        *,
        multiline: bool = False,
        validate: Check | None = None,
        instruction: str | None = None,
    ) -> str:
        """A line (or with `multiline`, a block) of text; `validate` re-asks in place."""

    def confirm(self, message: str, default: bool = True) -> bool:
        """Yes or no."""

    def checkbox(
        self, message: str, choices: Sequence[tuple[str, Any]], checked: set | None = None
    ) -> list:
        """Any number of `choices`; returns their values."""


def check_with(parse: Callable[[str], object]) -> Check:
    """A `validate` from a parser that raises a QamError: its message is what is shown."""
    from qam.errors import QamError

    def check(text: str) -> bool | str:
        try:
            parse(text)
        except QamError as err:
            return str(err)
        return True

    return check
