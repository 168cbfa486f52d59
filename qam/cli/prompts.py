"""The one prompt adapter: every question QAM asks in a terminal goes through here.

- One cancel rule: Ctrl-C, or Esc at any prompt but the notes (where Esc then Enter saves
  them), raises KeyboardInterrupt before anything is written; the CLI root prints "Stopped.
  Everything already saved is kept." and exits 130.
- One "is this a terminal" check: `interactive()`.
- One helper, `ask_missing`, for every command that asks for what its flags left out: each
  value is checked as it is typed and a refused one is asked again, alone, in place.

`TerminalPrompts` implements `qam.prompter.Prompter` with questionary, which is imported
inside each method so `qam --help` never loads it. Tests drive it through prompt_toolkit's
`create_pipe_input()` (pass `input=`/`output=`, or open a `create_app_session`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import typer

from qam.prompter import Check, check_with


def interactive() -> bool:
    """True when a person is at the keyboard: stdin and stdout are both terminals."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _cancel_on_escape(question) -> None:
    """Esc leaves the prompt as Ctrl-C does (questionary binds only Ctrl-C)."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    keys = KeyBindings()

    @keys.add("escape", eager=False)
    def _leave(event) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, keys]) if app.key_bindings else keys


def _checked_values(choices: Sequence[tuple[str, Any]]) -> None:
    if any(value is None for _, value in choices):
        # questionary answers with the title when a Choice's value is None: a menu entry
        # like "Start a new session" would come back as its own words.
        raise ValueError("a prompt choice needs a value other than None")


class TerminalPrompts:
    """`qam.prompter.Prompter` in a terminal (or on a prompt_toolkit pipe, in tests)."""

    def __init__(self, input=None, output=None):
        self._io = {k: v for k, v in (("input", input), ("output", output)) if v is not None}

    def _ask(self, question, *, escape: bool = True) -> Any:
        if escape:
            _cancel_on_escape(question)
        answer = question.unsafe_ask()
        if answer is None:  # never hand a flow "nothing" as if it were an answer
            raise KeyboardInterrupt
        return answer

    def _choices(self, choices: Sequence[tuple[str, Any]], checked: set | None = None):
        import questionary

        _checked_values(choices)
        return [
            questionary.Choice(title=title, value=value, checked=bool(checked and value in checked))
            for title, value in choices
        ]

    def say(self, text: str = "") -> None:
        typer.echo(text)

    def table(self, rows: list[dict], columns: list[tuple[str, str]], title: str) -> None:
        from qam.cli._common import print_table

        print_table(rows, columns, title=title)

    def select(self, message: str, choices: Sequence[tuple[str, Any]], default: Any = None) -> Any:
        import questionary

        options = self._choices(choices)
        chosen = next((c for c in options if c.value == default), None)
        # Typing narrows a long menu (the themes, the reviews) to the entries containing it.
        question = questionary.select(
            message,
            choices=options,
            default=chosen,
            use_search_filter=True,
            use_jk_keys=False,
            **self._io,
        )
        return self._ask(question)

    def text(
        self,
        message: str,
        default: str = "",
        *,
        multiline: bool = False,
        validate: Check | None = None,
        instruction: str | None = None,
    ) -> str:
        import questionary

        extra: dict[str, Any] = {"instruction": instruction} if instruction else {}
        question = questionary.text(
            message,
            default=default or "",
            multiline=multiline,
            validate=validate,
            **extra,
            **self._io,
        )
        return self._ask(question, escape=not multiline)

    def confirm(self, message: str, default: bool = True) -> bool:
        import questionary

        return bool(self._ask(questionary.confirm(message, default=default, **self._io)))

    def checkbox(
        self, message: str, choices: Sequence[tuple[str, Any]], checked: set | None = None
    ) -> list:
        import questionary

        if not choices:
            return []
        question = questionary.checkbox(
            message, choices=self._choices(choices, checked), **self._io
        )
        return list(self._ask(question))

    def autocomplete(
        self, message: str, choices: Sequence[str], validate: Check | None = None
    ) -> str:
        """Free text with suggestions from `choices` (matched anywhere, any case)."""
        import questionary

        question = questionary.autocomplete(
            message,
            choices=list(choices),
            match_middle=True,
            ignore_case=True,
            validate=validate,
            **self._io,
        )
        return self._ask(question)


# ----------------------------------------------------------------------------- ask_missing


@dataclass(frozen=True)
class Field:
    """One value a command needs, given by its flag or asked for.

    `parse` turns typed text into the value (raising a QamError with the sentence to show);
    `choices` ((title, value) pairs) make it a menu, `many` a tick list; `suggest` offers
    completions for free text; `ask` is a way of asking of its own (given the prompts).
    `given_as` is how the command line gives it when that is not `--key` (an argument).
    """

    key: str
    message: str
    parse: Callable[[str], Any] | None = None
    choices: Sequence[tuple[str, Any]] | None = None
    many: bool = False
    suggest: Sequence[str] | None = None
    required: bool = True
    default: str = ""
    instruction: str | None = None
    ask: Callable[[Any], Any] | None = None
    given_as: str = ""

    @property
    def flag(self) -> str:
        return self.given_as or "--" + self.key.replace("_", "-")


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _given_and_refused(field: Field, value: Any) -> str | None:
    """The sentence refusing a flag's value, or None when it will do (or is not text)."""
    if field.parse is None or not isinstance(value, str) or _missing(value):
        return None
    verdict = check_with(field.parse)(value)
    return None if verdict is True else _sentence(str(verdict))


