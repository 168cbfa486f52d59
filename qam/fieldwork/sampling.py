"""Drawing a record audit's sample (a dip sample) from a frame of records, reproducibly.

The frame is a CSV or XLSX list of records (custody records, crime reports, stop and search
forms), one a row, read through the one import pipeline (`qam.imports`): the record id from
the column named by `--id-column` (else a column called record, id, reference ...), and for a
stratified draw the stratum (a suite, a BCU) from `--stratum-column`.

How records are drawn (the permanent random number method, as statistical offices use it):
each record gets the number SHA-256("qam-sample-v1|<seed>|<record id>"), read as a 256-bit
integer, and a draw takes the records with the smallest numbers: the N smallest of the whole
frame (`--size N`: a simple random sample), or of each stratum (`--per-stratum N`: equal
quotas, strata in alphabetical order). The records come out in that order. So the same frame,
options and seed always give the same records in the same order, on any machine and any
version of Python; the order of the rows in the file does not matter; another seed gives
another sample; and a record added to the frame later does not reshuffle the others. A
stratum with fewer records than its quota is taken whole, and the draw says so.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qam.clock import now
from qam.errors import RefusedError
from qam.store import audit
from qam.store import record_audits as audits_db

if TYPE_CHECKING:
    from qam.question_sets import QuestionSet
    from qam.store import Store

METHOD = "qam-sample-v1"
MAX_SAMPLE = 10_000
RECORD_SYNONYMS = (
    "record id",
    "id",
    "reference",
    "ref",
    "record number",
    "custody record",
    "custody number",
    "crime number",
    "crime reference",
    "urn",
)
STRATUM_SYNONYMS = ("stratum", "suite", "custody suite", "station", "bcu", "unit", "area")


@dataclass
class Frame:
    """The records of a frame file: (id, stratum or None) each, with the file's fingerprint."""

    source: str
    sha256: str
    records: list[tuple[str, str | None]]
    id_column: str
    stratum_column: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Draw:
    """What a draw took: records (id, stratum) in draw order, and each stratum's count."""

    records: list[dict]
    strata: list[dict]


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_frame(
    path: Path | str,
    *,
    id_column: str | None = None,
    stratum_column: str | None = None,
    sheet: str | None = None,
) -> Frame:
    """The frame's records, every problem in the file named at once (ImportFileError)."""
    from qam.imports import values
    from qam.imports.headers import Field
    from qam.imports.pipeline import ImportOptions, Reading

    fields = [
        Field(
            "record",
            values.one_line,
            synonyms=RECORD_SYNONYMS,
            column_required=True,
            required=True,
        )
    ]
    maps = [f"{id_column}=record"] if id_column else []
    if stratum_column:
        fields.append(
            Field(
                "stratum",
                values.one_line,
                synonyms=STRATUM_SYNONYMS,
                column_required=True,
                required=True,
                cache=True,
            )
        )
        maps.append(f"{stratum_column}=stratum")
    reading = Reading(path, fields, ImportOptions(sheet=sheet, maps=maps))
    seen: dict[str, int] = {}
    records: list[tuple[str, str | None]] = []
    for row in reading:
        if not row.ok:
            continue
        record = str(row.get("record"))
        if record in seen:
            reading.problem(
                "record listed twice",
                row,
                column=reading.header("record"),
                raw=record,
                fix=f"each record once in the frame (also row {seen[record]})",
            )
            continue
        seen[record] = row.number
        stratum = row.get("stratum")
        records.append((record, str(stratum) if stratum is not None else None))
    reading.finish(empty_what="records")
    return Frame(
        source=reading.source,
        sha256=file_sha256(path),
        records=records,
        id_column=reading.header("record") or "record",
        stratum_column=reading.header("stratum") if stratum_column else None,
        warnings=list(reading.warnings),
    )


def rank(seed: int, record: str) -> int:
    """A record's permanent random number for this seed (smaller is drawn first)."""
    return int.from_bytes(hashlib.sha256(f"{METHOD}|{seed}|{record}".encode()).digest(), "big")


def draw(
    records: list[tuple[str, str | None]],
    *,
    seed: int,
    per_stratum: int | None = None,
    size: int | None = None,
) -> Draw:
    """The sample (see the module's docstring for the method); exactly one of the two sizes."""
    if (per_stratum is None) == (size is None):
        raise RefusedError("Give either --per-stratum N or --size N (not both).")
    quota = per_stratum if per_stratum is not None else size
    assert quota is not None
    if not 1 <= quota <= MAX_SAMPLE:
        raise RefusedError(f"A sample size must be a whole number from 1 to {MAX_SAMPLE:,}.")
    ordered = sorted(records, key=lambda r: (rank(seed, r[0]), r[0]))
    by_stratum: dict[str | None, list[tuple[str, str | None]]] = {}
    for record in ordered:
        by_stratum.setdefault(record[1], []).append(record)
    names = sorted(by_stratum, key=lambda s: ((s or "").casefold(), s or ""))
    if per_stratum is not None:
        if None in by_stratum:
            raise RefusedError(
                "A stratified draw needs --stratum-column naming each record's stratum."
            )
        taken = [r for name in names for r in by_stratum[name][:per_stratum]]
    else:
        taken = ordered[:quota]
    counts: dict[str | None, int] = {}
    for _, stratum in taken:
        counts[stratum] = counts.get(stratum, 0) + 1
    strata = [
        {
            "stratum": name,
            "frame": len(by_stratum[name]),
            "quota": per_stratum,
            "taken": counts.get(name, 0),
            "whole": per_stratum is not None and len(by_stratum[name]) < per_stratum,
        }
        for name in names
    ]
    if size is not None and len(records) < size:
        strata = [{**s, "whole": True} for s in strata]
    return Draw(records=[{"id": r, "stratum": s} for r, s in taken], strata=strata)


