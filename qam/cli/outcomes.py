"""`qam outcomes`: External inspection grades by force and question (its capability lands with issue 3)."""

from __future__ import annotations

from qam.cli._common import new_app
from qam.errors import NotYetAvailable

app = new_app("External inspection grades by force and question.\n\nExample: qam outcomes import --help")


@app.command("import")
def import_cmd() -> None:
    """Not built yet: arrives with issue 3.

    Example: qam outcomes import
    """
    raise NotYetAvailable("`qam outcomes import` is not built yet (issue 3).")


@app.command("list")
def list_cmd() -> None:
    """Not built yet: arrives with issue 3.

    Example: qam outcomes list
    """
    raise NotYetAvailable("`qam outcomes list` is not built yet (issue 3).")


@app.command("summary")
def summary_cmd() -> None:
    """Not built yet: arrives with issue 3.

    Example: qam outcomes summary
    """
    raise NotYetAvailable("`qam outcomes summary` is not built yet (issue 3).")

