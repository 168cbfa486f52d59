"""`qam reviews`: the programme's reviews, as fieldwork sees them."""

from typing import Annotated

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
    for r in rows:
        r["team_text"] = ", ".join(r["team"])
    print_table(
        rows,
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
    review_id: Annotated[str, typer.Argument(help="The review's id, e.g. R-CUSTODY-01.")],
    title: Annotated[str, typer.Option("--title", help="What the review looks at.")],
    theme: Annotated[str, typer.Option("--theme", help="A theme slug, e.g. custody.")],
    unit: Annotated[str, typer.Option("--unit", help="The BCU or department reviewed.")],
    start: Annotated[str, typer.Option("--start", help="First day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--end", help="Last day, YYYY-MM-DD.")],
    question_set: Annotated[
        str, typer.Option("--question-set", help="The question set answered.")
    ] = "paf-2023",
    method: Annotated[
        list[str] | None,
        typer.Option("--method", help="A method the review uses (repeat; default all)."),
    ] = None,
    team: Annotated[
        list[str] | None, typer.Option("--team", help="An SME id or name on the team (repeat).")
    ] = None,
) -> None:
    """Add a review without the planner (a reviewer's own review, or a test).

    Example: qam reviews add R-CUST-01 --title "Custody handovers" --theme custody --unit "Eastern BCU" --start 2025-06-02 --end 2025-06-13
    """
    from qam.planner.reviews import add_review

    with open_store(create=True) as store:
        row = add_review(
            store,
            review_id=review_id,
            title=title,
            theme=theme,
            unit=unit,
            start=start,
            end=end,
            actor=actor(),
            question_set=question_set,
            methods=method or (),
            team=team or (),
        )
    typer.echo(
        f"Review {row['id']} added ({row['theme']}, {row['unit']}, {row['start']} to {row['end']})."
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
