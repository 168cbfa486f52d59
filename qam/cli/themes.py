"""`qam themes`: the force's theme vocabulary, matched by slug, label or synonym."""

from typing import Annotated

import typer

from qam.cli._common import actor, new_app, open_store, print_json, print_table

app = new_app(
    "The force's themes: what reviews, SME skills, register items and questions are about.\n\n"
    'Example: qam themes add "Wildlife crime" --synonym "rural crime"'
)


@app.command("list")
def list_cmd(
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """List the themes: slug, label, synonyms, and whether QAM shipped it or the force added it.

    A file, prompt or option may name a theme by its slug, its label or any synonym, in any
    case, with any spacing or punctuation and with "&" or "and".

    Example: qam themes list --json
    """
    from qam import themes

    with open_store() as store:
        rows = themes.listing(store)
    if json_:
        print_json(rows)
        return
    for row in rows:
        row["also"] = ", ".join(row["synonyms"])
        row["from"] = "the force" if row["source"] == "force" else "QAM"
    print_table(
        rows,
        [("slug", "Slug"), ("label", "Label"), ("also", "Also written"), ("from", "Added by")],
        title=f"{len(rows)} themes",
    )


@app.command("add")
def add_cmd(
    label: Annotated[str, typer.Argument(help="The theme as the force names it.")],
    synonym: Annotated[
        list[str] | None,
        typer.Option("--synonym", help="Another way files write it. Repeatable."),
    ] = None,
) -> None:
    """Add a theme to the force's vocabulary (or more synonyms for a theme it has); recorded in
    the decision trail.

    Example: qam themes add "Wildlife crime" --synonym "rural crime" --synonym WLC
    """
    from qam import themes

    with open_store(create=True) as store:
        theme = themes.add_theme(store, label, synonym or [], actor=actor())
    also = f"; also written {', '.join(theme.synonyms)}" if theme.synonyms else ""
    typer.echo(f"Theme '{theme.label}' ({theme.slug}){also}.")
