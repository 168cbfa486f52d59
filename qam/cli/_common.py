"""What every command shares: the global options, opening the store, output, the error route."""

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import Abort, TyperException

from qam.errors import QamError


@dataclass
class Options:
    """The root options (`qam --db PATH --as NAME ...`), set once per run by the root callback."""

    db: Path | None = None
    actor: str | None = None


options = Options()


def db_path() -> Path:
    from qam.paths import default_db_path

    return options.db or default_db_path()


def actor() -> str:
    from qam.paths import current_user

    return current_user(options.actor)


def open_store(create: bool = False):
    """The store for this run, migrated if need be.

    Only commands that put something new into a store (`init`, the importers, `sync import`,
    `reviews add`) pass `create=True`. A command that reads never makes an empty store in the
    user data directory: where there is none it says so, with the way to make one.
    """
    from qam.store import Store

    store = Store.open(db_path(), create=create)
    if store.upgraded:
        # Said once, the run that upgrades: otherwise a copy appears beside the store unexplained.
        old, copy = store.upgraded
        typer.echo(
            f"Note: {store.path} was upgraded for this QAM (schema {old} to "
            f"{store.pragma('user_version')}); the store as it was is kept at {copy}.",
            err=True,
        )
    for warning in store.warnings:
        typer.echo(f"Warning: {warning}", err=True)
    return store


def qam_command() -> str:
    """How to run this QAM again from a shell: `qam` when that is on PATH, else the path used.

    After the Quick start, `qam` lives in the checkout's .venv and is not on PATH, so a command
    QAM prints for the user to paste must name the program the way it was actually started.
    """
    import shlex
    import shutil

    started = Path(sys.argv[0])
    if started.name == "__main__.py":
        return f"{shlex.quote(sys.executable)} -m qam"
    if started.stem != "qam":
        return "qam"
    on_path = shutil.which("qam")
    if on_path and Path(on_path).resolve() == started.resolve():
        return "qam"
    return shlex.quote(str(started.resolve()))


def print_json(document: Any) -> None:
    """One JSON document on stdout and nothing else (the `--json` contract)."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")


def print_table(
    rows: list[dict],
    columns: list[tuple[str, str]],
    title: str | None = None,
    empty: str = "Nothing to show.",
) -> None:
    """A readable table; `columns` pairs a row key with its heading.

    In a terminal the table fits the window (long cells wrap between words). Piped to a file
    or a pager it is as wide as its cells need, so no word is ever split across lines.
    """
    if not rows:
        typer.echo(empty)
        return
    from rich.console import Console
    from rich.table import Table

    piped = not sys.stdout.isatty()
    table = Table(title=title, show_lines=False, header_style="bold")
    for _, heading in columns:
        table.add_column(heading, overflow="fold", no_wrap=piped)
    for row in rows:
        table.add_row(*["" if row.get(key) is None else str(row.get(key)) for key, _ in columns])
    Console(soft_wrap=False, width=100_000 if piped else None).print(table)


def fail(message: str) -> None:
    """Print the one `Error:` line and stop with exit 1."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)


class QamGroup(TyperGroup):
    """The root group: the one place where errors become an `Error:` line and an exit code.

    QamError -> exit 1 with its message; Ctrl-C -> exit 130 with a short note (anything
    already saved stays saved); anything unexpected -> exit 1 with one line, never a traceback.
    Usage errors stay click's: a usage line and exit 2.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except QamError as err:
            fail(str(err))
        except (KeyboardInterrupt, Abort):
            typer.echo("\nStopped. Everything already saved is kept.", err=True)
            raise typer.Exit(130) from None
        except (TyperException, typer.Exit):
            raise  # usage errors (exit 2) and deliberate exits keep their own handling
        except BrokenPipeError:
            # Output piped into `head`: the reader left, which is not an error. Point stdout at
            # devnull so the interpreter's final flush does not complain either.
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except OSError as err:
            name = f" {err.filename}" if getattr(err, "filename", None) else ""
            fail(f"cannot use{name}: {err.strerror or err}.")
        except Exception as err:  # noqa: BLE001 - the last line of defence: no traceback for users
            fail(
                f"an unexpected {type(err).__name__} stopped QAM ({err}); nothing more was written. "
                "Please report this with the command you ran."
            )


def new_app(help_text: str) -> typer.Typer:
    """A command group with QAM's conventions."""
    return typer.Typer(
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
