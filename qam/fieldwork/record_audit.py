"""A record audit's answers and results: each sampled record checked item by item (yes, no or
not applicable, with a note), the compliance rate of each item with its 95% Wilson interval,
and, when the audit's capture session is finalised, one finding per item stating the result.

A check is saved the moment it is given (one `record_check` row, with its trail event), inside
a capture session whose method is `record_audit`, so a record audit resumes and finalises
like any capture. A record checked again gets a new row carrying the answers so far, and the
latest row stands. The rate is yes / (yes + no): not applicable is left out of both.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

from qam.analysis.stats import wilson_interval
from qam.clock import now
from qam.errors import RefusedError
from qam.store import audit
from qam.store import record_audits as audits_db
from qam.trail import text_fingerprint

if TYPE_CHECKING:
    from qam.store import Store

METHOD = "record_audit"
YES, NO, NA = "yes", "no", "na"
ANSWERS = (YES, NO, NA)
_SPELLINGS = {
    "yes": YES,
    "y": YES,
    "true": YES,
    "no": NO,
    "n": NO,
    "false": NO,
    "na": NA,
    "n/a": NA,
    "n a": NA,
    "not applicable": NA,
}


def answer_of(value: object) -> str:
    """yes, no or na from the ways people write them; RefusedError otherwise."""
    key = (
        " ".join(str(value).strip().lower().replace("_", " ").split()) if value is not None else ""
    )
    if isinstance(value, bool):
        key = "yes" if value else "no"
    found = _SPELLINGS.get(key)
    if found is None:
        raise RefusedError(f"'{value}' is not an answer: give yes, no or na (not applicable).")
    return found


def item_of(sample: dict, key: str) -> str:
    """The checklist item a key names: its text (any case and spacing) or its number from 1."""
    items = [i["item"] for i in sample["items"]]
    text = " ".join(str(key).split())
    if text.isdigit() and 1 <= int(text) <= len(items):
        return items[int(text) - 1]
    for item in items:
        if item.casefold() == text.casefold():
            return item
    listed = "; ".join(f"{n}. {i}" for n, i in enumerate(items, start=1))
    raise RefusedError(f"'{key}' is not an item of this review's checklist: {listed}.")


def record_in(sample: dict, record_id: str) -> dict:
    """The sampled record with this id, or RefusedError: only sampled records are checked."""
    wanted = str(record_id).strip()
    for record in sample["records"]:
        if record["id"] == wanted:
            return record
    raise RefusedError(
        f"Record '{wanted}' is not in review {sample['review_id']}'s sample; "
        "`qam sample draw` lists the records drawn."
    )


def check_record(
    store: Store,
    session: dict,
    record_id: str,
    checks: Mapping[str, object],
    *,
    actor: str,
    notes: str | None = None,
) -> dict:
    """Save a record's answers (added to those already given), with a trail event that keeps
    the answers and the note's fingerprint, never the record's id."""
    from qam.fieldwork.sampling import get_sample
    from qam.store import sessions as sessions_db

    sample = get_sample(store, session["review_id"])
    record = record_in(sample, record_id)
    answers = {item_of(sample, key): answer_of(value) for key, value in checks.items()}
    with store.transaction():
        current = sessions_db.session(store, session["id"])
        if current is None or current["finalised_at"]:
            raise RefusedError(
                f"Session {session['id'][:8]} is finalised; its record audit is concluded."
            )
        previous = audits_db.current_checks(store, sample["id"]).get(record["id"])
        merged = {**(previous["checks"] if previous else {}), **answers}
        check = {
            "id": str(uuid.uuid4()),
            "sample_id": sample["id"],
            "session_id": session["id"],
            "review_id": sample["review_id"],
            "record_id": record["id"],
            "checks": merged,
            "notes": (notes if notes is not None else (previous or {}).get("notes", "")) or "",
            "reviewer": actor,
            "created_at": now(),
        }
        audits_db.insert_check(store, check)
        audit.append_event(
            store,
            actor=actor,
            entity="record_check",
            entity_id=check["id"],
            action="check",
            old={"check": previous["id"]} if previous else None,
            new={
                "sample": sample["id"],
                "answers": answers,
                "notes_sha256": text_fingerprint(check["notes"]),
            },
            reason="record checked in a record audit",
        )
    return check


# ----------------------------------------------------------------------------- results


def _rate(yes: int, no: int) -> dict:
    interval = wilson_interval(yes, yes + no)
    if interval is None:
        return {"rate": None, "ci_low": None, "ci_high": None}
    return {"rate": yes / (yes + no), "ci_low": interval[0], "ci_high": interval[1]}


def _counts(item: str, stratum: str | None, answers: list[str]) -> dict:
    yes, no, na = (answers.count(a) for a in ANSWERS)
    return {"item": item, "stratum": stratum, "yes": yes, "no": no, "na": na, **_rate(yes, no)}


def tally(sample: dict, checks: Mapping[str, dict]) -> list[dict]:
    """For each item, overall (stratum None) then each stratum (when the records have strata):
    yes, no and na counts, and the rate over yes + no with its 95% Wilson interval."""
    strata = list(dict.fromkeys(r["stratum"] for r in sample["records"] if r["stratum"]))
    stratum_of = {r["id"]: r["stratum"] for r in sample["records"]}
    rows = []
    for entry in sample["items"]:
        item = entry["item"]
        given = [
            (stratum_of.get(record), c["checks"][item])
            for record, c in checks.items()
            if item in c["checks"]
        ]
        rows.append(_counts(item, None, [a for _, a in given]))
        for stratum in strata:
            rows.append(_counts(item, stratum, [a for s, a in given if s == stratum]))
    return rows


def results(store: Store, review_id: str) -> dict:
    """The audit so far: {"review", "seed", "records", "checked", "items", "strata",
    "results": [{"item", "stratum", "yes", "no", "na", "rate", "ci_low", "ci_high"}]}, rates
    as fractions; each item's first row (stratum None) counts every record, then a row a stratum."""
    from qam.fieldwork.sampling import get_sample

    sample = get_sample(store, review_id)
    checks = audits_db.current_checks(store, sample["id"])
    return {
        "review": review_id,
        "seed": sample["seed"],
        "frame": sample["frame_name"],
        "records": len(sample["records"]),
        "checked": len(checks),
        "items": sample["items"],
        "strata": sample["strata"],
        "stratum_column": sample["options"].get("stratum_column"),
        "results": tally(sample, checks),
    }


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def statement(row: dict) -> str:
    """'41 of 60 records (68%, 95% CI 56–78%)', or 'no record answered yes or no'."""
    answered = row["yes"] + row["no"]
    if not answered:
        return "no record answered yes or no"
    return (
        f"{row['yes']} of {answered} records ({percent(row['rate'])}, 95% CI "
        f"{row['ci_low'] * 100:.0f}–{row['ci_high'] * 100:.0f}%)"
    )