def _ask_field(prompts, field: Field, default: str = "") -> Any:
    if field.ask is not None:
        return field.ask(prompts)
    if field.choices is not None:
        if field.many:
            return prompts.checkbox(field.message, field.choices)
        return prompts.select(field.message, field.choices)

    def valid(text: str) -> bool | str:
        if not text.strip():
            return "This is needed." if field.required else True
        return check_with(field.parse)(text) if field.parse else True

    if field.suggest:
        typed = prompts.autocomplete(field.message, field.suggest, validate=valid)
    else:
        typed = prompts.text(
            field.message,
            default=default or field.default,
            validate=valid,
            instruction=field.instruction,
        )
    typed = typed.strip()
    if not typed:
        return None
    return field.parse(typed) if field.parse else typed


def ask_missing(
    known: dict, fields: Sequence[Field], command: str, prompts: TerminalPrompts | None = None
) -> dict:
    """`known` with every field its flags left out asked for, one at a time.

    Nothing is asked when every required field was given. Otherwise, in a terminal, every
    field left out is asked (optional ones may be left blank); a value is checked as it is
    typed and a refused one is asked again in place, so one mistyped date never costs the
    answers before it; a flag's refused value is asked again too (the refusal shown first).
    Without a terminal, one error names every missing flag. Fields come back parsed: a date
    as ISO text, a menu as its value.
    """
    from qam.errors import RefusedError

    answers = dict(known)
    refused = {f.key: _given_and_refused(f, answers.get(f.key)) for f in fields}
    todo = [f for f in fields if (f.required and _missing(answers.get(f.key))) or refused[f.key]]
    if not todo:
        return {**answers, **{f.key: _parsed(f, answers.get(f.key)) for f in fields}}
    if prompts is None:
        if not interactive():
            bad = [f for f in todo if refused[f.key]]
            if bad:
                reason = refused[bad[0].key]
                raise RefusedError(f"{bad[0].flag}: {reason} Nothing was added or changed.")
            flags = ", ".join(f.flag for f in todo)
            raise RefusedError(f"Give {flags} (or run `qam {command}` in a terminal to be asked).")
        prompts = TerminalPrompts()
    for field in fields:
        if field in todo or _missing(answers.get(field.key)):
            if refused[field.key]:
                prompts.say(f"{field.flag} {answers[field.key]}: {refused[field.key]}")
            answers[field.key] = _ask_field(prompts, field, default=answers.get(field.key) or "")
        else:
            answers[field.key] = _parsed(field, answers.get(field.key))
    return answers


def _parsed(field: Field, value: Any) -> Any:
    if field.parse is None or not isinstance(value, str) or _missing(value):
        return value
    return field.parse(value)


# ----------------------------------------------------------------------------- the register


def matching(items: list[dict], typed: str) -> list[dict]:
    """Items whose ref equals, or whose ref or text contains, what was typed (any case)."""
    key = typed.strip().lower()
    if not key:
        return []
    exact = [i for i in items if i["ref"].lower() == key or item_label(i).lower() == key]
    if exact:
        return exact
    return [i for i in items if key in i["ref"].lower() or key in i["text"].lower()]


def item_label(item: dict) -> str:
    """'REF: the item's text', cut at 70 characters with an ellipsis."""
    text = " ".join(item["text"].split())
    return f"{item['ref']}: {text[:70]}{'…' if len(text) > 70 else ''}"


def choose_item(prompts: TerminalPrompts, items: list[dict]) -> str:
    """Find a register item by typing part of its ref or text; returns its ref."""

    def valid(text: str) -> bool | str:
        found = matching(items, text)
        if len(found) == 1:
            return True
        if not found:
            return "No item matches; type part of a ref or its text."
        return f"{len(found)} items match; type more, or pick one from the list."

    typed = prompts.autocomplete(
        "Which item? (type part of its ref or text)", [item_label(i) for i in items], valid
    )
    return matching(items, typed)[0]["ref"]
