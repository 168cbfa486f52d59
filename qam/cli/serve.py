"""`qam serve`: the programme store read-only in the browser (and as JSON) on Datasette.

A top-level command registered by `register(app)`. Datasette is an optional extra: without it
the command says how to install it, and exits 1.
"""

import sys
from typing import Annotated

import typer

from qam.cli._common import actor, db_path, open_store


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def _need_datasette() -> None:
    from qam.errors import QamError

    try:
        import datasette  # noqa: F401
        import datasette_auth_passwords  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise QamError(
            "qam serve needs Datasette, an optional extra: install it with "
            "`pip install 'qam[serve]'` (or `pip install '.[serve]'` in a checkout)."
        ) from None


def _read_password(user: str) -> str:
    """Asked twice, hidden, at a terminal; one line from standard input otherwise."""
    if sys.stdin.isatty():
        return typer.prompt(f"Password for {user}", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def serve(
    host: Annotated[
        str, typer.Option("--host", help="The address to listen on (this machine only by default).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="The port to listen on.", min=1, max=65535)
    ] = 8001,
    view: Annotated[
        str,
        typer.Option(
            "--view",
            help="'stakeholder' (the store, behind a login, OFFICIAL-SENSITIVE) or 'public' "
            "(the public reports' figures only, no login).",
        ),
    ] = "stakeholder",
    set_password: Annotated[
        bool,
        typer.Option(
            "--set-password",
            help="Set the stakeholder-view password of --user (asked twice, or one line on "
            "standard input), store its hash, and stop.",
        ),
    ] = False,
    user: Annotated[
        str | None,
        typer.Option("--user", help="With --set-password: the login name (else --as/QAM_USER)."),
    ] = None,
    allow_sql: Annotated[
        bool,
        typer.Option(
            "--allow-sql", help="With --set-password: this user may also run their own SQL."
        ),
    ] = False,
) -> None:
    """Serve the programme store read-only in the browser and as JSON, on Datasette.

    The stakeholder view needs a login (set one with --set-password) and is marked
    OFFICIAL-SENSITIVE; the public view shows only what the public reports publish. The store
    is opened read-only: QAM's own commands keep writing beside it. Ctrl-C stops the server.

    Example: qam serve --view public --port 8001
    """
    from qam.reports.common import check_view

    _need_datasette()
    view = check_view(view)
    if set_password:
        _set_password(user, allow_sql)
        return
    from qam.serve.run import run

    run(db_path(), view=view, host=host, port=port, say=typer.echo)


def _set_password(user: str | None, allow_sql: bool) -> None:
    from qam.serve.users import set_password

    name = user or actor()
    password = _read_password(name)
    with open_store() as store:
        set_password(store, name, password, sql=allow_sql, actor=actor())
    extra = " and may run their own SQL" if allow_sql else ""
    typer.echo(f"Saved: {name} can log in to the stakeholder view{extra}.")