def finding_notes(item: str, rows: list[dict], by: str | None) -> str:
    """A finding's notes for one item: the overall result, then each stratum's."""
    overall = next(r for r in rows if r["stratum"] is None)
    text = f"{item}: {statement(overall)}"
    if overall["na"]:
        text += f"; {overall['na']} not applicable (left out of the rate)"
    strata = [r for r in rows if r["stratum"] is not None]
    if strata:
        text += f". By {(by or 'stratum').lower()}: " + "; ".join(
            f"{r['stratum']} {statement(r)}" for r in strata
        )
    return text + "."


# ----------------------------------------------------------------------------- conclusions


def conclude(store: Store, session: dict, actor: str) -> list[dict]:
    """One finding per checklist item stating its result, saved in `session` (a record audit
    session about to be finalised, inside the caller's transaction); a finding that stated
    the same item before is replaced by the new one."""
    from qam.fieldwork.sampling import get_sample
    from qam.store import findings as findings_db

    sample = get_sample(store, session["review_id"])
    done = results(store, session["review_id"])
    earlier = audits_db.item_findings(store, sample["id"])
    saved = []
    for entry in sample["items"]:
        rows = [r for r in done["results"] if r["item"] == entry["item"]]
        overall = next(r for r in rows if r["stratum"] is None)
        previous = _current_of(store, earlier.get(entry["item"], []))
        finding = _finding(
            session, entry, finding_notes(entry["item"], rows, done["stratum_column"])
        )
        finding.update(
            reviewer=actor,
            sources=overall["yes"] + overall["no"],
            supersedes=previous,
        )
        findings_db.save_finding(store, finding)
        audits_db.insert_item_findings(store, [(finding["id"], sample["id"], entry["item"])])
        audit.append_event(
            store,
            actor=actor,
            entity="finding",
            entity_id=finding["id"],
            action="revise" if previous else "record",
            old={"finding": previous} if previous else None,
            new={
                "question": entry["question"],
                "grade": None,
                "good_practice": False,
                "sources": finding["sources"],
                "links": [],
                "notes_sha256": text_fingerprint(finding["notes"]),
            },
            reason="record audit concluded",
        )
        saved.append(finding)
    return saved


def _current_of(store: Store, finding_ids: list[str]) -> str | None:
    """The one of these findings no later version replaced (the latest stated result)."""
    from qam.store import findings as findings_db

    for finding_id in reversed(finding_ids):
        if not findings_db.superseded_by(store, finding_id):
            return finding_id
    return None


def _finding(session: dict, entry: dict, notes: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "session_id": session["id"],
        "review_id": session["review_id"],
        "question_set": session["question_set"],
        "question_set_version": session["question_set_version"],
        "question_id": entry["question"],
        "method": METHOD,
        "notes": notes,
        "grade": None,
        "good_practice": 0,
        "concerns": None,
        "participant_role": None,
        "participant_unit": None,
        "created_at": now(),
        "responses": None,
        "grade_counts": None,
    }


def session_summary(store: Store, session: dict) -> str:
    """'12 of 60 records checked' for a record audit session's resume line."""
    from qam.fieldwork.sampling import get_sample

    sample = get_sample(store, session["review_id"])
    checked = audits_db.checked_count(store, sample["id"])
    return f"{checked} of {len(sample['records'])} records checked"
