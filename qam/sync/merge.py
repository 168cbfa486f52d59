"""Importing a bundle: check it whole, then merge it table by table in one transaction.

The bundle is read once, as a stream, into temporary tables (`qam/store/merge.py`): every
line is hashed and checked and the trail is verified as it goes, so a file cut short, changed
after export, malformed or with a broken trail is refused whole before anything is written.
Then one transaction applies the conflict policy and the per-table rules the tables' owners
declare:

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

import contextlib
import json
import threading
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from qam.errors import AuditError, ImportFileError
from qam.fieldwork.retention import apply_purges
from qam.store import audit, settings
from qam.store import merge as merge_db
from qam.store import retention as retention_db
from qam.sync import signing
from qam.sync.bundle import MAX_BYTES, Manifest, Reader, Refused, Sealed
from qam.sync.conflicts import flag_decision_conflicts, flag_finding_conflicts
from qam.sync.rules import check_rules
from qam.sync.trust import BASE_BUNDLE, check_signer, enrol
from qam.trail import ORDER, Chain

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qam.store import Store


def _refused(path: Path, why: str) -> ImportFileError:
    return ImportFileError(f"{path} was refused whole, nothing imported: {why}")


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
            raise _refused(path, f"it is {size:,} bytes, over the {MAX_BYTES:,}-byte limit.")
        if not path.is_file():
            raise ImportFileError(f"{path} is not a regular file; give the bundle file.")
        return path.open("rb")
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file; check the bundle's path.") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a folder; give the bundle file.") from None


@dataclass(frozen=True)
class Staged:
    """A bundle read whole into the staging tables: its manifest, its seal, and whether its
    signer is to be enrolled by this import."""

    manifest: Manifest
    sealed: Sealed
    enrol: bool
    checker: Store  # the second connection the rules are checked on (`merge_db.staging`)


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


def _stage(store: Store, path: Path) -> Staged:
    """Read the whole bundle into the staging tables, checking every line as it comes, its
    signer before its rows and its signature after them."""
    known = {c.name: c.columns for c in (*merge_db.CARRIED, *merge_db.TRAIL)}
    with _open(path) as fh:
        reader = Reader(fh)
        chain = Chain()
        try:
            manifest = reader.manifest(known)
            enrol = check_signer(store, manifest, path)
            with merge_db.staging(store) as stage:
                for section in manifest.sections:
                    rows = reader.rows(section, suspect=stage.suspect(section.name))
                    if section.name == "audit_log":
                        rows = _events(rows, section.columns, chain)
                    stage.add(section.name, section.columns, rows)
                sealed = reader.end()
                _check_seal(manifest, sealed, chain)
        except (Refused, merge_db.StagingError) as err:
            raise _refused(path, str(err)) from None
    return Staged(manifest, sealed, enrol, stage.checker)


def _check_earlier_head(store: Store, manifest: Manifest, path: Path) -> None:
    """The trail head this store received from the same store last time must still be in the
    bundle's trail: a laptop's trail is never cut between two bundles."""
    earlier = audit.last_event(store, entity="sync", entity_id=manifest.store_id, action="import")
    received = json.loads(earlier["new"] or "{}").get("trail") if earlier else None
    if earlier is None or not isinstance(received, dict) or not received.get("head"):
        return
    seq, head = received.get("events"), received["head"]
    if not isinstance(seq, int) or merge_db.staged_event_at(store, seq) != head:
        raise _refused(
            path,
            f"its trail no longer holds event {seq} ({head[:16]}…), the head this store "
            f"received from store {manifest.store_id[:8]} on {earlier['at'][:10]}: events were "
            "removed from that store's trail since. Ask its owner to run `qam audit verify`.",
        )


def _refuse_clashes(merge: merge_db.Merge, path: Path) -> None:
    """Records already here with other content: edited after an earlier export."""
    clashes = [
        clash
        for carried in (*merge_db.CARRIED, *merge_db.TRAIL)
        for clash in merge.clashes(carried)
    ]
    if clashes:
        clashes = [c.replace("audit_log ", "trail event ") for c in clashes]
        listed = "; ".join(clashes[:10]) + (
            f" and {len(clashes) - 10} more" if len(clashes) > 10 else ""
        )
        raise _refused(
            path,
            "these records are already here with different content (changed after an "
            f"earlier export): {listed}. Ask the laptop's owner to correct them with a new "
            "version instead of editing them.",
        )


def _purges(store: Store, path: Path) -> list[dict]:
    rows = merge_db.staged_rows(store, "purged_record")
    for i, row in enumerate(rows, start=1):
        if not all(isinstance(v, str) and v for v in row.values()):
            raise _refused(path, f"table purged_record row {i} is malformed. Export it again.")
    return rows


@dataclass
class Receipt:
    """What an import did, table by table."""

    added: dict[str, int] = field(default_factory=dict)
    present: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def count(self, name: str, merged: merge_db.Merged) -> None:
        """Keep the table's non-zero counts."""
        for into, n in (
            (self.added, merged.added),
            (self.present, merged.present),
            (self.skipped, merged.skipped),
        ):
            if n:
                into[name] = n


