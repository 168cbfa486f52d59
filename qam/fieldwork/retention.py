"""Retention (RELIABILITY 13, case 34): fieldwork notes are kept N years after a review ends.

The period is the store setting `retention_years` (default 6, RELIABILITY "Decisions taken
for now"). A review's capture sessions and findings, every version, are due once its `end`
date is more than N years before today: a review that ended on exactly today minus N years
is still inside its period. "Today" is a parameter, never read here from the clock, so the
tests (and the CLI's `QAM_TODAY`) can move it.

The purge blanks the free text and keeps the rows (see `qam/store/retention.py` for why),
in one transaction with one chained trail event (entity "retention", action "purge") that
holds counts and review ids only: an event carrying the purged words would defeat it.
Afterwards the store file is rewritten and the WAL emptied, so the bytes are really gone.

Sync (qam/sync/merge.py): a store that imports a bundle listing purged records purges
its own copies of them in the same import (`apply_purges`), and never imports them again, so
an old laptop bundle cannot bring a purged finding back and is not refused as a conflict.
"""

from __future__ import annotations

import uuid
from calendar import monthrange
from datetime import date
from typing import TYPE_CHECKING

from qam.clock import now
from qam.errors import RefusedError, StoreError
from qam.store import audit
from qam.store import programme as programme_db
from qam.store import retention as rdb

if TYPE_CHECKING:
    from qam.store import Store

DEFAULT_YEARS = 6
MAX_YEARS = 100
SETTING = "retention_years"


def check_years(years: int) -> int:
    """A retention period a force could mean: whole years from 1 to 100."""
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise RefusedError(
            f"--years must be a whole number of years, 1 or more (got {years}); "
            f"the default is {DEFAULT_YEARS}."
        )
    if years > MAX_YEARS:
        raise RefusedError(
            f"--years {years} is over {MAX_YEARS}; give the retention period in years."
        )
    return years


def retention_years(store: Store) -> int:
    """The store's retention period in years (the setting, else the default of 6)."""
    value = store.setting(SETTING)
    if value is None:
        return DEFAULT_YEARS
    try:
        return check_years(int(value))
    except (ValueError, RefusedError):
        raise StoreError(
            f"The store's {SETTING} setting is '{value}', not a number of years; "
            "record one with `qam retention --set-years N`."
        ) from None


def set_years(store: Store, years: int, *, actor: str, reason: str | None = None) -> dict:
    """Record a new retention period, with its trail event, in one transaction."""
    years = check_years(years)
    old = retention_years(store)
    with store.transaction():
        store.set_setting(SETTING, str(years))
        event = audit.append_event(
            store,
            actor=actor,
            entity="retention",
            entity_id=SETTING,
            action="set_years",
            old=old,
            new=years,
            reason=(reason or "").strip() or "retention period changed",
        )
    return {"old": old, "years": years, "event_id": event["event_id"]}


