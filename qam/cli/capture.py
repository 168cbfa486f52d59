"""`qam capture`: the reviewer's guided capture (its capability lands with issue 5)."""

from __future__ import annotations

import typer

from qam.errors import NotYetAvailable


def register(app: typer.Typer) -> None:
    app.command("capture")(capture)


def capture() -> None:
    """Capture findings for a review, question by question (not built yet: issue 5).

    Example: qam capture R03 --method direct_observation
    """
    raise NotYetAvailable("`qam capture` is not built yet (issue 5).")