def _merge_trail(store: Store, origin: str, actor: str) -> tuple[int, int, int]:
    """Append the bundle's events this store has not seen, each wrapped as a new event of
    this chain that names the original; returns (added, already here, skipped as purged)."""
    arriving, present, skipped = merge_db.trail_arrivals(store)
    added = 0
    batch: list[dict] = []
    for event in arriving:
        batch.append(_wrapped(event, origin, actor))
        if len(batch) >= 1000:
            added += _append(store, batch)
    return added + _append(store, batch), present, skipped


def _wrapped(event: dict, origin: str, actor: str) -> dict:
    if event["wrapper"] and event["action"] == "sync_import":
        content = json.loads(event["new"] or "{}")  # already a merged event: keep what it says
    else:
        content = {
            "original_event_id": event["original"],
            "at": event["at"],
            "actor": event["actor"],
            "action": event["action"],
            "reason": event["reason"],
            "old": json.loads(event["old"]) if event["old"] else None,
            "new": json.loads(event["new"]) if event["new"] else None,
            "from_store": origin,
        }
    return {
        "actor": actor,
        "entity": event["entity"],
        "entity_id": event["entity_id"],
        "action": "sync_import",
        "new": content,
        "reason": f"merged from the bundle of store {origin[:8]}",
        "original": event["original"],
    }


def _append(store: Store, batch: list[dict]) -> int:
    rows = audit.append_events(store, batch)
    audit.record_synced_events(
        store,
        (
            (event["original"], row["event_id"], event["new"].get("from_store"))
            for event, row in zip(batch, rows, strict=True)
        ),
    )
    count = len(batch)
    batch.clear()
    return count


