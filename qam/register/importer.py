"""Importing a register tracker: read, map, check every row, then write all of it or none.

The file is read and every row checked before anything is written, so a bad row (unknown
status, impossible date, duplicate ref, missing required field) stops the import with its row
number and nothing in the store changes. The write is ONE transaction: items, the status
decisions the import makes (source `import`), their audit events and the search index.

Re-importing an updated tracker matches items by ref (case-insensitive): changed fields are
updated, columns the file does not have are left alone, and each status the file changes is a
decision by import, with reason "status in imported tracker FILE".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from qam.errors import ImportFileError
from qam.register import cells
from qam.register.cells import CellError, RowContext
from qam.register.mapping import (
    REGISTER_FIELDS,
    REGISTER_REQUIRED,
    map_columns,
    parse_map_options,
    parse_value_options,
)
from qam.tables import read_table

# File field -> register_item column, where the names differ.
_COLUMN = {"report": "report_title", "published": "report_published", "url": "report_url"}
_TEXT_FIELDS = ("report", "url", "owner", "action_lead", "risk", "impact", "timeframe")


@dataclass
class ImportReceipt:
    """What an import did (or, with --dry-run, would do)."""

    source: str
    dry_run: bool
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    status_changes: list[dict] = field(default_factory=list)  # {"ref", "old", "new"}
    extra_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "status_changes": self.status_changes,
            "extra_columns": self.extra_columns,
            "warnings": self.warnings,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_rows(
    path: Path | str, *, sheet: str | None = None, maps=(), values=(), home_force: str | None = None
) -> tuple[list[dict], list[str], list[str]]:
    """Every row of the tracker as item fields (no ids yet), the extra headers, and warnings.

    Raises ImportFileError on the first row that cannot be read; writes nothing.
    """
    from qam.question_sets import themes as load_themes

    path = Path(path)
    user_map = parse_map_options(maps, REGISTER_FIELDS)
    value_map = parse_value_options(values, REGISTER_FIELDS)
    table = read_table(path, sheet)
    columns = map_columns(table.headers, REGISTER_FIELDS, REGISTER_REQUIRED, user_map, table.source)
    themes = load_themes()
    parsed: list[dict] = []
    seen: dict[str, int] = {}
    for number, row in table.rows:
        where = RowContext(table.source, number)

        def cell(name: str, _row=row) -> object:
            index = columns.fields.get(name)
            return _row[index] if index is not None and index < len(_row) else None

        item: dict = {"_row": number, "_present": set()}
        for name in columns.fields:
            header = columns.header(name)
            try:
                value = _field_value(name, cell(name), value_map, home_force, themes)
            except CellError as err:
                raise where.fail(header, err) from None
            item[_COLUMN.get(name, name)] = value
            item["_present"].add(_COLUMN.get(name, name))
        ref = item["ref"]
        if ref.upper() in seen:
            raise where.fail(
                columns.header("ref"),
                CellError(
                    f"'{ref}' is also the ref of row {seen[ref.upper()]}",
                    "Each ref must be unique in the file; correct or remove one of the two rows.",
                ),
            )
        seen[ref.upper()] = number
        extra = {}
        for header, index in columns.extra.items():
            value = cells.text(row[index]) if index < len(row) else None
            if value is not None:
                extra[header] = value
        item["extra"] = extra
        parsed.append(item)
    if not parsed:
        raise ImportFileError(
            f"{table.source} has a header row but no items under it; nothing was imported."
        )
    return parsed, list(columns.extra), table.warnings


def _field_value(name: str, value: object, value_map, home_force, themes):
    if name == "ref":
        ref = cells.text(value)
        if ref is None:
            raise CellError("the ref is empty", "Give every item a ref, e.g. REC-2024-002.")
        return " ".join(ref.split())
    if name == "text":
        text = cells.text(value)
        if text is None:
            raise CellError("the text is empty", "Give every item its recommendation or AFI text.")
        return text
    if name in ("type", "scope", "status"):
        return cells.choice(name, value, value_map, home_force)
    if name in ("published", "due"):
        return cells.iso_date(value)
    if name == "theme":
        return cells.theme(value, value_map, themes)
    if name in ("objectives", "checkpoints"):
        return cells.text_list(value)
    raw = cells.text(value)
    return (value_map.get(name, raw) or raw) if raw is not None else None


def import_register(
    store,
    path: Path | str,
    *,
    actor: str,
    sheet: str | None = None,
    maps=(),
    values=(),
    dry_run: bool = False,
) -> ImportReceipt:
    """Import (or with dry_run, only plan) a register tracker; all rows or none."""
    from qam.register.decisions import write_decision
    from qam.store import audit
    from qam.store import register as sql

    home_force = store.setting("force_name")
    parsed, extra_headers, warnings = parse_rows(
        path, sheet=sheet, maps=maps, values=values, home_force=home_force
    )
    source = Path(path).name
    receipt = ImportReceipt(
        source=source,
        dry_run=dry_run,
        rows=len(parsed),
        extra_columns=extra_headers,
        warnings=warnings,
    )
    existing = sql.items_by_ref(store)
    now = _now()
    writes: list[tuple[str, dict, str | None]] = []  # (kind, item, old status)
    for fields in parsed:
        present = fields.pop("_present")
        fields.pop("_row")
        old = existing.get(fields["ref"].upper())
        if old is None:
            item = {
                "id": str(uuid.uuid4()),
                "objectives": [],
                "checkpoints": [],
                "source_file": source,
                "created_at": now,
                "updated_at": now,
            }
            item.update(fields)
            receipt.created.append(item["ref"])
            writes.append(("create", item, None))
            continue
        item = dict(old)
        for column in present:
            item[column] = fields[column]
        item["ref"] = old["ref"]  # keep the stored spelling; refs match case-insensitively
        item["extra"] = {**old["extra"], **fields["extra"]}
        changed = [c for c in item if c not in ("updated_at", "source_file") and item[c] != old[c]]
        if not changed:
            receipt.unchanged += 1
            continue
        item["updated_at"], item["source_file"] = now, source
        receipt.updated.append(item["ref"])
        if item["status"] != old["status"]:
            receipt.status_changes.append(
                {"ref": item["ref"], "old": old["status"], "new": item["status"]}
            )
        writes.append(("update", item, old["status"]))
    if dry_run:
        return receipt
    reason = f"status in imported tracker {source}"
    with store.transaction():
        for kind, item, old_status in writes:
            if kind == "create":
                sql.insert_item(store, item)
            else:
                sql.update_item(store, item)
            if item["status"] != old_status:
                write_decision(
                    store,
                    ref=item["ref"],
                    old=old_status,
                    new=item["status"],
                    reason=reason
                    if old_status
                    else f"status when first imported from tracker {source}",
                    evidence=None,
                    approver=None,
                    actor=actor,
                    source="import",
                    at=now,
                )
        if writes:
            sql.rebuild_search(store)
            audit.append_event(
                store,
                actor=actor,
                entity="register_import",
                entity_id=source,
                action="import",
                new={
                    "created": len(receipt.created),
                    "updated": len(receipt.updated),
                    "status_changes": len(receipt.status_changes),
                },
                reason=f"qam recs import {source}",
            )
    return receipt
