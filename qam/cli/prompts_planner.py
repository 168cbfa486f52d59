"""The planner's prompts: questionary behind the small `ui` the planning session expects.

Imported only inside commands that prompt, so `qam --help` never loads questionary. Ctrl-C
or Esc returns None from a prompt; the session treats that as "leave".
"""

import typer

from qam.cli._common import print_table


class QuestionaryUi:
    """`say`, `table`, `choose`, `text`, `confirm` for `qam.planner.session`."""

    def __init__(self, input=None, output=None):
        self._io = {"input": input, "output": output} if input is not None else {}

    def say(self, text: str) -> None:
        typer.echo(text)

    def table(self, rows, columns, title) -> None:
        print_table(rows, columns, title=title)

    def choose(self, message, choices):
        import questionary

        return questionary.select(message, choices=choices, **self._io).ask()

    def text(self, message, default=""):
        import questionary

        return questionary.text(message, default=default, **self._io).ask()

    def confirm(self, message, default=True):
        import questionary

        return bool(questionary.confirm(message, default=default, **self._io).ask())

    def checkbox(self, message, choices):
        import questionary

        return questionary.checkbox(message, choices=choices, **self._io).ask()


def ask_sme(
    known: dict, themes: dict, units: list[str], suggested_id: str, ui: QuestionaryUi | None = None
) -> dict | None:
    """Fill in whatever the flags left out of an expression of interest; None if cancelled."""
    import questionary

    ui = ui or QuestionaryUi()
    answers = dict(known)
    if not answers.get("id"):
        answers["id"] = ui.text("SME id:", default=suggested_id)
    if not answers.get("name"):
        answers["name"] = questionary.text(
            "Name:", validate=lambda t: bool(t.strip()) or "A name is needed", **ui._io
        ).ask()
    if answers.get("role") is None:
        answers["role"] = ui.text("Role (e.g. Sergeant, Response):")
    if not answers.get("unit"):
        answers["unit"] = questionary.autocomplete(
            "Unit (BCU or department):",
            choices=units,
            validate=lambda t: bool(t.strip()) or "A unit is needed",
            **ui._io,
        ).ask()
    if not answers.get("skills"):
        picked = ui.checkbox(
            "Themes they can review (space to tick, enter when done):",
            [questionary.Choice(f"{slug}: {title}", value=slug) for slug, title in themes.items()],
        )
        answers["skills"] = ";".join(picked or [])
    if answers.get("unavailable") is None:
        answers["unavailable"] = ui.text(
            "Dates they cannot be used (2027-03-08..2027-03-12;2027-09-13, or empty):"
        )
    if any(answers.get(k) is None for k in ("id", "name", "unit")):
        return None
    return answers
