"""Reading the planner's files through the import pipeline: candidates, inspections, AOIs.

Each file is checked whole (every problem named at once) and stored with the candidates
re-derived in one transaction, so a half-imported calendar never exists. The same field
converters check an inspection or AOI typed at the command line (`qam plan add-inspection`,
`add-aoi`), so a value is accepted or refused the same way wherever it is written.
"""

from __future__ import annotations

from pathlib import Path

from qam.imports import values as cells
from qam.imports.headers import Field
from qam.imports.pipeline import ImportOptions, Reading, Receipt, Row, convert_given, writing
from qam.vocabulary import AOI_SOURCES, INSPECTION_KINDS, METHODS

DEFAULT_METHODS = ["document_analysis", "interview", "focus_group"]
_REQUIRED = {"column_required": True, "required": True}
_SYNONYMS = {
    "id": ("ref", "reference", "review id", "candidate id"),
    "title": ("review", "name", "description", "subject"),
    "theme": ("peel theme", "area", "themes"),
    "unit": ("bcu", "department", "team", "command"),
    "days": ("working days", "days each", "effort days", "effort", "duration days", "duration"),
    "team_size": ("team", "team members", "reviewers", "people"),
    "earliest": ("earliest start", "window start", "start after", "from", "not before"),
    "latest": ("latest end", "window end", "finish by", "to", "deadline", "not after"),
    "priority": ("priority 1 5", "priority 1 to 5", "importance"),
    "inspection": ("inspection id", "prepares for", "before inspection"),
    "source": ("sources", "raised by", "reason"),
    "methods": ("fieldwork methods", "method"),
    "kind": ("type", "inspection type", "inspection kind"),
    "expected": ("expected date", "date", "due", "expected month", "when"),
    "raised": ("date raised", "raised on", "raised date"),
}


def _field(name, convert, **kw) -> Field:
    return Field(name, convert, synonyms=_SYNONYMS.get(name, ()), **kw)


def _methods(value: object) -> list[str]:
    choice = cells.Choice("method", METHODS)
    return [choice(part) for part in cells.split_list(value)]


def candidate_fields(vocabulary, new_themes=None) -> list[Field]:
    return [
        _field("id", cells.one_line, **_REQUIRED),
        _field("title", cells.one_line, **_REQUIRED),
        _field("theme", cells.theme(vocabulary, new_themes), cache=True, **_REQUIRED),
        _field("unit", cells.one_line, cache=True, **_REQUIRED),
        _field("days", cells.whole_number(1, None, "days"), cache=True, **_REQUIRED),
        _field("team_size", cells.whole_number(1, None, "team size"), cache=True, **_REQUIRED),
        _field("earliest", cells.a_date, cache=True, **_REQUIRED),
        _field("latest", cells.a_date, cache=True, **_REQUIRED),
        _field("priority", cells.whole_number(1, 5, "priority"), cache=True, **_REQUIRED),
        _field("inspection", cells.one_line, cache=True),
        _field("source", cells.one_line),
        _field("methods", _methods, cache=True),
    ]


def inspection_fields(vocabulary, new_themes=None) -> list[Field]:
    return [
        _field("id", cells.one_line, **_REQUIRED),
        _field("title", cells.one_line, **_REQUIRED),
        _field("kind", cells.Choice("kind", INSPECTION_KINDS), cache=True, **_REQUIRED),
        _field("theme", cells.theme(vocabulary, new_themes), cache=True, **_REQUIRED),
        _field("expected", cells.a_date, cache=True, **_REQUIRED),
    ]


def aoi_fields(vocabulary, new_themes=None) -> list[Field]:
    return [
        _field("id", cells.one_line, **_REQUIRED),
        _field("title", cells.one_line, **_REQUIRED),
        _field("theme", cells.theme(vocabulary, new_themes), cache=True, **_REQUIRED),
        _field("source", cells.Choice("source", AOI_SOURCES), cache=True, **_REQUIRED),
        _field("priority", cells.whole_number(1, 5, "priority"), cache=True, **_REQUIRED),
        _field("raised", cells.a_date, cache=True),
    ]


def _candidate(values: dict) -> dict:
    return {
        **{k: values.get(k) for k in ("id", "title", "theme", "unit", "days", "team_size")},
        "earliest": values["earliest"],
        "latest": values["latest"],
        "priority": values["priority"],
        "base_priority": values["priority"],
        "inspection": values.get("inspection"),
        "source": values.get("source"),
        "methods": values.get("methods") or list(DEFAULT_METHODS),
        "origin": "import",
        "why": None,
    }


