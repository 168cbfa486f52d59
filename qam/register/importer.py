"""Importing a register tracker through the import pipeline: all rows or none, in one pass.

The tracker is read row by row inside one transaction: each item is written as it is read
(in batches), and any problem anywhere in the file rolls the whole import back, naming every
problem at once. Re-importing an updated tracker matches items by ref (case-insensitive):
changed fields are updated, columns the file does not have are left alone, and each status
the file changes is a decision by import, with reason "status in imported tracker FILE".

Trackers as they are kept: an empty status takes the default given with
`--value "status:=awaiting_review"`; a row with no ref gets a ref made from its report and
text (`REF-` and eight letters of their fingerprint, the same on every re-import), listed in
the receipt; columns that map to no field are kept with each item.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from qam.errors import QamError
from qam.imports import values as cells
from qam.imports.headers import Field
from qam.imports.pipeline import ImportOptions, Reading, Receipt, Row, writing
from qam.vocabulary import (
    REGISTER_SCOPES,
    REGISTER_SOURCES,
    REGISTER_TYPES,
    SOURCE_TYPES,
    STATUSES,
    fold,
)

# File field -> register_item column, where the names differ.
_COLUMN = {"report": "report_title", "published": "report_published", "url": "report_url"}
_BATCH = 2000

SYNONYMS = {
    "ref": (
        "reference",
        "ref no",
        "ref number",
        "reference number",
        "id",
        "urn",
        "rec no",
        "recommendation ref",
        "rec ref",
        "item ref",
        "number",
        "no",
        "recommendation number",
    ),
    "text": (
        "recommendation",
        "recommendation afi",
        "recommendation or afi",
        "recommendation text",
        "description",
        "detail",
        "details",
        "afi",
        "finding",
        "recommendation afi text",
        "wording",
        "detail of recommendation",
        "recommendation detail",
        "learning recommendation",
        "matter of concern",
        "matters of concern",
        "coroner's concern",
        "audit finding",
    ),
    "type": ("item type", "recommendation type", "category", "kind", "rec type"),
    "scope": (
        "level",
        "applies to",
        "origin",
        "recommendation scope",
        "national or force",
        "national / force",
        "national force",
        "force or national",
    ),
    "status": ("current status", "progress status", "position", "progress", "rag status"),
    "report": (
        "report title",
        "report name",
        "inspection",
        "inspection report",
        "source report",
        "hmicfrs report",
        "hmic report",
        "inspection title",
    ),
    "published": (
        "date published",
        "publication date",
        "published date",
        "report date",
        "date of report",
        "report published",
        "date of publication",
    ),
    "url": ("link", "report url", "report link", "web link", "hyperlink"),
    "theme": ("themes", "peel theme", "subject", "area", "peel area", "business area", "portfolio"),
    "owner": (
        "chief officer lead",
        "chief officer",
        "co lead",
        "lead chief officer",
        "accountable officer",
        "executive lead",
        "senior lead",
        "portfolio lead",
        "strategic lead",
        "chief officer owner",
    ),
    "action_lead": (
        "action plan lead",
        "action owner",
        "lead",
        "delivery lead",
        "responsible officer",
        "action plan owner",
        "tactical lead",
    ),
    "due": (
        "due date",
        "target date",
        "deadline",
        "target completion date",
        "revised due date",
        "completion date",
    ),
    "risk": ("risk rating", "risk level"),
    "impact": ("impact rating",),
    "objectives": ("objective", "action plan objectives", "actions"),
    "timeframe": ("time frame", "timescale", "timescales", "time scale"),
    "checkpoints": ("check points", "check point", "milestones"),
    "source": (
        "source of learning",
        "learning source",
        "issued by",
        "issuing body",
        "recommending body",
        "raised by",
        "body",
    ),
}


def source_option(raw: str | None) -> str | None:
    """`--source` as a slug (any known spelling), or None when not given."""
    if raw is None:
        return None
    choice = cells.Choice("source", REGISTER_SOURCES)
    slug = choice.find(raw)
    if slug is None:
        raise QamError(
            f"--source '{raw}' is not a source of learning; use one of "
            f"{', '.join(REGISTER_SOURCES)}."
        )
    return slug


def fields(
    home_force: str | None, vocabulary, new_themes, source: str | None = None
) -> list[Field]:
    """The register's fields and how each cell becomes a value (built once per import).

    A file from a source with one type of item (an IOPC file, a coroner's reports) needs no
    type column, and such a row's empty type is its source's (`_Plan._source`)."""
    one_type = source is not None and len(SOURCE_TYPES[source]) == 1
    scope = cells.Choice("scope", REGISTER_SCOPES)
    home = {fold(home_force), fold(_short(home_force))} - {""} if home_force else set()

    def scope_of(value: object) -> str:
        return "force" if fold(value) in home else scope(value)

    def text_list(value: object) -> list[str]:
        raw = cells.cell_text(value) or ""
        return [p.strip() for p in raw.replace(";", "\n").splitlines() if p.strip()]

    def field(name, convert, **kw) -> Field:
        return Field(name, convert, synonyms=SYNONYMS.get(name, ()), **kw)

    return [
        field("ref", cells.one_line),
        field("text", cells.text, column_required=True, required=True),
        field(
            "type",
            cells.Choice("type", REGISTER_TYPES),
            column_required=not one_type,
            cache=True,
            example="recommendation",
        ),
        field(
            "scope", scope_of, column_required=True, required=True, cache=True, example="national"
        ),
        field(
            "status",
            cells.Choice("status", STATUSES),
            column_required=True,
            required=True,
            cache=True,
            example="awaiting_review",
        ),
        field("report", cells.text, cache=True),
        field("published", cells.a_date, cache=True),
        field("url", cells.text),
        field("theme", cells.theme(vocabulary, new_themes), cache=True),
        field("owner", cells.text, cache=True),
        field("action_lead", cells.text, cache=True),
        field("due", cells.a_date, cache=True),
        field("risk", cells.text, cache=True),
        field("impact", cells.text, cache=True),
        field("objectives", text_list, empty=list),
        field("timeframe", cells.text),
        field("checkpoints", text_list, empty=list),
        field("source", cells.Choice("source", REGISTER_SOURCES), cache=True, example="iopc"),
    ]


def _short(force: str) -> str:
    words = force.split()
    while words and words[-1].lower() in ("police", "constabulary", "service"):
        words.pop()
    return " ".join(words)


def made_ref(report: str | None, text: str) -> str:
    """A ref for a row that has none: the same report and text give the same ref every time."""
    digest = hashlib.sha256(f"{fold(report or '')}\x1f{fold(text)}".encode()).hexdigest()
    return f"REF-{digest[:8].upper()}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Plan:
    """What the import does with each row, written in batches as it goes (unless a dry run)."""

    def __init__(
        self, store, reading: Reading, receipt: Receipt, actor: str, source: str | None = None
    ):
        from qam.store import register as sql

        self.store, self.reading, self.receipt, self.actor = store, reading, receipt, actor
        self.source = source
        self.existing = sql.items_by_ref(store)
        self.present = [_COLUMN.get(c.field.name, c.field.name) for c in reading.columns.mapped]
        if source and "source" not in self.present:
            self.present.append("source")
        if source and "type" not in self.present:
            self.present.append("type")
        self.seen: dict[str, int] = {}
        self.now = _now()
        self.inserts: list[dict] = []
        self.decisions: list[tuple[str, str | None, str]] = []  # (ref, old, new)
        self.writing = not receipt.dry_run

    def add(self, row: Row) -> None:
        values = row.values
        if "text" not in values:  # no text column (a problem already): nothing to plan
            return
        ref = cast("str | None", values.get("ref"))
        if not ref and row.ok:
            ref = made_ref(cast("str | None", values.get("report")), str(values["text"]))
            self.receipt.made.append(
                {
                    "row": row.number,
                    "ref": ref,
                    "why": f"Row {row.number} had no ref: made {ref} from its report and text.",
                }
            )
        if ref and not self._first(ref, row):
            return
        if not row.ok or not ref or "status" not in values or not self._source(row):
            return
        item = {_COLUMN.get(k, k): v for k, v in values.items()}
        item["ref"], item["extra"] = ref, row.extra
        old = self.existing.get(ref.upper())
        if old is None:
            self._create(item)
        else:
            self._update(item, old)

    def _source(self, row: Row) -> bool:
        """Give the row its source (its cell, else --source, else HMICFRS) and, for a source
        with one type, that type; a type its source does not have is a problem."""
        values = row.values
        source = values.get("source") or self.source or "hmicfrs"
        values["source"] = source
        allowed = SOURCE_TYPES[source]
        if not values.get("type") and len(allowed) == 1:
            values["type"] = allowed[0]
        if values.get("type") in allowed:
            return True
        if not values.get("type"):
            self.reading.problem(
                "empty type",
                row,
                column=self.reading.header("type"),
                plural="empty types",
                fix='fill them in, or give every empty one a default with --value "type:=recommendation"',
            )
            return False
        self.reading.problem(
            "type not of its source",
            row,
            column=self.reading.header("type"),
            raw=str(values.get("type") or ""),
            plural="types not of their source",
            fix=f"a {source} item is one of {', '.join(allowed)}; correct the type or the source",
        )
        return False

    def _first(self, ref: str, row: Row) -> bool:
        """True the first time a ref is met in the file; a repeat is a problem."""
        key = ref.upper()
        if key not in self.seen:
            self.seen[key] = row.number
            return True
        made = not row.values.get("ref")
        self.reading.problem(
            "repeated item" if made else "ref used twice",
            row,
            column=None if made else self.reading.header("ref"),
            raw=ref,
            plural="repeated items" if made else "refs used twice",
            fix=(
                "a row with no ref has the same report and text as another row; remove the copy"
                if made
                else "each ref must be unique in the file; correct or remove one of the rows"
            ),
            note=f"first on row {self.seen[key]}",
        )
        return False

    def _create(self, item: dict) -> None:
        full = {
            "id": str(uuid.uuid4()),
            "objectives": [],
            "checkpoints": [],
            "source_file": self.receipt.source,
            "created_at": self.now,
            "updated_at": self.now,
            **item,
        }
        self.receipt.added.append(full["ref"])
        self.decisions.append((full["ref"], None, full["status"]))
        self.inserts.append(full)
        if len(self.inserts) >= _BATCH:
            self.flush()

    def _update(self, item: dict, old: dict) -> None:
        from qam.store import register as sql

        new = dict(old)
        for column in self.present:
            new[column] = item.get(column)
        new["ref"] = old["ref"]  # keep the stored spelling; refs match case-insensitively
        new["extra"] = {**old["extra"], **item["extra"]}
        changed = [c for c in new if c not in ("updated_at", "source_file") and new[c] != old[c]]
        if not changed:
            self.receipt.unchanged += 1
            return
        new["updated_at"], new["source_file"] = self.now, self.receipt.source
        self.receipt.changed.append(new["ref"])
        if new["status"] != old["status"]:
            self.receipt.details["status_changes"].append(
                {"ref": new["ref"], "old": old["status"], "new": new["status"]}
            )
            self.decisions.append((new["ref"], old["status"], new["status"]))
        if self.writing and not self.reading.problems:
            sql.update_item(self.store, new)

    def flush(self) -> None:
        """Write the items and decisions planned so far (nothing once a problem is found)."""
        from qam.register.decisions import write_import_decisions
        from qam.store import register as sql

        if self.writing and not self.reading.problems:
            sql.insert_items(self.store, self.inserts)
            write_import_decisions(
                self.store,
                self.decisions,
                actor=self.actor,
                source_file=self.receipt.source,
                at=self.now,
            )
        self.inserts, self.decisions = [], []


def import_register(
    store,
    path: Path | str,
    *,
    actor: str,
    options: ImportOptions | None = None,
    sheet: str | None = None,
    maps=(),
    values=(),
    dry_run: bool = False,
    source: str | None = None,
) -> Receipt:
    """Import (or with a dry run, only check and count) a register tracker; all rows or none.

    `source` (`--source`, any spelling of hmicfrs, iopc, coroner, internal_audit, other) is
    the source of rows whose own source cell is empty; without either, a row is HMICFRS's."""
    from qam import themes
    from qam.store import audit
    from qam.store import register as sql

    options = options or ImportOptions(sheet=sheet, maps=maps, values=values, dry_run=dry_run)
    source = source_option(source)
    vocabulary = themes.load(store)
    new_themes = themes.NewThemes(vocabulary) if options.add_themes else None
    reading = Reading(
        path,
        fields(store.setting("force_name"), vocabulary, new_themes, source),
        options,
        keep_unmapped=True,
    )
    receipt = Receipt(
        source=reading.source,
        what="items",
        dry_run=options.dry_run,
        kept_columns=True,
        details={"status_changes": []},
    )
    with writing(store, options.dry_run):
        plan = _Plan(store, reading, receipt, actor, source)
        for row in reading:
            plan.add(row)
        plan.flush()
        reading.finish(empty_what="items")
        receipt.from_reading(reading)
        receipt.new_themes = new_themes.listing() if new_themes else []
        if options.dry_run or not (receipt.added or receipt.changed or receipt.new_themes):
            return receipt
        themes.save_new(store, new_themes, actor=actor, source=reading.source)
        sql.rebuild_search(store)
        audit.append_event(
            store,
            actor=actor,
            entity="register_import",
            entity_id=reading.source,
            action="import",
            new={
                "added": len(receipt.added),
                "changed": len(receipt.changed),
                "status_changes": len(receipt.details["status_changes"]),
                "made_refs": [m["ref"] for m in receipt.made],
            },
            reason=f"qam recs import {reading.source}",
        )
    return receipt
