"""Importing a bundle: check it whole, then merge it table by table in one transaction.

The bundle is read once, as a stream, into scratch tables (`qam/store/staging.py`): every
line is hashed and checked and the trail is verified as it goes, so a file cut short, changed
after export, malformed or with a broken trail is refused whole before anything is written.
Then every rule its rows must keep is checked (`qam.sync.rules`). Beside both, one
transaction (`qam.sync.merger`, on a second connection: it starts once the tables are staged
and commits only when the rules hold) applies the conflict policy and the per-table rules
the tables' owners declare:

- rows already here with other content (a finding, session, link, decision or trail event
  edited after an earlier export) refuse the whole bundle (RELIABILITY 8);
- records another store purged under retention (its `purged_record` rows, or this store's
  own) are skipped, never re-imported and never a conflict; this store's copies of them are
  purged in the same import (`qam.fieldwork.retention.apply_purges`), and trail events about
  them are not merged (they may carry the purged words);
- then each table: new rows added, rows here already left alone (reviews and register items
  are the programme's and never overwritten), forward columns filled in once;
- trail events are appended to this store's own chain as new events that name the original
  event id; the chain here is never rewritten. A new store (its trail empty, nothing purged
  on either side) takes the bundle's trail whole instead, event for event, so a laptop made
  from the programme's bundle holds the programme's trail as it is;
- offline decisions and corrections that went different ways are flagged as conflicts
  (`qam.sync.conflicts`).

Merging twice changes nothing, and laptops merge in any order to the same store.
"""

from __future__ import annotations

import json
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from qam.errors import AuditError, ImportFileError
from qam.store import audit, staging
from qam.store import carried as carried_db
from qam.store import retention as retention_db
from qam.sync import signing
from qam.sync.bundle import MAX_BYTES, Manifest, Reader, Refused, Sealed
from qam.sync.merger import Merger, ctrl_c_held, refused
from qam.sync.rules import check_rules
from qam.sync.trust import check_signer
from qam.trail import ORDER, Chain

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qam.store import Store


def _events(rows: Iterator[list], columns: tuple[str, ...], chain: Chain) -> Iterator[list]:
    """The trail's rows, each checked against the one before as it streams past."""
    try:
        ordered = itemgetter(*(columns.index(name) for name in ORDER))
    except ValueError:
        raise Refused("its decision trail is malformed.") from None
    for row in rows:
        try:
            chain.add_values(ordered(row))
        except AuditError as err:
            raise Refused(
                f"its decision trail does not verify ({err}) Rows may have been edited or "
                "deleted on the laptop."
            ) from None
        except (TypeError, KeyError, ValueError):
            raise Refused("its decision trail is malformed.") from None
        yield row


def _open(path: Path):
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise refused(path, f"it is {size:,} bytes, over the {MAX_BYTES:,}-byte limit.")
        if not path.is_file():
            raise ImportFileError(f"{path} is not a regular file; give the bundle file.")
        return path.open("rb")
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file; check the bundle's path.") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a folder; give the bundle file.") from None


def _check_seal(manifest: Manifest, sealed: Sealed, chain: Chain) -> None:
    if not signing.verifies(manifest.signer, sealed.signed_digest, sealed.signature):
        raise Refused(
            f"its signature does not verify: it was changed after it was signed (key "
            f"{signing.shown(manifest.fingerprint)}), even if its hashes were recomputed. "
            "Ask for the bundle to be exported again."
        )
    if (chain.events, chain.head) != (manifest.events, manifest.head):
        raise Refused(
            f"its trail ends at event {chain.events} ({chain.head[:16]}…), not at the head its "
            f"manifest names ({manifest.events}, {manifest.head[:16]}…): events were removed."
        )


def _tables_first(manifest: Manifest) -> bool:
    """True if the bundle holds its tables before its trail (as QAM writes it): the merge
    can then start while the trail is read."""
    trail = [section.name in carried_db.TRAIL_NAMES for section in manifest.sections]
    return trail == sorted(trail)


