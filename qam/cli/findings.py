"""`qam findings`: what the evidence shows, question by question."""

from typing import Annotated

import typer

from qam.cli._common import actor, new_app, open_store, print_json, print_table
from qam.cli._imports import DryRunOpt, FileArg, JsonOpt, MapOpt, SheetOpt, ValueOpt

app = new_app(
    "What the evidence shows, question by question.\n\nExample: qam findings list --search handover"
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.command("list")
def list_cmd(
    review: Annotated[
        str | None, typer.Option("--review", help="Only this review's findings.")
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", help="Words to find in the notes and concerns.")
    ] = None,
    all_versions: Annotated[
        bool,
        typer.Option(
            "--all-versions", help="Include versions replaced by a later answer or correction."
        ),
    ] = False,
    enabler: Annotated[
        str | None,
        typer.Option(
            "--enabler",
            help="Only findings that speak to this enabler: leadership, partnership, culture or technology.",
        ),
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """List findings (the current version of each), newest last.

    Example: qam findings list --review R03 --enabler culture --json
    """
    from qam.enablers import labels
    from qam.fieldwork.findings import list_findings
    from qam.planner.reviews import get_review

    with open_store() as store:
        if review:
            get_review(store, review)
        rows = list_findings(
            store,
            review_id=review,
            search=search,
            include_superseded=all_versions,
            enabler=enabler,
        )
    if json_:
        print_json(rows)
        return
    from qam.fieldwork.participants import who
    from qam.vocabulary import count_label, label

    for r in rows:
        r["short"] = r["id"][:8]
        r["gp"] = "yes" if r["good_practice"] else ""
        r["method_text"] = label(r["method"])
        r["grade_text"] = label(r["grade"]) if r["grade"] else "Not assessed"
        r["who"] = who(r, r)
        r["note"] = _cut(r["notes"] or "", 70)
        r["enabler_text"] = labels(r["enablers"])
    print_table(
        rows,
        [
            ("short", "Id"),
            ("review_id", "Review"),
            ("question_id", "Question"),
            ("method_text", "Method"),
            ("who", "Who (role, unit)"),
            ("grade_text", "Grade"),
            ("gp", "Good practice"),
            ("enabler_text", "Enablers"),
            ("note", "Notes"),
        ],
        empty="No findings match.",
    )
    if rows:
        typer.echo(f"{count_label(len(rows), 'finding')}.")


def _finding_lines(row: dict) -> list[tuple[str, object]]:
    """A finding as labelled lines in the force's words (dates and codes as a person reads them)."""
    from qam.fieldwork.participants import gathered, who
    from qam.vocabulary import date_label, datetime_label, label

    session = row["session"]
    counts = row.get("grade_counts") or {}
    return [
        ("Finding", row["id"]),
        ("Review", row["review_id"]),
        ("Question", row["question_id"]),
        ("Method", label(row["method"])),
        ("Grade", label(row["grade"]) if row["grade"] else "Not assessed"),
        ("Good practice", "yes" if row["good_practice"] else ""),
        ("Sources", row["sources"]),
        ("Concerns", row["concerns"]),
        ("Who (role, unit)", who(row, session)),
        ("Session", gathered({**session, "method": row["method"]})),
        ("Held", ", ".join(p for p in (date_label(session["held_on"]), session["place"]) if p)),
        ("Recorded by", row["reviewer"]),
        ("Recorded", datetime_label(row["created_at"])),
        ("Replaces", row["supersedes"]),
        ("Replaced by", ", ".join(row["superseded_by"] or [])),
        ("Register links", ", ".join(row["links"] or [])),
        ("Responses", row["responses"]),
        ("Grades given", ", ".join(f"{label(g)} {n}" for g, n in counts.items())),
    ]


def _cut(text: str, width: int) -> str:
    """Text on one line, cut at a word with "…" when longer than `width`."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    return text[: width - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


@app.command("show")
def show_cmd(
    finding_id: Annotated[
        str, typer.Argument(help="The finding's id (as printed by `saved ...`).")
    ],
    json_: JsonFlag = False,
) -> None:
    """Show one finding in full, with its links and what replaced it.

    Example: qam findings show 3f0c9a2e-... --json
    """
    from qam.enablers import labels
    from qam.fieldwork.findings import finding_in_full

    with open_store() as store:
        row = finding_in_full(store, finding_id)
    session = row["session"]
    row["session"] = {
        k: session[k]
        for k in (
            "held_on",
            "place",
            "participants",
            "head_count",
            "document_title",
            "document_hash",
            "finalised_at",
        )
    }
    if json_:
        print_json(row)
        return
    for name, value in _finding_lines(row):
        if value not in (None, [], ""):
            typer.echo(f"{name}: {value}")
    typer.echo(f"Enablers: {labels(row['enablers'])}")
    if row["set_aside"]:
        aside = row["set_aside"]
        typer.echo(
            f"Set aside: {aside['actor']} kept {aside['kept_id']} instead ({aside['reason']})."
        )
    if row["session"]["document_title"]:
        typer.echo(
            f"Document: {row['session']['document_title']} (sha256 {row['session']['document_hash']})"
        )
    typer.echo("Notes:")
    typer.echo(row["notes"])


@app.command("check")
def check_cmd(
    review: Annotated[
        str | None, typer.Option("--review", help="Only this review's findings.")
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """Flag current findings whose notes or concerns may name or identify a person.

    Matches the names of SMEs in the pool, a rank or title before a capitalised word
    (PC, DC, PS, DS, Sgt, Insp, DI, Ch Insp, Supt, Mr, Mrs, Ms, Miss, Dr), email addresses,
    UK phone numbers, collar and warrant numbers, and UK postcodes in capitals. A safety net,
    not a guarantee: a bare surname passes, and a title before a place is flagged. Finalising
    a session runs the same check.

    Example: qam findings check --review R03
    """
    from qam.fieldwork.names import check
    from qam.planner.reviews import get_review

    with open_store() as store:
        if review:
            get_review(store, review)
        rows = check(store, review_id=review)
    if json_:
        print_json(rows)
        return
    for r in rows:
        r["words_text"] = ", ".join(r["words"])
        r["fields_text"] = ", ".join(r["fields"])
    print_table(
        rows,
        [
            ("finding_id", "Finding"),
            ("review_id", "Review"),
            ("question_id", "Question"),
            ("fields_text", "In"),
            ("words_text", "Possible names"),
        ],
        empty="No possible names found in the current findings.",
    )
    if rows:
        typer.echo("Replace a name with a role: qam findings correct ID --notes ... --reason ...")


@app.command("correct")
def correct_cmd(
    finding_id: Annotated[str, typer.Argument(help="The finding to correct.")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why it is corrected (kept in the trail).")
    ],
    notes: Annotated[str | None, typer.Option("--notes", help="The corrected notes.")] = None,
    grade: Annotated[
        str | None, typer.Option("--grade", help="The corrected grade, or 'not_assessed'.")
    ] = None,
    good_practice: Annotated[
        bool | None,
        typer.Option("--good-practice/--no-good-practice", help="Mark or unmark as good practice."),
    ] = None,
    sources: Annotated[
        int | None, typer.Option("--sources", help="The corrected number of sources.")
    ] = None,
    link: Annotated[
        list[str] | None, typer.Option("--link", help="Register refs to link instead (repeat).")
    ] = None,
    add_enabler: Annotated[
        list[str] | None,
        typer.Option(
            "--add-enabler", help="An enabler it also speaks to, e.g. technology (repeat)."
        ),
    ] = None,
    remove_enabler: Annotated[
        list[str] | None,
        typer.Option("--remove-enabler", help="An enabler it does not speak to (repeat)."),
    ] = None,
) -> None:
    """Correct a finding: a new version that replaces it, with your reason in the trail.

    Example: qam findings correct 3f0c9a2e-... --notes "Six of eight records..." --reason "miscounted the records"
    """
    from qam.fieldwork.findings import correct

    with open_store() as store:
        row = correct(
            store,
            finding_id,
            actor=actor(),
            reason=reason,
            notes=notes,
            grade=None if grade == "not_assessed" else grade,
            clear_grade=grade == "not_assessed",
            good_practice=good_practice,
            sources=sources,
            links=link,
            enablers=[f"+{e}" for e in add_enabler or []] + [f"-{e}" for e in remove_enabler or []]
            or None,
        )
    typer.echo(f"Saved. Finding {row['id']} corrects {row['supersedes']}.")


@app.command("import-survey")
def import_survey_cmd(
    review: Annotated[str, typer.Argument(help="The review the survey belongs to.")],
    file: FileArg,
    held_on: Annotated[
        str | None,
        typer.Option("--held-on", help="When the survey closed, e.g. 06/02/2027 (default today)."),
    ] = None,
    sheet: SheetOpt = None,
    map_: MapOpt = None,
    value: ValueOpt = None,
    dry_run: DryRunOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Import survey responses: one finding per question column, with counts and the grade spread.

    A column is a question when its header is the question's id (or --map "Header=id"). A
    cell holding a grade (good, Requires improvement, ...) counts towards that grade; any
    other text is kept in the finding's notes. Respondent, role, unit and time columns are
    allowed; role and unit are summarised, never names. Any other column (a name, an email)
    is refused until it is mapped or left out with --map "Header=ignore".

    Example: qam findings import-survey R03 custody-survey.csv --map "Name=ignore"
    """
    from qam.cli import _imports
    from qam.fieldwork.survey import import_survey
    from qam.vocabulary import count_label

    with open_store() as store:
        receipt = import_survey(
            store,
            review,
            file,
            actor=actor(),
            held_on=held_on,
            options=_imports.options(sheet, map_, value, dry_run),
        )
    _imports.show(receipt, json_)
    if not json_ and not dry_run:
        typer.echo(
            f"{count_label(receipt.details['responses'], 'response')} -> "
            f"{count_label(len(receipt.details['findings']), 'finding')} saved "
            f"(session {receipt.details['session']})."
        )


@app.command("grade")
def grade_cmd(
    finding_id: Annotated[str, typer.Argument(help="The finding to grade a second time.")],
    grade: Annotated[
        str | None,
        typer.Option("--grade", help="Your grade (asked in a terminal when left out)."),
    ] = None,
) -> None:
    """Grade a finding a second time, blind: its first grade is never shown.

    Run it as the second reviewer (`--as NAME` or QAM_USER): the reviewer who gave the first
    grade is refused. Compare the two with `qam reviews agreement REVIEW`.

    Example: qam --as pc.western findings grade 3f0c9a2e-... --grade adequate
    """
    from qam.fieldwork.moderation import grading_view, second_grade

    with open_store() as store:
        if grade is None:
            grade = _ask_blind_grade(grading_view(store, finding_id))
        saved = second_grade(store, finding_id, grade=grade, actor=actor())
    typer.echo(
        f"Second grade saved for finding {saved['finding_id']}. The two grades are compared by "
        "`qam reviews agreement`."
    )


def _ask_blind_grade(view: dict) -> str:
    """Show the finding's question and evidence (never its grade) and ask for a grade."""
    from qam.cli.prompts import Field, ask_missing, interactive
    from qam.vocabulary import label

    if interactive():
        typer.echo(f"{view['area']} ({view['question_id']}): {view['question']}")
        typer.echo(f"{view['method']}, {view['sources'] or 1} source(s). Notes:")
        typer.echo(view["notes"] or "(no notes)")
        typer.echo("The first grade stays hidden: give your own.")
    field = Field("grade", "Your grade", choices=[(label(g), g) for g in view["grades"]])
    return ask_missing({"grade": None}, [field], "findings grade FINDING")["grade"]


@app.command("moderate")
def moderate_cmd(
    finding_id: Annotated[str, typer.Argument(help="The finding graded twice.")],
    grade: Annotated[str, typer.Option("--grade", help="The moderated grade.")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why this grade (kept in the decision trail).")
    ],
) -> None:
    """Settle a finding's grade after two reviewers graded it; reports then use this grade.

    Example: qam findings moderate 3f0c9a2e-... --grade adequate --reason "Handover seen on 3 of 5 shifts"
    """
    from qam.fieldwork.moderation import moderate

    with open_store() as store:
        saved = moderate(store, finding_id, grade=grade, reason=reason, actor=actor())
    typer.echo(
        f"Moderated: finding {saved['finding_id']} now reports {saved['grade']} "
        f"(first {saved['first_grade']}, second {saved['second_grade']})."
    )
