"""The sync bundle: one JSON file a second store can import, checked whole before any write.

Layout (format "qam-sync-bundle", format_version 1):

    {"format", "format_version", "schema", "store_id", "exported_at", "exported_by",
     "tables": {table: [row, ...]},        # known tables, known columns, plain values only
     "audit_log": [event, ...],            # the exporter's whole chain, so it can be verified
     "synced_event": [{"original_event_id", "local_event_id", "store_id"}, ...],
                                           # tables include purged_record (may be absent in older bundles)
     "manifest": {"counts": {table: n}, "record_hashes": {table: [sha256, ...]},
                  "chain_head": sha256, "events": n},
     "bundle_hash": sha256 of the canonical JSON of everything else}

JSON rather than an SQLite file: there is no schema to smuggle triggers or views into, and a
file cut short is simply not JSON. The file is written to a temporary name, fsynced and
renamed, so a kill mid-export never leaves a file with the final name.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from qam.errors import AuditError, ImportFileError, RefusedError
from qam.files import output_mode, write_atomic
from qam.store import audit, settings
from qam.store import merge as merge_db

FORMAT = "qam-sync-bundle"
FORMAT_VERSION = 1
MAX_BYTES = 2_000_000_000
EVENT_COLUMNS = audit.EVENT.columns
# table -> (columns, key columns), from each table's owner; the order is the merge order.
# A status decision also carries `origin`, the store that made it.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    t.name: (t.carried + (("origin",) if t.name == "status_decision" else ()), t.key)
    for t in merge_db.CARRIED
}
_TOP_KEYS = {
    "format",
    "format_version",
    "schema",
    "store_id",
    "exported_at",
    "exported_by",
    "tables",
    "audit_log",
    "synced_event",
    "manifest",
    "bundle_hash",
}


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def row_hash(row: dict) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


@dataclass
class Bundle:
    """A verified bundle, ready to merge."""

    store_id: str
    tables: dict[str, list[dict]]
    events: list[dict]
    synced: dict[str, str]  # exporter's wrapper event id -> original event id
    bundle_hash: str
    exported_at: str


def export_bundle(store, path: Path | str, *, actor: str) -> dict:
    """Write everything this store holds that another may not, as one verified bundle file."""
    path = Path(path)
    if path.is_dir():
        raise RefusedError(
            f"{path} is a folder; give a file name, e.g. {path / 'laptop.qam-bundle'}."
        )
    sid = settings.store_id(store)
    with store.transaction():  # one consistent read, with the export itself in the trail
        audit.append_event(
            store,
            actor=actor,
            entity="sync",
            entity_id=sid,
            action="export",
            new={"file": path.name},
            reason="sync bundle exported",
        )
        tables = {t: merge_db.table_rows(store, merge_db.BY_NAME[t]) for t in TABLES}
        events = audit.events(store)
        synced = [
            {"original_event_id": o, "local_event_id": loc, "store_id": None}
            for loc, o in audit.synced_events(store).items()
        ]
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema": store.pragma("user_version"),
        "store_id": sid,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "exported_by": actor,
        "tables": tables,
        "audit_log": events,
        "synced_event": synced,
        "manifest": {
            "counts": {t: len(rows) for t, rows in tables.items()},
            "record_hashes": {t: [row_hash(r) for r in rows] for t, rows in tables.items()},
            "chain_head": events[-1]["hash"] if events else None,
            "events": len(events),
        },
    }
    doc["bundle_hash"] = hashlib.sha256(canonical(doc)).hexdigest()
    write_atomic(path, canonical(doc), mode=output_mode(store.path))
    return {
        "file": str(path),
        "store_id": sid,
        "bundle_hash": doc["bundle_hash"],
        "counts": doc["manifest"]["counts"],
        "events": len(events),
    }


def _refuse(path: Path, why: str) -> ImportFileError:
    return ImportFileError(f"{path} was refused whole, nothing imported: {why}")


def verify_bundle(path: Path | str) -> Bundle:
    """Read and check a whole bundle (format, hashes, tables, trail); raise naming what is wrong."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _refuse(path, f"it is {size:,} bytes, over the {MAX_BYTES:,}-byte limit.")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file; check the bundle's path.") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a folder; give the bundle file.") from None
    if not raw.strip():
        raise _refuse(path, "the file is empty (an export that never finished?). Export it again.")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _refuse(
            path,
            "it is not a QAM sync bundle, or it was cut short (truncated or damaged). "
            "Export it again with `qam sync export FILE`.",
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _refuse(path, "it is not a QAM sync bundle (made by another program).")
    version = doc.get("format_version")
    if version != FORMAT_VERSION:
        newer = (
            isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION
        )
        raise _refuse(
            path,
            f"bundle format {version!r} is {'newer than this QAM knows: upgrade QAM' if newer else 'not one this QAM reads: export it again with this QAM'} (this QAM reads format {FORMAT_VERSION}).",
        )
    extra = sorted(set(doc) - _TOP_KEYS)
    if extra or set(doc) != _TOP_KEYS:
        missing = sorted(_TOP_KEYS - set(doc))
        raise _refuse(
            path, f"unknown part '{extra[0]}'." if extra else f"part '{missing[0]}' is missing."
        )
    body = {k: v for k, v in doc.items() if k != "bundle_hash"}
    if hashlib.sha256(canonical(body)).hexdigest() != doc["bundle_hash"]:
        raise _refuse(
            path,
            "its content does not match its bundle hash: it was changed after export "
            "(edited or damaged). Export it again from the laptop.",
        )
    tables = _check_tables(path, doc)
    events = _check_events(path, doc["audit_log"])
    synced = doc["synced_event"]
    if not isinstance(synced, list) or not all(
        isinstance(s, dict)
        and isinstance(s.get("original_event_id"), str)
        and isinstance(s.get("local_event_id"), str)
        for s in synced
    ):
        raise _refuse(path, "its list of merged events is malformed.")
    if not isinstance(doc["store_id"], str) or not doc["store_id"]:
        raise _refuse(path, "it does not say which store made it.")
    return Bundle(
        store_id=doc["store_id"],
        tables=tables,
        events=events,
        synced={s["local_event_id"]: s["original_event_id"] for s in synced},
        bundle_hash=doc["bundle_hash"],
        exported_at=str(doc["exported_at"]),
    )


def _check_tables(path: Path, doc: dict) -> dict[str, list[dict]]:
    tables, manifest = doc["tables"], doc["manifest"]
    if not isinstance(tables, dict) or not isinstance(manifest, dict):
        raise _refuse(path, "its tables or manifest are malformed.")
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise _refuse(
            path, f"it holds an unknown table '{unknown[0]}' (extra objects are never imported)."
        )
    counts, hashes = manifest.get("counts"), manifest.get("record_hashes")
    if not isinstance(counts, dict) or not isinstance(hashes, dict):
        raise _refuse(path, "its manifest has no counts or record hashes.")
    for table, rows in tables.items():
        columns = set(TABLES[table][0])
        if not isinstance(rows, list) or counts.get(table) != len(rows):
            raise _refuse(
                path,
                f"table {table} does not hold the {counts.get(table)} rows its manifest lists.",
            )
        table_hashes = hashes.get(table)
        if not isinstance(table_hashes, list) or len(table_hashes) != len(rows):
            raise _refuse(path, f"table {table} has no record hash for every row.")
        for i, row in enumerate(rows):
            if not isinstance(row, dict) or set(row) != columns:
                raise _refuse(path, f"table {table} row {i + 1} does not have the known columns.")
            if any(v is not None and not isinstance(v, str | int | float) for v in row.values()):
                raise _refuse(
                    path,
                    f"table {table} row {i + 1} holds a value that is not plain text or a number.",
                )
            if row_hash(row) != table_hashes[i]:
                raise _refuse(
                    path,
                    f"table {table} row {i + 1} does not match its record hash (changed after export).",
                )
    return {t: tables.get(t, []) for t in TABLES}


def _check_events(path: Path, events) -> list[dict]:
    from qam.trail import verify

    if not isinstance(events, list) or not all(
        isinstance(e, dict) and set(e) == set(EVENT_COLUMNS) for e in events
    ):
        raise _refuse(path, "its decision trail is malformed.")
    try:
        verify(events)
    except AuditError as err:
        raise _refuse(
            path,
            f"its decision trail does not verify ({err}) Rows may have been edited or deleted on the laptop.",
        ) from None
    except (TypeError, KeyError):
        raise _refuse(path, "its decision trail is malformed.") from None
    return events
