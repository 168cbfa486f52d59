"""The real `qam` in a pseudo-terminal, driven as a person drives it (pexpect).

Menus are answered by typing part of an entry's words (the menus filter as you type) and
Enter; text prompts are cleared first (Ctrl-U), so a default never mixes with what is typed.
Everything the program printed is kept in `screen`, escape sequences removed, so a test can
check what a person was shown.
"""

from __future__ import annotations

import io
import os
import re
import signal
import sys

import pexpect

ENTER, DOWN, UP, SPACE = "\r", "\x1b[B", "\x1b[A", " "
CLEAR_LINE = "\x15"
FINISH_NOTES = "\x1b\r"  # Esc then Enter ends the multi-line notes
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\r")


def plain(text: str) -> str:
    """Terminal output without its escape sequences."""
    return _ESCAPES.sub("", text)


_WHERE_IS_THE_CURSOR = "\x1b[6n"


class TerminalChild(pexpect.spawn):
    """A pexpect child whose terminal answers "where is the cursor?" as xterm does.

    prompt_toolkit asks (ESC [6n) as it draws each prompt and, when no answer comes, waits a
    full second for one as the prompt ends: a second per question that no person at a real
    terminal ever waits. The answer is the bottom row, column 1: a terminal whose output has
    scrolled, as a person's has after a few commands (so no blank space is kept below).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._rows = kwargs.get("dimensions", (24, 80))[0]
        self._tail = ""

    def read_nonblocking(self, size=1, timeout=-1):
        incoming = super().read_nonblocking(size, timeout)
        seen = self._tail + incoming  # a request may arrive split across two reads
        for _ in range(seen.count(_WHERE_IS_THE_CURSOR)):
            self.send(f"\x1b[{self._rows};1R")
        self._tail = seen.rpartition(_WHERE_IS_THE_CURSOR)[2][-(len(_WHERE_IS_THE_CURSOR) - 1) :]
        return incoming


def spawn_qam(args, env: dict, *, timeout: int, cwd=None, answers_cursor: bool = True):
    """`python -m qam ARGS` in a 160×50 pseudo-terminal (answering cursor requests, or not)."""
    return (TerminalChild if answers_cursor else pexpect.spawn)(
        sys.executable,
        ["-m", "qam", *args],
        env={**env, "TERM": "xterm", "COLUMNS": "160", "LINES": "50"},
        encoding="utf-8",
        timeout=timeout,
        dimensions=(50, 160),
        cwd=str(cwd) if cwd else None,
    )


class Terminal:
    """One `qam ARGS` run in a 160×50 pseudo-terminal, as QAM_USER `user` on store `db`."""

    def __init__(self, db, *args: str, user: str = "sgt.eastern", timeout: int = 60, cwd=None):
        env = {**os.environ, "QAM_DB": str(db), "QAM_USER": user}
        self.log = io.StringIO()
        # Not answering cursor requests: these walks `see` a prompt again after a refused
        # answer, which only happens when prompt_toolkit gives up waiting for an answer (two
        # seconds in) and redraws the whole prompt. Answering, as TerminalChild does, would
        # save about a second per question once the walks stop relying on that redraw.
        self.child = spawn_qam(args, env, timeout=timeout, cwd=cwd, answers_cursor=False)
        self.child.logfile_read = self.log

    @property
    def screen(self) -> str:
        return plain(self.log.getvalue())

    def expect(self, pattern: str) -> str:
        """Wait for a regular expression; returns the text it matched."""
        self.child.expect(pattern)
        return self.child.after if isinstance(self.child.after, str) else ""

    def see(self, text: str) -> None:
        """Wait for these exact words."""
        self.child.expect_exact(text)

    def choose(self, menu: str, entry: str) -> None:
        """At the menu asking `menu`, pick the entry whose words contain `entry`."""
        self.see(menu)
        self.child.send(entry)
        self.child.send(ENTER)

    def move(self, menu: str, steps: int) -> None:
        """At the menu asking `menu`, go `steps` entries down and pick it."""
        self.see(menu)
        self.child.send(DOWN * steps + ENTER)

    def type(self, prompt: str, text: str) -> None:
        """At the prompt `prompt`, replace whatever is there with `text` and press Enter."""
        self.see(prompt)
        self.child.send(CLEAR_LINE + text + ENTER)

    def notes(self, prompt: str, text: str) -> None:
        self.see(prompt)
        self.child.send(CLEAR_LINE + text + FINISH_NOTES)

    def answer(self, prompt: str, yes: bool) -> None:
        self.see(prompt)
        self.child.send("y" if yes else "n")

    def press(self, keys: str) -> None:
        self.child.send(keys)

    def kill(self) -> None:
        """The battery dies: SIGKILL, no clean-up."""
        self.child.kill(signal.SIGKILL)
        self.child.close()

    def finish(self) -> int:
        """Wait for the program to end; its exit status."""
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus
