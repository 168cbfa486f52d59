"""`qam sync`: Moving a laptop's work into the programme store (its capability lands with issue 5)."""

from __future__ import annotations

from qam.cli._common import new_app
from qam.errors import NotYetAvailable

app = new_app("Moving a laptop's work into the programme store.\n\nExample: qam sync export --help")


@app.command("export")
def export_cmd() -> None:
    """Not built yet: arrives with issue 5.

    Example: qam sync export
    """
    raise NotYetAvailable("`qam sync export` is not built yet (issue 5).")


@app.command("import")
def import_cmd() -> None:
    """Not built yet: arrives with issue 5.

    Example: qam sync import
    """
    raise NotYetAvailable("`qam sync import` is not built yet (issue 5).")

