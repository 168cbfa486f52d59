"""`qam capture`: the reviewer's guided capture, and its twin without prompts (`--answers`).

The flow (`qam.fieldwork.guided`) asks through `qam.cli.prompts`; every answer is saved through
`qam.fieldwork.findings.record_answer` the moment it is complete, so a dead battery costs at
most the answer being typed, and rerunning `qam capture` offers to resume where it stopped.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qam.cli._common import actor, open_store

if TYPE_CHECKING:
    from qam.store import Store


def register(app: typer.Typer) -> None:
    app.command("capture")(capture)


def capture(
    review: Annotated[
        str | None,
        typer.Argument(help="The review's id (else you choose; your own assignments first)."),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            help="interview, focus_group, direct_observation, participant_observation, document_analysis, survey or record_audit (after `qam sample draw`).",
        ),
    ] = None,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers", help="Capture without prompts from a JSON-lines FILE, or - for stdin."
        ),
    ] = None,
    finalise: Annotated[
        str | None,
        typer.Option(
            "--finalise", help="Lock the session with this id (corrections then need a reason)."
        ),
    ] = None,
    document: Annotated[
        Path | None,
        typer.Option(
            "--document",
            help="For document_analysis: the document read (its title and SHA-256 are kept, not its content).",
        ),
    ] = None,
    sessions: Annotated[
        bool, typer.Option("--sessions", help="List capture sessions (unfinished first) and stop.")
    ] = False,
    confirm_names_checked: Annotated[
        bool,
        typer.Option(
            "--confirm-names-checked",
            help="With --finalise: you checked that the words flagged as possible names are not people's names.",
        ),
    ] = False,
) -> None:
    """Capture findings for a review, question by question; each answer is saved as you give it.

    Stop at any time (choose "Stop", or Ctrl-C): rerun `qam capture` to resume at the first
    unanswered question. `--answers FILE` runs without prompts and prints `saved <finding id>`
    after each commit. Finalising checks the notes for possible names (see `qam findings check`).
    An answer takes its question's enablers; a line's `enablers` gives its own
    (["culture"]) or changes them (["+technology", "-culture"]).

    Example: qam capture R03 --method direct_observation
    """
    from qam.fieldwork import sessions as capture_sessions

    who = actor()
    with open_store() as store:
        if finalise:
            session = capture_sessions.finalise(
                store, finalise, who, names_checked=confirm_names_checked
            )
            count = len(capture_sessions.answered(store, session["id"]))
            from qam.vocabulary import count_label

            typer.echo(
                f"Session {session['id'][:8]} finalised: {count_label(count, 'finding')} locked. "
                "Correct one with `qam findings correct ID --notes ... --reason ...`."
            )
            return
        if sessions:
            _print_sessions(store)
            return
        if answers is not None:
            _run_answers(store, answers, who)
            return
        from qam.cli import prompts

        if not prompts.interactive():
            from qam.errors import RefusedError

            raise RefusedError(
                "guided capture needs a terminal; use --answers FILE (or -) to capture from "
                "JSON lines."
            )
        from qam.fieldwork.guided import guided

        guided(
            store, who, prompts.TerminalPrompts(), review=review, method=method, document=document
        )


def _run_answers(store: Store, source: str, who: str) -> None:
    from qam.errors import ImportFileError
    from qam.fieldwork.answers import capture_answers
    from qam.imports import files

    def saved(finding: dict) -> None:
        sys.stdout.write(f"saved {finding['id']}\n")
        sys.stdout.flush()

    if source == "-":
        lines = files.bounded_lines(sys.stdin, source="standard input")
        count = capture_answers(store, lines, actor=who, on_saved=saved)
    else:
        path = files.check_input(
            source, max_bytes=files.MAX_ANSWERS_BYTES, what="JSON-lines answers file"
        )
        with path.open(encoding="utf-8") as fh:
            try:
                lines = files.bounded_lines(fh, source=str(path))
                count = capture_answers(store, lines, actor=who, on_saved=saved)
            except UnicodeDecodeError as err:
                raise ImportFileError(
                    f"{path}: not UTF-8 text ({err.reason}); save it as UTF-8."
                ) from None
    from qam.vocabulary import count_label

    typer.echo(f"{count_label(count, 'answer')} saved.", err=True)


def _print_sessions(store: Store) -> None:
    from qam.cli._common import print_table
    from qam.fieldwork.participants import people
    from qam.fieldwork.sessions import all_sessions, answered
    from qam.vocabulary import date_label, label

    rows = []
    for s in sorted(
        all_sessions(store), key=lambda s: (s["finalised_at"] is not None, s["created_at"])
    ):
        rows.append(
            {
                "id": s["id"][:8],
                "review": s["review_id"],
                "method": label(s["method"]),
                "who": people(s["head_count"], s["participants"]),
                "held_on": date_label(s["held_on"]),
                "place": s["place"],
                "reviewer": s["reviewer"],
                "answers": len(answered(store, s["id"])),
                "state": "finalised" if s["finalised_at"] else "open",
            }
        )
    print_table(
        rows,
        [
            ("id", "Session"),
            ("review", "Review"),
            ("method", "Method"),
            ("who", "Who (role, unit)"),
            ("held_on", "Held on"),
            ("place", "Where"),
            ("reviewer", "Reviewer"),
            ("answers", "Answers"),
            ("state", "State"),
        ],
        empty="No capture sessions yet.",
    )
