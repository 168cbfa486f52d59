"""`qam report`: HTML reports for boards, the PCC and the public (its capability lands with issue 6)."""

from __future__ import annotations

from qam.cli._common import new_app
from qam.errors import NotYetAvailable

app = new_app("HTML reports for boards, the PCC and the public.\n\nExample: qam report review --help")


@app.command("review")
def review_cmd() -> None:
    """Not built yet: arrives with issue 6.

    Example: qam report review
    """
    raise NotYetAvailable("`qam report review` is not built yet (issue 6).")


@app.command("programme")
def programme_cmd() -> None:
    """Not built yet: arrives with issue 6.

    Example: qam report programme
    """
    raise NotYetAvailable("`qam report programme` is not built yet (issue 6).")


@app.command("register")
def register_cmd() -> None:
    """Not built yet: arrives with issue 6.

    Example: qam report register
    """
    raise NotYetAvailable("`qam report register` is not built yet (issue 6).")


@app.command("readiness")
def readiness_cmd() -> None:
    """Not built yet: arrives with issue 6.

    Example: qam report readiness
    """
    raise NotYetAvailable("`qam report readiness` is not built yet (issue 6).")

