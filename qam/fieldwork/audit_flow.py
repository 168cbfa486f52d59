"""The guided record audit: record by record, item by item, each answer saved as it is given.

`qam capture REVIEW --method record_audit` opens a session like any other method (date and
place), then walks the review's sample in its drawn order instead of the question set: for
each record, yes, no or not applicable for each checklist item (saved the moment it is
chosen), then an optional note. Coming back resumes at the first record not fully answered.
Finalising concludes the audit: one finding per item states its rate and 95% interval.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qam.fieldwork.record_audit import NA, NO, YES, check_record, percent, results
from qam.fieldwork.sampling import get_sample
from qam.prompter import Prompter
from qam.store import record_audits as audits_db

if TYPE_CHECKING:
    from qam.store import Store

CHECK, SKIP, BACK, GO_TO, STOP = "check", "skip", "back", "go_to", "stop"
ANSWER_CHOICES = [("Yes", YES), ("No", NO), ("Not applicable", NA)]


def _complete(sample: dict, check: dict | None) -> bool:
    return check is not None and all(i["item"] in check["checks"] for i in sample["items"])


def _resume_index(sample: dict, checks: dict) -> int:
    for i, record in enumerate(sample["records"]):
        if not _complete(sample, checks.get(record["id"])):
            return i
    return len(sample["records"])


def _show(ask: Prompter, sample: dict, index: int, check: dict | None) -> None:
    record = sample["records"][index]
    where = f" ({record['stratum']})" if record["stratum"] else ""
    ask.say("")
    ask.say(f"Record {index + 1} of {len(sample['records'])}: {record['id']}{where}")
    if check:
        given = ", ".join(
            f"{n}. {check['checks'][i['item']]}"
            for n, i in enumerate(sample["items"], 1)
            if i["item"] in check["checks"]
        )
        ask.say(f"  Saved: {given}" + (f"; note: {check['notes']}" if check["notes"] else ""))


def _action(ask: Prompter, index: int, check: dict | None) -> str:
    actions = [
        ("Check this record again" if check else "Check this record", CHECK),
        ("Next record" if check else "Skip (leave it for now)", SKIP),
        ("Back to the previous record", BACK),
        ("Go to another record", GO_TO),
        ("Stop (everything saved is kept; rerun qam capture to resume)", STOP),
    ]
    if index == 0:
        actions.pop(2)
    return ask.select("What next?", actions, default=CHECK)


def _check(
    store: Store,
    actor: str,
    ask: Prompter,
    session: dict,
    sample: dict,
    record: dict,
    check: dict | None,
) -> None:
    """Each item asked and saved in turn, then the note (saved when it changes)."""
    done = dict(check["checks"]) if check else {}
    for n, entry in enumerate(sample["items"], start=1):
        answer = ask.select(
            f"{n}. {entry['item']}", ANSWER_CHOICES, default=done.get(entry["item"], YES)
        )
        check = check_record(store, session, record["id"], {entry["item"]: answer}, actor=actor)
    previous = check["notes"] if check else ""
    note = ask.text("Note on this record (blank if none)", default=previous or "").strip()
    if note != (previous or ""):
        check_record(store, session, record["id"], {}, actor=actor, notes=note)
    ask.say("Saved.")


def _go_to(ask: Prompter, sample: dict, checks: dict, index: int) -> int:
    choices = [
        (
            f"{'✓' if _complete(sample, checks.get(r['id'])) else ' '} {i + 1}. {r['id']}"
            + (f" ({r['stratum']})" if r["stratum"] else ""),
            i,
        )
        for i, r in enumerate(sample["records"])
    ]
    return ask.select("Which record?", choices, default=index)


def audit_records(store: Store, actor: str, ask: Prompter, session: dict) -> None:
    """The record audit of one capture session, from where it stopped to finalising."""
    sample = get_sample(store, session["review_id"])
    items = "; ".join(f"{n}. {i['item']}" for n, i in enumerate(sample["items"], start=1))
    ask.say(f"Record audit of {len(sample['records'])} records. Check each for: {items}")
    checks = audits_db.current_checks(store, sample["id"])
    index = _resume_index(sample, checks)
    if checks:
        ask.say(
            f"Resuming at record {min(index + 1, len(sample['records']))}: {len(checks)} checked so far."
        )
    while index < len(sample["records"]):
        record = sample["records"][index]
        _show(ask, sample, index, checks.get(record["id"]))
        action = _action(ask, index, checks.get(record["id"]))
        if action == STOP:
            ask.say(
                f"Stopped. {len(checks)} of {len(sample['records'])} records checked; rerun `qam capture` to resume."
            )
            return
        if action == BACK:
            index -= 1
            continue
        if action == GO_TO:
            index = _go_to(ask, sample, checks, index)
            continue
        if action == CHECK:
            _check(store, actor, ask, session, sample, record, checks.get(record["id"]))
            checks = audits_db.current_checks(store, sample["id"])
        index += 1
    _finish(store, actor, ask, session)


def _finish(store: Store, actor: str, ask: Prompter, session: dict) -> None:
    from qam.fieldwork.sessions import finalise

    doc = results(store, session["review_id"])
    ask.say(f"All records visited: {doc['checked']} of {doc['records']} checked.")
    for row in doc["results"]:
        if row["stratum"] is None:
            ask.say(
                f"  {row['item']}: {row['yes']} of {row['yes'] + row['no']} ({percent(row['rate'])})"
            )
    if ask.confirm(
        "Conclude the audit now? Each item's result becomes a finding and the session is locked.",
        default=False,
    ):
        finalise(store, session["id"], actor)
        ask.say("Concluded: each item's result is a finding of the review (`qam findings list`).")
    else:
        ask.say(f"Left open. Conclude later: qam capture --finalise {session['id']}")
