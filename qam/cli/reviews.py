"""`qam reviews`: The programme's reviews (its capability lands with issue 5)."""

from __future__ import annotations

from qam.cli._common import new_app
from qam.errors import NotYetAvailable

app = new_app("The programme's reviews.\n\nExample: qam reviews list --help")


@app.command("list")
def list_cmd() -> None:
    """Not built yet: arrives with issue 5.

    Example: qam reviews list
    """
    raise NotYetAvailable("`qam reviews list` is not built yet (issue 5).")

