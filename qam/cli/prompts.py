"""The one questionary adapter: every prompt QAM shows goes through here.

Why one module: questionary's `.ask()` returns None on Ctrl-C, and a None must never reach
code that saves answers (it would overwrite a saved answer with nothing). Every function here
turns None into KeyboardInterrupt, which the CLI root turns into a clean exit 130. Tests drive
these prompts through prompt_toolkit's `create_pipe_input()` with `use_io(...)`.
"""

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

_io: dict = {}


@contextlib.contextmanager
def use_io(input=None, output=None) -> Iterator[None]:
    """Send every prompt to this prompt_toolkit input/output (tests, pexpect-free runs)."""
    old = dict(_io)
    _io.clear()
    if input is not None:
        _io["input"] = input
    if output is not None:
        _io["output"] = output
    try:
        yield
    finally:
        _io.clear()
        _io.update(old)


def _ask(question) -> Any:
    answer = question.unsafe_ask() if _io else question.ask(kbi_msg="")
    if answer is None:
        raise KeyboardInterrupt
    return answer


def _choices(choices: list[tuple[str, Any]], checked: set | None = None):
    import questionary

    return [
        questionary.Choice(title=title, value=value, checked=bool(checked and value in checked))
        for title, value in choices
    ]


def select(message: str, choices: list[tuple[str, Any]], default: Any = None) -> Any:
    """Pick one of `choices` ((title, value) pairs) with the arrow keys."""
    import questionary

    options = _choices(choices)
    chosen = next((c for c in options if c.value == default), None)
    return _ask(questionary.select(message, choices=options, default=chosen, **_io))


def text(
    message: str,
    default: str = "",
    *,
    multiline: bool = False,
    validate: Callable[[str], bool | str] | None = None,
    instruction: str | None = None,
) -> str:
    """A line (or, with `multiline`, a block finished by Esc then Enter) of text."""
    import questionary

    kwargs = dict(_io)
    if instruction:
        kwargs["instruction"] = instruction
    return _ask(
        questionary.text(
            message, default=default or "", multiline=multiline, validate=validate, **kwargs
        )
    )


def confirm(message: str, default: bool = True) -> bool:
    """Yes or no."""
    import questionary

    return bool(_ask(questionary.confirm(message, default=default, **_io)))


def checkbox(message: str, choices: list[tuple[str, Any]], checked: set | None = None) -> list:
    """Tick any number of `choices` with space, Enter to finish."""
    import questionary

    if not choices:
        return []
    return list(_ask(questionary.checkbox(message, choices=_choices(choices, checked), **_io)))


def say(message: str = "") -> None:
    """Plain output between prompts (to the prompts' own output when tests redirect it)."""
    import typer

    typer.echo(message)