# ----------------------------------------------------------------------------- the checklist


def audit_question(qs: QuestionSet, theme: str | None, question_id: str | None = None):
    """The question a record audit answers: the one named, else the first graded question on
    the review's theme (a custody review: the custody question), else the set's first."""
    if question_id:
        return qs.question(question_id)
    on_theme = [q for q in qs.questions if theme and theme in q.themes]
    graded = [q for q in on_theme if q.graded]
    return (graded or on_theme or list(qs.questions))[0]


def checklist(
    qs: QuestionSet, review: dict, items: list[str], question_id: str | None
) -> list[dict]:
    """The items each record is checked against: those given, else the question's
    characteristics of good. Each is {"item": text, "question": question id}."""
    question = audit_question(qs, review.get("theme"), question_id)
    texts = [" ".join(i.split()) for i in items if i and i.strip()] or list(
        question.characteristics
    )
    if not texts:
        raise RefusedError(
            f"Question {question.id} lists no characteristics to check records against; give "
            'the checklist with --item "..." (repeat it for each item).'
        )
    unique = list(dict.fromkeys(texts))
    if len(unique) < len(texts):
        raise RefusedError("An item is given twice; give each checklist item once.")
    return [{"item": text, "question": question.id} for text in unique]


# ----------------------------------------------------------------------------- the draw kept


def _same_draw(old: dict, new: dict) -> bool:
    """The same seed, options, checklist and records: a re-exported frame (rows in another
    order, another encoding) that draws the same records is the same draw."""
    keys = ("seed", "options", "items", "records")
    return all(
        json.dumps(old[k], sort_keys=True) == json.dumps(new[k], sort_keys=True) for k in keys
    )


def draw_sample(
    store: Store,
    review_id: str,
    frame: Frame,
    *,
    seed: int,
    actor: str,
    per_stratum: int | None = None,
    size: int | None = None,
    items: list[str] | tuple[str, ...] = (),
    question_id: str | None = None,
    replace: bool = False,
) -> dict:
    """Draw a review's sample and keep it with the review (record ids) and in the trail
    (the frame's fingerprint and the counts, never a record id). Drawing the same sample again
    changes nothing; another draw replaces it only with `replace` and before any record is
    checked."""
    from qam.fieldwork.sessions import question_set_for
    from qam.planner.reviews import get_review

    review = get_review(store, review_id)
    if per_stratum is not None and frame.stratum_column is None:
        raise RefusedError(
            "--per-stratum needs --stratum-column: the column naming each record's stratum."
        )
    qs = question_set_for(store, review["question_set"] or "paf-2023", actor)
    drawn = draw(frame.records, seed=seed, per_stratum=per_stratum, size=size)
    sample = {
        "id": str(uuid.uuid4()),
        "review_id": review["id"],
        "seed": seed,
        "frame_name": frame.source,
        "frame_sha256": frame.sha256,
        "frame_rows": len(frame.records),
        "options": {
            "id_column": frame.id_column,
            "stratum_column": frame.stratum_column,
            "per_stratum": per_stratum,
            "size": size,
            "method": METHOD,
        },
        "items": checklist(qs, review, list(items), question_id),
        "records": drawn.records,
        "strata": drawn.strata,
        "drawn_by": actor,
        "drawn_at": now(),
        "replaces": None,
    }
    old = audits_db.current_sample(store, review["id"])
    if old is not None:
        if _same_draw(old, sample):
            return {**old, "unchanged": True}
        _check_replaceable(store, old, replace)
        sample["replaces"] = old["id"]
    with store.transaction():
        audits_db.insert_sample(store, sample)
        audit.append_event(
            store,
            actor=actor,
            entity="record_sample",
            entity_id=sample["id"],
            action="draw",
            old={"sample": old["id"]} if old else None,
            new=trail_view(sample),
            reason="record audit sample drawn",
        )
    return {**sample, "unchanged": False}


def trail_view(sample: dict) -> dict:
    """What the trail keeps of a draw: fingerprints and counts, never a record id."""
    ids = json.dumps([r["id"] for r in sample["records"]], ensure_ascii=False)
    return {
        "review": sample["review_id"],
        "frame": sample["frame_name"],
        "frame_sha256": sample["frame_sha256"],
        "frame_rows": sample["frame_rows"],
        "seed": sample["seed"],
        "options": sample["options"],
        "items": len(sample["items"]),
        "records": len(sample["records"]),
        "records_sha256": hashlib.sha256(ids.encode()).hexdigest(),
        "strata": {s["stratum"] or "": s["taken"] for s in sample["strata"]},
    }


def _check_replaceable(store: Store, old: dict, replace: bool) -> None:
    checked = audits_db.checked_count(store, old["id"])
    if checked:
        raise RefusedError(
            f"Review {old['review_id']} has {checked} record(s) checked against its sample "
            f"(seed {old['seed']}, drawn from {old['frame_name']}); a new draw would leave them "
            "behind. Finish the audit on this sample."
        )
    if not replace:
        raise RefusedError(
            f"Review {old['review_id']} already has a sample (seed {old['seed']}, "
            f"{len(old['records'])} records from {old['frame_name']}); no record is checked yet, "
            "so add --replace to draw this one in its place."
        )


def get_sample(store: Store, review_id: str) -> dict:
    """A review's sample, or a RefusedError saying how to draw one."""
    from qam.planner.reviews import get_review

    get_review(store, review_id)
    sample = audits_db.current_sample(store, review_id)
    if sample is None:
        raise RefusedError(
            f"Review {review_id} has no record sample yet: draw one with `qam sample draw "
            f"{review_id} --frame FILE --size N --seed S`."
        )
    return sample
