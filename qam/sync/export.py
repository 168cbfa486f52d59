"""Writing a bundle: everything this store holds that another may not, in one file.

The export is one transaction: its own trail event is written first, so the bundle's trail
includes it, and every table is read as of that moment. Rows stream from the store to the
file one line at a time; the file appears under its name only once it is whole and synced.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qam.errors import RefusedError
from qam.files import atomic_file, output_mode
from qam.store import audit, settings
from qam.store import merge as merge_db
from qam.sync.bundle import FORMAT, FORMAT_VERSION, Writer

if TYPE_CHECKING:
    from qam.store import Store


def export_bundle(store: Store, path: Path | str, *, actor: str) -> dict:
    """Write this store's tables and trail as one bundle; returns what it holds."""
    path = Path(path)
    if path.is_dir():
        raise RefusedError(
            f"{path} is a folder; give a file name, e.g. {path / 'laptop.qam-bundle'}."
        )
    sid = settings.store_id(store)
    carried = (*merge_db.CARRIED, *merge_db.TRAIL)
    with atomic_file(path, mode=output_mode(store.path)) as fh, store.transaction():
        audit.append_event(
            store,
            actor=actor,
            entity="sync",
            entity_id=sid,
            action="export",
            new={"file": path.name},
            reason="sync bundle exported",
        )
        counts = {c.name: merge_db.export_count(store, c) for c in carried}
        writer = Writer(fh)
        writer.line(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema": store.pragma("user_version"),
                "store_id": sid,
                "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "exported_by": actor,
                "signer": None,
                "sections": [
                    {"name": c.name, "columns": list(c.columns), "rows": counts[c.name]}
                    for c in carried
                ],
            }
        )
        for c in carried:
            writer.rows(merge_db.export_rows(store, c))
        digest = writer.end()
    events = counts.pop("audit_log")
    counts.pop("synced_event")
    return {
        "file": str(path),
        "store_id": sid,
        "bundle_hash": digest,
        "counts": counts,
        "events": events,
    }
