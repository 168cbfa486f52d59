"""The prompts of `qam recs status`, behind one adapter so the domain only sees plain answers.

questionary is imported inside each function (keeps `qam --help` fast). Each function takes
optional `input`/`output` so tests drive it with prompt_toolkit's pipe input. A prompt the
user leaves with Ctrl-C returns None from questionary; we turn that into `typer.Abort`, which
the CLI root reports as "Stopped" with exit 130.
"""

import sys

import typer


def interactive() -> bool:
    """True when a person is at the keyboard (stdin and stdout are terminals)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _io(input, output) -> dict:
    kwargs = {}
    if input is not None:
        kwargs["input"] = input
    if output is not None:
        kwargs["output"] = output
    return kwargs


def _answer(value):
    if value is None:
        raise typer.Abort()
    return value


def matching(items: list[dict], typed: str) -> list[dict]:
    """Items whose ref equals, or whose ref or text contains, what was typed (case-insensitive)."""
    key = typed.strip().lower()
    if not key:
        return []
    exact = [i for i in items if i["ref"].lower() == key or _label(i).lower() == key]
    if exact:
        return exact
    return [i for i in items if key in i["ref"].lower() or key in i["text"].lower()]


def _label(item: dict) -> str:
    text = " ".join(item["text"].split())
    return f"{item['ref']}: {text[:70]}{'…' if len(text) > 70 else ''}"


def choose_item(items: list[dict], *, input=None, output=None) -> str:
    """Find an item by typing part of its ref or text; returns its ref."""
    import questionary

    labels = [_label(i) for i in items]

    def valid(text: str):
        found = matching(items, text)
        if len(found) == 1:
            return True
        return (
            "No item matches; type part of a ref or its text."
            if not found
            else f"{len(found)} items match; type more, or pick one from the list."
        )

    typed = _answer(
        questionary.autocomplete(
            "Which item? (type part of its ref or text)",
            choices=labels,
            match_middle=True,
            validate=valid,
            ignore_case=True,
            **_io(input, output),
        ).ask()
    )
    return matching(items, typed)[0]["ref"]


def choose_status(current: str, statuses: tuple[str, ...], *, input=None, output=None) -> str:
    """Pick the new status from the six (the current one is shown but cannot be chosen)."""
    import questionary

    choices = [
        questionary.Choice(
            s.replace("_", " "), value=s, disabled="current" if s == current else None
        )
        for s in statuses
    ]
    return _answer(
        questionary.select(
            f"New status (now {current.replace('_', ' ')})", choices=choices, **_io(input, output)
        ).ask()
    )


def ask_text(message: str, *, required: bool, input=None, output=None) -> str | None:
    """A line of text; `required` refuses an empty answer as the user types."""
    import questionary

    def valid(text: str):
        return True if (text.strip() or not required) else "This is required."

    answer = _answer(questionary.text(message, validate=valid, **_io(input, output)).ask())
    return answer.strip() or None