def _stage(reader: Reader, manifest: Manifest, stage: staging.Stage, start_merge) -> Sealed:
    """Read the whole bundle into the scratch tables, checking every line as it comes and
    its signature after them; the merge is started (`start_merge`) once the tables are in."""
    chain = Chain()
    started = False
    for section in manifest.sections:
        if not started and section.name in carried_db.TRAIL_NAMES and _tables_first(manifest):
            stage.commit(c.name for c in carried_db.CARRIED)
            start_merge()
            started = True
        rows = reader.rows(section, suspect=stage.suspect(section.name))
        if section.name == "audit_log":
            rows = _events(rows, section.columns, chain)
        stage.add(section.name, section.columns, rows)
    sealed = reader.end()
    _check_seal(manifest, sealed, chain)
    stage.finish()
    if not started:
        start_merge()
    return sealed


def _check_earlier_head(store: Store, manifest: Manifest, path: Path) -> None:
    """The trail head this store received from the same store last time must still be in the
    bundle's trail: a laptop's trail is never cut between two bundles."""
    earlier = audit.last_event(store, entity="sync", entity_id=manifest.store_id, action="import")
    received = json.loads(earlier["new"] or "{}").get("trail") if earlier else None
    if earlier is None or not isinstance(received, dict) or not received.get("head"):
        return
    seq, head = received.get("events"), received["head"]
    if not isinstance(seq, int) or staging.staged_event_at(store, seq) != head:
        raise refused(
            path,
            f"its trail no longer holds event {seq} ({head[:16]}…), the head this store "
            f"received from store {manifest.store_id[:8]} on {earlier['at'][:10]}: events were "
            "removed from that store's trail since. Ask its owner to run `qam audit verify`.",
        )


def import_bundle(store: Store, path: Path | str, *, actor: str) -> dict:
    """Verify the whole bundle (its signer, signature, trail and every rule its rows must
    keep) and merge it in one transaction that commits only if it all holds; returns the
    receipt."""
    path = Path(path)
    known = {c.name: c.columns for c in (*carried_db.CARRIED, *carried_db.TRAIL)}
    with _open(path) as fh:
        reader = Reader(fh)
        try:
            manifest = reader.manifest(known)
            enrols = check_signer(store, manifest, path)
        except Refused as err:
            raise refused(path, str(err)) from None
        stage = staging.begin_staging(store)
        mergers: list[Merger] = []
        try:

            def start_merge() -> None:
                with ctrl_c_held():  # started and noted together: `stop` below waits for it
                    mergers.append(Merger(stage.merger, path, manifest, enrols, actor))

            try:
                sealed = _stage(reader, manifest, stage, start_merge)
            except (Refused, staging.StagingError) as err:
                raise refused(path, str(err)) from None
            mergers[0].trail_ready(sealed)
            _check_earlier_head(store, manifest, path)
            check_rules(store, path, stage.checker)
            mergers[0].approve()
            done = mergers[0].result()
        finally:
            try:
                for merger in mergers:
                    merger.stop()  # a Ctrl-C here is raised once the merge has ended
            finally:
                stage.close()
    if any(done.purged_here.values()):
        retention_db.wipe_free_space(store)
    receipt, events = done.receipt, done.events
    return {
        "file": str(path),
        "from_store": manifest.store_id,
        "bundle_hash": sealed.sha256,
        "signer": manifest.fingerprint,
        "signer_enrolled": done.enrolled,
        "trail_head": manifest.head,
        "trail_events": manifest.events,
        "added": receipt.added,
        "already_present": receipt.present,
        "events_added": events[0],
        "trail_adopted": done.adopted,
        "events_already_present": events[1],
        "conflicts": done.raised,
        "finding_conflicts": done.forked,
        "skipped_purged": receipt.skipped,
        "skipped_purged_total": sum(receipt.skipped.values()),
        "events_skipped_purged": events[2],
        "purged_here": done.purged_here,
    }