class _Rules:
    """The rules checked on the store's second connection (the stage's `checker`, `merge_db.staging`), in a thread
    of its own, while this one merges; `verdict()` waits for them and raises their refusal."""

    def __init__(self, checker: Store, path: Path):
        self.checker = checker
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(path,), name="bundle-rules")
        self.thread.start()

    def _run(self, path: Path) -> None:
        try:
            check_rules(self.checker, path)
        except BaseException as err:  # raised in the merging thread by `verdict`
            self.error = err

    def verdict(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """Stop the check early (the import failed or was interrupted) and wait for it."""
        if self.thread.is_alive():
            self.checker.conn.interrupt()
        self.thread.join()


@contextlib.contextmanager
def _rules_beside(checker: Store, path: Path) -> Iterator[_Rules]:
    """Check the staged bundle's rules beside the merge. A refusal by the rules comes first:
    if the merge fails too, the rules' refusal is what the person importing sees."""
    rules = _Rules(checker, path)
    try:
        yield rules
    except KeyboardInterrupt:
        raise
    except BaseException:
        rules.thread.join()
        if rules.error is not None:
            raise rules.error from None
        raise
    finally:
        rules.stop()


def _conflicts(merge: merge_db.Merge, actor: str) -> tuple[list[dict], list[dict]]:
    """Decisions and corrections that went different ways on two stores, flagged."""
    store = merge.store
    arrived = merge.added_rows("status_decision")
    local_id = settings.store_id(store)
    raised = flag_decision_conflicts(store, arrived, actor, local_id) if arrived else []
    corrected = merge_db.staged_values(store, "finding", "supersedes")
    return raised, flag_finding_conflicts(store, corrected, actor)


def _enrol_signer(store: Store, staged: Staged, actor: str) -> dict | None:
    """A base bundle imported into a new, empty store: the store it came from is trusted."""
    if not staged.enrol:
        return None
    m = staged.manifest
    return enrol(
        store,
        key=m.signer,
        store_id=m.store_id,
        label=f"{m.exported_by}'s store {m.store_id[:8]} (this store was made from its bundle)",
        how=BASE_BUNDLE,
        actor=actor,
        reason="this new store was made from the signer's base bundle",
    )


def import_bundle(store: Store, path: Path | str, *, actor: str) -> dict:
    """Verify the whole bundle (its signer, signature, trail and every rule its rows must
    keep), then merge it in one transaction; returns the receipt."""
    path = Path(path)
    staged = _stage(store, path)
    manifest, digest = staged.manifest, staged.sealed.sha256
    try:
        _check_earlier_head(store, manifest, path)
        with _rules_beside(staged.checker, path) as rules:
            done = _merge(store, staged, path, actor, rules)
    finally:
        merge_db.discard(store, staged.checker)
    if any(done.purged_here.values()):
        retention_db.wipe_free_space(store)
    receipt, events = done.receipt, done.events
    return {
        "file": str(path),
        "from_store": manifest.store_id,
        "bundle_hash": digest,
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


@dataclass
class _Merged:
    """What the merge's transaction did."""

    enrolled: dict | None
    receipt: Receipt
    events: tuple[int, int, int]  # added, already here, skipped as purged
    adopted: bool
    raised: list[dict]
    forked: list[dict]
    purged_here: dict


def _merge(store: Store, staged: Staged, path: Path, actor: str, rules: _Rules) -> _Merged:
    """Merge the staged bundle in one transaction that commits only once `rules` hold."""
    manifest = staged.manifest
    purges = _purges(store, path)
    if purges:
        retention_db.secure_delete(store, True)
    with store.transaction():
        merge = merge_db.Merge(store, manifest.store_id)
        _refuse_clashes(merge, path)
        adopted = merge.adopt_trail()  # before any event of this import is written
        enrolled = _enrol_signer(store, staged, actor)
        purged_here = (
            apply_purges(store, purges, actor=actor, from_store=manifest.store_id) if purges else {}
        )
        receipt = Receipt()
        for carried in merge_db.CARRIED:
            if carried.table is not retention_db.PURGED:  # applied above
                try:
                    merged = merge.table(carried)
                except merge_db.StagingError as err:
                    raise _refused(path, str(err)) from None
                receipt.count(carried.name, merged)
        events = (
            (adopted, 0, 0)
            if adopted is not None
            else _merge_trail(store, manifest.store_id, actor)
        )
        raised, forked = _conflicts(merge, actor)
        audit.append_event(
            store,
            actor=actor,
            entity="sync",
            entity_id=manifest.store_id,
            action="import",
            new={
                "bundle_hash": staged.sealed.sha256,
                "signer": manifest.fingerprint,
                "trail": {"events": manifest.events, "head": manifest.head},
                "added": receipt.added,
                "events": events[0],
                "trail_adopted": adopted is not None,
                "conflicts": len(raised),
                "finding_conflicts": len(forked),
                "skipped_purged": receipt.skipped,
                "purged_here": purged_here,
            },
            reason="sync bundle imported",
        )
        rules.verdict()  # inside the transaction: a refusal rolls all of it back
    return _Merged(enrolled, receipt, events, adopted is not None, raised, forked, purged_here)
