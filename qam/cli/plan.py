"""`qam plan`: The 18-month programme of internal reviews (its capability lands with issue 4)."""

from __future__ import annotations

from qam.cli._common import new_app
from qam.errors import NotYetAvailable

app = new_app("The 18-month programme of internal reviews.\n\nExample: qam plan import --help")


@app.command("import")
def import_cmd() -> None:
    """Not built yet: arrives with issue 4.

    Example: qam plan import
    """
    raise NotYetAvailable("`qam plan import` is not built yet (issue 4).")


@app.command("candidates")
def candidates_cmd() -> None:
    """Not built yet: arrives with issue 4.

    Example: qam plan candidates
    """
    raise NotYetAvailable("`qam plan candidates` is not built yet (issue 4).")


@app.command("solve")
def solve_cmd() -> None:
    """Not built yet: arrives with issue 4.

    Example: qam plan solve
    """
    raise NotYetAvailable("`qam plan solve` is not built yet (issue 4).")


@app.command("export")
def export_cmd() -> None:
    """Not built yet: arrives with issue 4.

    Example: qam plan export
    """
    raise NotYetAvailable("`qam plan export` is not built yet (issue 4).")

