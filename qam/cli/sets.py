"""`qam sets`: the question sets reviewers answer."""

from pathlib import Path
from typing import Annotated

import typer

from qam.cli._common import new_app, open_store, print_json, print_table

app = new_app(
    "Question sets: list them, show one, validate a file.\n\nExample: qam sets show paf-2023"
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.command("list")
def list_sets(json_: JsonFlag = False) -> None:
    """List the shipped question sets.

    Example: qam sets list --json
    """
    from qam import question_sets

    rows = [
        {
            "id": qs.id,
            "version": qs.version,
            "title": qs.title,
            "framework": qs.framework,
            "scale": qs.scale,
            "questions": len(qs.questions),
        }
        for qs in question_sets.shipped()
    ]
    if json_:
        print_json(rows)
    else:
        scales = {"four_tier": "Four grades", "five_tier": "Five grades (with Adequate)"}
        print_table(
            [{**r, "scale": scales.get(str(r["scale"]), r["scale"])} for r in rows],
            [
                ("id", "Id"),
                ("version", "Version"),
                ("title", "Title"),
                ("scale", "Scale"),
                ("questions", "Questions"),
            ],
        )


@app.command("show")
def show(
    set_id: Annotated[str, typer.Argument(help="The set's id, e.g. paf-2023.")],
    json_: JsonFlag = False,
) -> None:
    """Show one question set, question by question.

    Example: qam sets show peel-2018 --json
    """
    from qam import question_sets

    qs = question_sets.get(set_id)
    if json_:
        print_json(qs.to_dict())
        return
    typer.echo(f"{qs.title} ({qs.id} v{qs.version}, {qs.scale.replace('_', '-')} grades)")
    if qs.description:
        typer.echo(qs.description)
    for q in qs.questions:
        typer.echo("")
        graded = "" if q.graded else " (not graded)"
        typer.echo(f"[{q.id}] {q.area}{graded}")
        typer.echo(f"  {q.text}")
        for label, items in (
            ("Diagnostic", q.diagnostics),
            ("Good looks like", q.characteristics),
            ("Probe", q.probes),
        ):
            for item in items:
                typer.echo(f"    {label}: {item}")


@app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help="A question set YAML file.")],
    json_: JsonFlag = False,
) -> None:
    """Check a question set file; errors name the file, the question and the line.

    Example: qam sets validate question_sets/paf-2023.yaml
    """
    from qam import question_sets, themes
    from qam.errors import StoreError

    try:  # theme tags are checked against the store's vocabulary, when there is a store
        with open_store(create=False) as store:
            themes.load(store)
    except StoreError:
        pass
    qs = question_sets.load_file(file)
    if json_:
        print_json(
            {
                "file": str(file),
                "valid": True,
                "id": qs.id,
                "version": qs.version,
                "questions": len(qs.questions),
                "digest": qs.digest,
            }
        )
    else:
        from qam.vocabulary import count_label

        typer.echo(
            f"{file}: valid ({qs.id} v{qs.version}, {count_label(len(qs.questions), 'question')})."
        )
