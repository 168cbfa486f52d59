"""`qam retention`: list the fieldwork records past their retention period, and purge them.

A top-level command registered by `register(app)`. "Today" is the real date, or `QAM_TODAY`
(YYYY-MM-DD) when set: the tests move the clock with it, and only this module reads it, so
the domain function always takes `today` as a parameter.
"""

import os
from typing import Annotated

import typer

from qam.cli._common import actor, open_store, print_json, print_table


def register(app: typer.Typer) -> None:
    app.command("retention")(retention)


def _today():
    from datetime import date

    from qam.errors import RefusedError

    value = os.environ.get("QAM_TODAY", "").strip()
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RefusedError(
            f"QAM_TODAY is '{value}', not a date; give it as YYYY-MM-DD or unset it."
        ) from None


def retention(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what is due and change nothing.")
    ] = False,
    years: Annotated[
        int | None,
        typer.Option("--years", help="Use this retention period (whole years) for this run only."),
    ] = None,
    set_years: Annotated[
        int | None,
        typer.Option(
            "--set-years",
            help="Record a new retention period (whole years) for this store, and stop.",
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="With --set-years: why (kept in the decision trail)."),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Purge fieldwork notes kept longer than the retention period after their review ended.

    Due: the capture sessions and findings (every version) of reviews whose end date is more
    than N years ago (N: the store's setting, 6 unless changed with --set-years). The purge
    blanks their free text (notes, concerns, participants, place, document titles), keeps
    the rows so counts by review, question and grade stay true, and records one trail event
    holding counts and review ids only. Run with --dry-run first.

    Example: qam retention --dry-run
    """
    from qam.fieldwork import retention as fw

    with open_store() as store:
        if set_years is not None:
            result = fw.set_years(store, set_years, actor=actor(), reason=reason)
            if json_:
                print_json(result)
            else:
                typer.echo(
                    f"Retention period set to {result['years']} years (was {result['old']})."
                )
            return
        result = fw.purge(store, today=_today(), actor=actor(), years=years, dry_run=dry_run)
    if json_:
        print_json(result)
        return
    from qam.vocabulary import count_label, date_label

    rows = result["reviews"]
    today = date_label(result["today"])
    print_table(
        [{**r, "end": date_label(r["end"]), "due_since": date_label(r["due_since"])} for r in rows],
        [
            ("review_id", "Review"),
            ("end", "Ended"),
            ("due_since", "Due since"),
            ("sessions", "Sessions"),
            ("findings", "Findings"),
        ],
        empty=f"Nothing is due under a {result['years']}-year retention period (today {today}).",
    )
    for review_id in result["undated"]:
        typer.echo(
            f"Review {review_id} has no valid end date, so it is never due; add one to the review."
        )
    if not rows:
        return
    if result["trail_events_keeping_text"]:
        typer.echo(
            f"Note: {count_label(result['trail_events_keeping_text'], 'trail event')} about these records, written by "
            "an earlier QAM, keep their words: the decision trail is append-only and chained, so a purge "
            "cannot blank them. (QAM now records only fingerprints of free text in the trail.)"
        )
    totals = (
        f"{count_label(result['sessions'], 'session')} and "
        f"{count_label(result['findings'], 'finding')} in {count_label(len(rows), 'review')}"
    )
    if result["purged"]:
        typer.echo(
            f"Purged {totals}: their free text is gone from the store and its search index. "
            f"Trail event {result['event_id']}."
        )
    else:
        typer.echo(
            f"Due under a {result['years']}-year retention period (today {today}): {totals}. "
            "Nothing was changed; run `qam retention` without --dry-run to purge them."
        )
