"""Writing a bundle: everything this store holds that another may not, in one file, signed.

The export is one transaction: its own trail event is written first, so the bundle's trail
includes it (and the manifest names the chain head it ends at), and every table is read as
of that moment. Rows stream from the store to the file one line at a time; the file appears
under its name only once it is whole, signed by this store's key and synced.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qam import __version__
from qam.files import BUNDLE, atomic_file, is_folder, output_mode
from qam.store import audit, settings
from qam.store import carried as carried_db
from qam.sync import signing
from qam.sync.bundle import FORMAT, FORMAT_VERSION, Writer

if TYPE_CHECKING:
    from qam.store import Store

# A bundle always holds people's names (the trail's actors, review teams) and usually notes.
MARKING = "OFFICIAL-SENSITIVE"


def default_name(store: Store) -> str:
    """e.g. `qam-3f2a9c1b-2025-06-13-OFFICIAL-SENSITIVE.qam-bundle`: the file name says its
    marking, as the reports' names do."""
    day = datetime.now(UTC).date().isoformat()
    return f"qam-{settings.store_id(store)[:8]}-{day}-{MARKING}.qam-bundle"


def export_bundle(
    store: Store, path: Path | str | None = None, *, actor: str, overwrite: bool = False
) -> dict:
    """Write this store's tables and trail as one signed bundle; returns what it holds.

    `path` may be a folder (or left out: the current folder), for the default name."""
    path = Path(path) if path is not None else Path(".")
    if is_folder(path):
        path = path / default_name(store)
    sid = settings.store_id(store)
    key = signing.own_key(store)
    public = signing.public_text(key)
    carried = (*carried_db.CARRIED, *carried_db.TRAIL)
    with (
        atomic_file(path, mode=output_mode(store.path), kind=BUNDLE, overwrite=overwrite) as fh,
        store.transaction(),
    ):
        audit.append_event(
            store,
            actor=actor,
            entity="sync",
            entity_id=sid,
            action="export",
            new={"file": path.name, "signer": signing.fingerprint(public)},
            reason="sync bundle exported",
        )
        events, head = audit.head(store)
        counts = {c.name: carried_db.export_count(store, c) for c in carried}
        writer = Writer(fh)
        writer.line(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "qam": __version__,
                "schema": store.pragma("user_version"),
                "store_id": sid,
                "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "exported_by": actor,
                "marking": MARKING,
                "signer": {"key": public, "fingerprint": signing.fingerprint(public)},
                "trail": {"events": events, "head": head},
                "sections": [
                    {"name": c.name, "columns": list(c.columns), "rows": counts[c.name]}
                    for c in carried
                ],
            }
        )
        for c in carried:
            writer.rows(carried_db.export_rows(store, c))
        digest = writer.end()
        writer.sign(lambda signed: signing.sign(key, signed))
    counts.pop("audit_log")
    counts.pop("synced_event")
    return {
        "file": str(path),
        "store_id": sid,
        "bundle_hash": digest,
        "trail_head": head,
        "signer": signing.fingerprint(public),
        "marking": MARKING,
        "counts": counts,
        "events": events,
    }
