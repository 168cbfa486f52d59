"""The options every importer takes, and how its receipt is printed: one shape for seven commands."""

from pathlib import Path
from typing import Annotated

import typer

from qam.cli._common import print_json

FileArg = Annotated[
    Path, typer.Argument(help="The file: .csv (UTF-8, UTF-16 or Windows-1252) or .xlsx.")
]
SheetOpt = Annotated[
    str | None,
    typer.Option("--sheet", help="The sheet to read in an .xlsx workbook (else the first)."),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help='Map a column to a field: "Header=field" (or "Header=ignore"). Repeatable.',
    ),
]
ValueOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--value",
        help='Map a spelling to a value: "field:Raw=canonical"; "field:=canonical" fills empty '
        "cells. Repeatable.",
    ),
]
DryRunOpt = Annotated[
    bool,
    typer.Option("--dry-run", help="Check the file and say what would change; write nothing."),
]
AddThemesOpt = Annotated[
    bool,
    typer.Option(
        "--add-themes",
        help="Add themes the force has not listed to its vocabulary (else they are refused).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the receipt as one JSON document.")]


def options(sheet=None, map_=None, value=None, dry_run=False, add_themes=False):
    """The shared options as the pipeline takes them."""
    from qam.imports.pipeline import ImportOptions

    return ImportOptions(
        sheet=sheet,
        maps=tuple(map_ or ()),
        values=tuple(value or ()),
        dry_run=dry_run,
        add_themes=add_themes,
    )


def show(receipt, json_: bool, extra_lines: list[str] | None = None) -> None:
    """Warnings on stderr; the receipt as text (or one JSON document) on stdout."""
    for warning in receipt.warnings:
        typer.echo(f"Warning: {warning}", err=True)
    if json_:
        print_json(receipt.to_dict())
        return
    lines = receipt.lines()
    if extra_lines:
        lines[1:1] = extra_lines
    for line in lines:
        typer.echo(line)
