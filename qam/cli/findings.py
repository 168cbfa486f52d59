"""`qam findings`: What the evidence shows, question by question (its capability lands with issue 5)."""

from __future__ import annotations

from qam.cli._common import new_app
from qam.errors import NotYetAvailable

app = new_app("What the evidence shows, question by question.\n\nExample: qam findings list --help")


@app.command("list")
def list_cmd() -> None:
    """Not built yet: arrives with issue 5.

    Example: qam findings list
    """
    raise NotYetAvailable("`qam findings list` is not built yet (issue 5).")


@app.command("show")
def show_cmd() -> None:
    """Not built yet: arrives with issue 5.

    Example: qam findings show
    """
    raise NotYetAvailable("`qam findings show` is not built yet (issue 5).")

