"""`qam db`: where the store lives."""

import typer

from qam.cli._common import db_path, new_app

app = new_app("The store file.\n\nExample: qam db path")


@app.command("path")
def path() -> None:
    """Print where the store is (--db, else QAM_DB, else the user data directory).

    Example: QAM_DB=~/qam/custody.db qam db path
    """
    typer.echo(str(db_path()))