def _inspection(values: dict) -> dict:
    return {k: values.get(k) for k in ("id", "title", "kind", "theme", "expected")}


def _aoi(values: dict) -> dict:
    return {k: values.get(k) for k in ("id", "title", "theme", "source", "priority", "raised")}


def _window(reading: Reading, row: Row) -> None:
    """A candidate whose window ends before it starts is a problem."""
    first, last = row.get("earliest"), row.get("latest")
    if first and last and first > last:
        reading.problem(
            "window that ends before it starts",
            row,
            raw=f"{first} to {last}",
            plural="windows that end before they start",
            fix="swap earliest and latest, or widen the window",
        )


# What each file holds: its fields, how a row becomes a record, what the store keeps it as.
_KINDS = {
    "candidates": (candidate_fields, _candidate, "candidates", "import"),
    "inspections": (inspection_fields, _inspection, "inspections", "inspection"),
    "areas of interest": (aoi_fields, _aoi, "areas_of_interest", "aoi"),
}


def _stored(store, what: str) -> dict[str, dict]:
    from qam.store import candidates as sp

    if what == "candidates":
        return {c["id"]: c for c in sp.candidates(store, origin="import")}
    if what == "inspections":
        return {i["id"]: i for i in sp.inspections(store)}
    return {a["id"]: a for a in sp.areas_of_interest(store)}


def _upsert(store, what: str, rows: list[dict]) -> None:
    from qam.store import candidates as sp

    {
        "candidates": sp.upsert_candidates,
        "inspections": sp.upsert_inspections,
        "areas of interest": sp.upsert_areas_of_interest,
    }[what](store, rows)


def _same(record: dict, old: dict) -> bool:
    return all(old.get(k) == v for k, v in record.items() if k not in ("priority", "why"))


def import_file(
    store, path: Path | str, what: str, *, actor: str = "", options: ImportOptions | None = None
) -> Receipt:
    """Import candidates, inspections or areas of interest (`what`), re-deriving candidates."""
    from qam import themes
    from qam.planner.candidates import refresh

    make_fields, make_record, _, origin = _KINDS[what]
    options = options or ImportOptions()
    vocabulary = themes.load(store)
    new_themes = themes.NewThemes(vocabulary) if options.add_themes else None
    reading = Reading(path, make_fields(vocabulary, new_themes), options)
    existing = _stored(store, what)
    receipt = Receipt(source=reading.source, what=what, dry_run=options.dry_run)
    records: list[dict] = []
    seen: dict[str, int] = {}
    for row in reading:
        if what == "candidates":
            _window(reading, row)
        if _repeated(reading, row, seen) or not row.ok or reading.columns.missing:
            continue
        record = make_record(row.values)
        old = existing.get(record["id"])
        if old is None:
            receipt.added.append(record["id"])
        elif _same(record, old):
            receipt.unchanged += 1
            continue
        else:
            receipt.changed.append(record["id"])
        records.append(record)
    reading.finish(empty_what=what)
    receipt.from_reading(reading)
    receipt.new_themes = new_themes.listing() if new_themes else []
    with writing(store, options.dry_run):
        if not options.dry_run:
            themes.save_new(store, new_themes, actor=actor, source=reading.source)
            _upsert(store, what, records)
            everything = refresh(store)
            receipt.details["derived"] = sum(1 for c in everything if c["origin"] == origin)
            receipt.details["candidates"] = len(everything)
    return receipt


def _repeated(reading: Reading, row: Row, seen: dict) -> bool:
    ident = row.get("id")
    if not ident:
        return False
    if ident in seen:
        reading.problem(
            "id used twice",
            row,
            column=reading.header("id"),
            raw=ident,
            plural="ids used twice",
            note=f"first on row {seen[ident]}",
            fix="ids must be unique; correct or remove one of the rows",
        )
        return True
    seen[ident] = row.number
    return False


def add_one(store, what: str, given: dict) -> dict:
    """One inspection or area of interest typed at the command line, checked as a file row
    is, then stored with the candidates re-derived, in one transaction."""
    from qam import themes
    from qam.planner.candidates import refresh

    make_fields, make_record, _, _ = _KINDS[what]
    noun = "inspection" if what == "inspections" else "area of interest"
    values = convert_given(
        make_fields(themes.load(store)), given, refused=f"The {noun} was not added:"
    )
    record = make_record(values)
    with store.transaction():
        _upsert(store, what, [record])
        everything = refresh(store)
    prefix = "INS" if what == "inspections" else "AOI"
    derived = [c["id"] for c in everything if c["id"] == f"{prefix}-{record['id']}"]
    return {**record, "derived": derived}
