"""`qam reviews`: the programme's reviews, as fieldwork sees them."""

from typing import Annotated, Any

import typer

from qam.cli._common import actor, new_app, open_store, print_json, print_table

app = new_app(
    "The programme's reviews: list them, or add one for fieldwork.\n\nExample: qam reviews list --json"
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.command("list")
def list_cmd(json_: JsonFlag = False) -> None:
    """List the reviews: id, theme, unit, dates, question set and team.

    Example: qam reviews list --json
    """
    from qam.planner.reviews import list_reviews

    with open_store() as store:
        rows = list_reviews(store)
    if json_:
        print_json(rows)
        return
    from qam.vocabulary import date_label, label, theme_label

    shown = [
        {
            **r,
            "theme": theme_label(r["theme"]),
            "start": date_label(r["start"]),
            "end": date_label(r["end"]),
            "status": label(r["status"]),
            "team_text": ", ".join(r["team"]),
        }
        for r in rows
    ]
    print_table(
        shown,
        [
            ("id", "Id"),
            ("title", "Title"),
            ("theme", "Theme"),
            ("unit", "Unit"),
            ("start", "Start"),
            ("end", "End"),
            ("question_set", "Question set"),
            ("status", "Status"),
            ("team_text", "Team"),
        ],
        empty="No reviews yet: accept a plan (`qam plan`), import the programme's bundle "
        "(`qam sync import FILE`) or add one (`qam reviews add`).",
    )


@app.command("add")
def add_cmd(
    review_id: Annotated[
        str | None, typer.Argument(help="The review's id, e.g. R-CUSTODY-01.")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="What the review looks at.")] = None,
    theme: Annotated[
        str | None, typer.Option("--theme", help="A theme: its name or slug, e.g. custody.")
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="The BCU or department reviewed.")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First day, e.g. 02/06/2025.")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last day, e.g. 13/06/2025.")] = None,
    question_set: Annotated[
        str | None,
        typer.Option(
            "--question-set",
            help="The question set answered (default paf-2023, or the baseline's with --follows).",
        ),
    ] = None,
    method: Annotated[
        list[str] | None,
        typer.Option("--method", help="A method the review uses (repeat; default all)."),
    ] = None,
    team: Annotated[
        list[str] | None, typer.Option("--team", help="An SME id or name on the team (repeat).")
    ] = None,
    follows: Annotated[
        str | None,
        typer.Option(
            "--follows",
            help="The earlier review this one re-tests (its baseline): its report then says, "
            "question by question, what improved, worsened or was not re-tested.",
        ),
    ] = None,
) -> None:
    """Add a review without the planner (a reviewer's own review, or a test); in a terminal,
    what the flags leave out is asked for.

    Example: qam reviews add R-CUST-01 --title "Custody handovers" --theme custody --unit "Eastern BCU" --start 02/06/2025 --end 13/06/2025
    """
    from qam.cli import fields
    from qam.cli.prompts import ask_missing
    from qam.planner.reviews import add_review, list_reviews
    from qam.vocabulary import date_label, theme_label

    given: dict[str, Any] = {
        "review_id": review_id,
        "title": title,
        "theme": theme,
        "unit": unit,
        "start": start,
        "end": end,
        "method": method or None,
        "team": team or None,
    }
    with open_store(create=True) as store:
        units = sorted({r["unit"] for r in list_reviews(store) if r["unit"]})
        given = ask_missing(given, fields.review(units), "reviews add")
        row = add_review(
            store,
            review_id=given["review_id"],
            title=given["title"],
            theme=given["theme"],
            unit=given["unit"],
            start=given["start"],
            end=given["end"],
            actor=actor(),
            question_set=question_set,
            methods=given["method"] or (),
            team=given["team"] or (),
            follows=follows,
        )
    baseline = f"; it follows {row['follows']}" if row.get("follows") else ""
    typer.echo(
        f"Review {row['id']} added ({theme_label(row['theme'])}, {row['unit']}, "
        f"{date_label(row['start'])} to {date_label(row['end'])}){baseline}."
    )


@app.command("agreement")
def agreement_cmd(
    review_id: Annotated[str, typer.Argument(help="The review whose grades were given twice.")],
    json_: JsonFlag = False,
) -> None:
    """How far two reviewers' grades agree, over a review's findings graded twice.

    Exact agreement, agreement within one grade, and Cohen's kappa with linear weights on the
    five-tier PEEL scale (1 is perfect agreement, 0 no better than chance), then every pair
    that differs, widest first: settle one with `qam findings moderate`.

    Example: qam reviews agreement R03 --json
    """
    from qam.fieldwork.moderation import agreement

    with open_store() as store:
        doc = agreement(store, review_id)
    if json_:
        print_json(doc)
        return
    if not doc["pairs"]:
        typer.echo(
            f"No finding of {review_id} has two grades yet: a second reviewer grades with "
            "`qam findings grade FINDING --grade G`."
        )
        return
    kappa = "not defined (one grade throughout)" if doc["kappa"] is None else f"{doc['kappa']:.2f}"
    typer.echo(
        f"{doc['pairs']} findings graded twice: {doc['exact']:.0%} exactly the same, "
        f"{doc['within_one']:.0%} within one grade; weighted kappa {kappa}; "
        f"{doc['moderated']} moderated."
    )
    rows = [
        {**d, "short": d["finding"][:8], "moderated": d["moderated_grade"] or "not yet"}
        for d in doc["disagreements"]
    ]
    print_table(
        rows,
        [
            ("short", "Finding"),
            ("question", "Question"),
            ("first_grade", "First grade"),
            ("first_grader", "By"),
            ("second_grade", "Second grade"),
            ("second_grader", "By"),
            ("difference", "Grades apart"),
            ("moderated", "Moderated"),
        ],
        title="Disagreements",
        empty="The two grades agree on every finding.",
    )