def add_years(day: date, years: int) -> date:
    """`day` plus whole years; 29 February becomes 28 February in a year that has none."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, monthrange(year, day.month)[1]))


def _end_date(value: str) -> date | None:
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def due(store: Store, *, today: date, years: int | None = None) -> dict:
    """What a purge would remove today: per review, its end, due-since date and record ids.

    Reviews whose end date is missing or not a date are never due (nothing says when their
    period ends); they are listed under `undated` so the QA lead can fix them.
    """
    years = check_years(years) if years is not None else retention_years(store)
    expired, undated = {}, []
    for review_id, end in programme_db.review_ends(store):
        ended = _end_date(end)
        if ended is None:
            undated.append(review_id)
        elif add_years(ended, years) < today:
            expired[review_id] = (ended, add_years(ended, years))
    records = rdb.unpurged_records(store, sorted(expired))
    reviews: list[dict] = []
    for review_id, (ended, since) in sorted(expired.items(), key=lambda kv: (kv[1][0], kv[0])):
        ids = records[review_id]
        if ids["capture_session"] or ids["finding"]:
            reviews.append(
                {
                    "review_id": review_id,
                    "end": ended.isoformat(),
                    "due_since": since.isoformat(),
                    "sessions": len(ids["capture_session"]),
                    "findings": len(ids["finding"]),
                    "session_ids": ids["capture_session"],
                    "finding_ids": ids["finding"],
                }
            )
    sessions = [i for r in reviews for i in r["session_ids"]]
    findings = [i for r in reviews for i in r["finding_ids"]]
    kept = audit.events_with_text(store, "capture_session", sessions) + audit.events_with_text(
        store, "finding", findings
    )
    return {
        "today": today.isoformat(),
        "years": years,
        "reviews": reviews,
        "undated": undated,
        "sessions": len(sessions),
        "findings": len(findings),
        "trail_events_keeping_text": kept,
    }


def purge(
    store: Store, *, today: date, actor: str, years: int | None = None, dry_run: bool = False
) -> dict:
    """List (dry run) or purge what is due; the purge is one transaction with one trail event.

    Returns the `due` document, plus `event_id` and `purged: True` after a real run that had
    something to purge. Nothing due: no record and no event is written; the file is still
    rewritten if earlier purges exist, to finish a wipe a full disk once stopped.
    """
    plan = due(store, today=today, years=years)
    plan = {**plan, "dry_run": dry_run, "purged": False, "event_id": None}
    if dry_run:
        return plan
    if not plan["reviews"]:
        if rdb.purged_ids(store)["finding"] or rdb.purged_ids(store)["capture_session"]:
            rdb.wipe_free_space(store)  # finishes a wipe an earlier run could not (disk full)
        return plan
    sessions = [i for r in plan["reviews"] for i in r["session_ids"]]
    findings = [i for r in plan["reviews"] for i in r["finding_ids"]]
    event_id, at = str(uuid.uuid4()), now()
    rdb.secure_delete(store, True)
    with store.transaction():
        rdb.purge_records(
            store, session_ids=sessions, finding_ids=findings, at=at, event_id=event_id
        )
        audit.append_event(
            store,
            actor=actor,
            entity="retention",
            entity_id=today.isoformat(),
            action="purge",
            event_id=event_id,
            at=at,
            new={
                "years": plan["years"],
                "today": today.isoformat(),
                "reviews": [r["review_id"] for r in plan["reviews"]],
                "sessions": len(sessions),
                "findings": len(findings),
            },
            reason=f"retention period of {plan['years']} years after the review's end has passed",
        )
    rdb.wipe_free_space(store)
    return {**plan, "purged": True, "event_id": event_id}


def apply_purges(store: Store, rows: list[dict], *, actor: str, from_store: str) -> dict[str, int]:
    """Inside an import's transaction: purge this store's copies of records another store purged.

    `rows` are the bundle's `purged_record` rows. Records held here and not yet purged are
    blanked exactly as a local purge blanks them, one trail event (counts only) says so, and
    every row is recorded in `purged_record` with the event id of the original purge. The
    caller turns `secure_delete` on before its transaction and wipes free space after it.
    """
    done = rdb.purged_ids(store)
    wanted: dict[str, set[str]] = {"capture_session": set(), "finding": set()}
    for row in rows:
        if row["record_table"] in wanted and row["record_id"] not in done.get(
            row["record_table"], set()
        ):
            wanted[row["record_table"]].add(row["record_id"])
    sessions = rdb.present_ids(store, "capture_session", wanted["capture_session"])
    findings = rdb.present_ids(store, "finding", wanted["finding"])
    counts = {"sessions": len(sessions), "findings": len(findings)}
    rdb.insert_purged(store, rows)  # first, so each record keeps the original purge's event id
    if sessions or findings:
        event_id, at = str(uuid.uuid4()), now()
        rdb.purge_records(
            store, session_ids=sessions, finding_ids=findings, at=at, event_id=event_id
        )
        audit.append_event(
            store,
            actor=actor,
            entity="retention",
            entity_id=from_store,
            action="purge",
            event_id=event_id,
            at=at,
            new={**counts, "from_store": from_store},
            reason="purged under retention by the store this bundle came from",
        )
    return counts
