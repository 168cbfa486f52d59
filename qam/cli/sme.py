"""`qam sme`: The pool of volunteer subject-matter experts (its capability lands with issue 4)."""

from __future__ import annotations

from qam.cli._common import new_app
from qam.errors import NotYetAvailable

app = new_app("The pool of volunteer subject-matter experts.\n\nExample: qam sme import --help")


@app.command("import")
def import_cmd() -> None:
    """Not built yet: arrives with issue 4.

    Example: qam sme import
    """
    raise NotYetAvailable("`qam sme import` is not built yet (issue 4).")


@app.command("list")
def list_cmd() -> None:
    """Not built yet: arrives with issue 4.

    Example: qam sme list
    """
    raise NotYetAvailable("`qam sme list` is not built yet (issue 4).")


@app.command("add")
def add_cmd() -> None:
    """Not built yet: arrives with issue 4.

    Example: qam sme add
    """
    raise NotYetAvailable("`qam sme add` is not built yet (issue 4).")

