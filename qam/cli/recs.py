"""`qam recs`: The register of HMICFRS recommendations, AFIs and causes of concern (its capability lands with issue 3)."""

from __future__ import annotations

from qam.cli._common import new_app
from qam.errors import NotYetAvailable

app = new_app("The register of HMICFRS recommendations, AFIs and causes of concern.\n\nExample: qam recs import --help")


@app.command("import")
def import_cmd() -> None:
    """Not built yet: arrives with issue 3.

    Example: qam recs import
    """
    raise NotYetAvailable("`qam recs import` is not built yet (issue 3).")


@app.command("list")
def list_cmd() -> None:
    """Not built yet: arrives with issue 3.

    Example: qam recs list
    """
    raise NotYetAvailable("`qam recs list` is not built yet (issue 3).")


@app.command("status")
def status_cmd() -> None:
    """Not built yet: arrives with issue 3.

    Example: qam recs status
    """
    raise NotYetAvailable("`qam recs status` is not built yet (issue 3).")


@app.command("summary")
def summary_cmd() -> None:
    """Not built yet: arrives with issue 3.

    Example: qam recs summary
    """
    raise NotYetAvailable("`qam recs summary` is not built yet (issue 3).")


@app.command("show")
def show_cmd() -> None:
    """Not built yet: arrives with issue 3.

    Example: qam recs show
    """
    raise NotYetAvailable("`qam recs show` is not built yet (issue 3).")


@app.command("history")
def history_cmd() -> None:
    """Not built yet: arrives with issue 3.

    Example: qam recs history
    """
    raise NotYetAvailable("`qam recs history` is not built yet (issue 3).")


@app.command("export")
def export_cmd() -> None:
    """Not built yet: arrives with issue 3.

    Example: qam recs export
    """
    raise NotYetAvailable("`qam recs export` is not built yet (issue 3).")

