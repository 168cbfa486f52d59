"""The merge of a staged bundle into this store: one transaction, on the store's second
connection (`qam.store.staging.begin_staging`), in a thread of its own.

It starts as soon as the bundle's tables are staged, while the importing connection is still
staging the trail, and goes on with the trail once that is staged, while the importing
connection checks the rules; it commits only when they hold (`Merger.approve`), and rolls
back whole when stopped (`Merger.stop`: a refusal, a failure or Ctrl-C on the other side).
What each step does is `qam.sync.merge`'s to say.
"""

from __future__ import annotations

import contextlib
import json
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qam.errors import ImportFileError
from qam.fieldwork.retention import apply_purges
from qam.store import audit, settings, staging
from qam.store import carried as carried_db
from qam.store import merge as merge_db
from qam.store import retention as retention_db
from qam.sync.bundle import Manifest, Sealed
from qam.sync.conflicts import flag_decision_conflicts, flag_finding_conflicts
from qam.sync.trust import BASE_BUNDLE, enrol

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from qam.store import Store


def refused(path: Path, why: str) -> ImportFileError:
    return ImportFileError(f"{path} was refused whole, nothing imported: {why}")


def _refuse_clashes(merge: merge_db.Merge, path: Path, tables: tuple) -> None:
    """Records already here with other content: edited after an earlier export."""
    clashes = [clash for carried in tables for clash in merge.clashes(carried)]
    if clashes:
        clashes = [c.replace("audit_log ", "trail event ") for c in clashes]
        listed = "; ".join(clashes[:10]) + (
            f" and {len(clashes) - 10} more" if len(clashes) > 10 else ""
        )
        raise refused(
            path,
            "these records are already here with different content (changed after an "
            f"earlier export): {listed}. Ask the laptop's owner to correct them with a new "
            "version instead of editing them.",
        )


def _purges(store: Store, path: Path) -> list[dict]:
    rows = staging.staged_rows(store, "purged_record")
    for i, row in enumerate(rows, start=1):
        if not all(isinstance(v, str) and v for v in row.values()):
            raise refused(path, f"table purged_record row {i} is malformed. Export it again.")
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


def _conflicts(merge: merge_db.Merge, actor: str) -> tuple[list[dict], list[dict]]:
    """Decisions and corrections that went different ways on two stores, flagged."""
    store = merge.store
    arrived = merge.added_rows("status_decision")
    local_id = settings.store_id(store)
    raised = flag_decision_conflicts(store, arrived, actor, local_id) if arrived else []
    corrected = staging.staged_values(store, "finding", "supersedes")
    return raised, flag_finding_conflicts(store, corrected, actor)


def _enrol_signer(store: Store, m: Manifest, enrols: bool, actor: str) -> dict | None:
    """A base bundle imported into a new, empty store: the store it came from is trusted."""
    if not enrols:
        return None
    return enrol(
        store,
        key=m.signer,
        store_id=m.store_id,
        label=f"{m.exported_by}'s store {m.store_id[:8]} (this store was made from its bundle)",
        how=BASE_BUNDLE,
        actor=actor,
        reason="this new store was made from the signer's base bundle",
    )


@dataclass
class MergeResult:
    """What the merge's transaction did."""

    enrolled: dict | None
    receipt: Receipt
    events: tuple[int, int, int]  # added, already here, skipped as purged
    adopted: bool
    raised: list[dict]
    forked: list[dict]
    purged_here: dict


def bare(err: BaseException) -> BaseException:
    """`err` without the tracebacks it and the exceptions behind it carry. An error caught in
    another thread outlives it; its frames would keep that thread's cursors, and so its
    connection, open after `close()`, and with them this store's write-ahead log."""
    seen: set[int] = set()
    each: BaseException | None = err
    while each is not None and id(each) not in seen:
        seen.add(id(each))
        each.__traceback__ = None
        each = each.__cause__ or each.__context__
    return err


@contextlib.contextmanager
def ctrl_c_held() -> Iterator[None]:
    """Around starting a thread and noting it (so it will be waited for): a Ctrl-C there is
    held, then raised on leaving. Raised in between, the thread would run on unwaited for, and
    its connection be closed under it (a crash, not a stop)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread alone
        return
    came: list[bool] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: came.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if came:
        raise KeyboardInterrupt


def wait_for(done: threading.Event, stop: Callable[[], None] | None = None) -> None:
    """Wait until a thread has set `done` (at its very end), even through Ctrl-C: its
    connection must not be closed under it. A Ctrl-C calls `stop` (which interrupts what the
    thread runs) and is raised again once the thread is done. (Not `Thread.join`: in Python
    3.11 a join cut short by Ctrl-C marks the thread ended while it still runs.)"""
    stopped = False
    while True:
        try:
            done.wait()
            break
        except KeyboardInterrupt:
            stopped = True
            if stop is not None:
                stop()
    if stopped:
        raise KeyboardInterrupt


class _Stopped(Exception):
    """The import was stopped on the other side: roll the merge back."""


class Merger:
    """The merge of a staged bundle, in a thread of its own on `store` (the second
    connection): `trail_ready` once the trail is staged, then `approve` once the rules hold
    (or `stop`), then `result()`."""

    def __init__(self, store: Store, path: Path, manifest: Manifest, enrols: bool, actor: str):
        self.store, self.path, self.manifest = store, path, manifest
        self.enrols, self.actor = enrols, actor
        self.sealed: Sealed | None = None
        self._trail, self._approved = threading.Event(), threading.Event()
        self._stopped = False
        self.error: BaseException | None = None
        self.merged: MergeResult | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="bundle-merge", daemon=True)
        self.thread.start()

    def trail_ready(self, sealed: Sealed) -> None:
        self.sealed = sealed
        self._trail.set()

    def approve(self) -> None:
        self._approved.set()

    def stop(self) -> None:
        """Roll the merge back (if it has not committed) and wait for it to end."""
        if not self.done.is_set() and not self._approved.is_set():
            self._stopped = True
            self._trail.set()
            self._approved.set()
            self.store.conn.interrupt()
        wait_for(self.done, self._interrupt)

    def _interrupt(self) -> None:
        if not self._approved.is_set() or self._stopped:
            self.store.conn.interrupt()

    def result(self) -> MergeResult:
        wait_for(self.done)  # approved: a Ctrl-C now waits for the commit, then stops
        if self.error is not None:
            raise self.error
        assert self.merged is not None
        return self.merged

    def _wait(self, event: threading.Event) -> None:
        event.wait()
        if self._stopped:
            raise _Stopped

    def _run(self) -> None:
        try:
            self.merged = self._merge()
        except BaseException as err:  # raised to the importing thread by `result`
            self.error = bare(err)
        finally:
            self.done.set()

    def _merge(self) -> MergeResult:
        store, path, manifest, actor = self.store, self.path, self.manifest, self.actor
        purges = _purges(store, path)
        if purges:
            retention_db.secure_delete(store, True)
        with store.transaction(store_only=True):  # the scratch databases stay unlocked
            merge = merge_db.Merge(store, manifest.store_id)
            _refuse_clashes(merge, path, carried_db.CARRIED)
            purged_here = (
                apply_purges(store, purges, actor=actor, from_store=manifest.store_id)
                if purges
                else {}
            )
            receipt = Receipt()
            for carried in carried_db.CARRIED:
                if carried.table is not retention_db.PURGED:  # applied above
                    try:
                        merged = merge.table(carried)
                    except staging.StagingError as err:
                        raise refused(path, str(err)) from None
                    receipt.count(carried.name, merged)
            self._wait(self._trail)
            _refuse_clashes(merge, path, carried_db.TRAIL)
            adopted = merge.adopt_trail()  # before any event of this import is written
            enrolled = _enrol_signer(store, manifest, self.enrols, actor)
            events = (
                (adopted, 0, 0)
                if adopted is not None
                else _merge_trail(store, manifest.store_id, actor)
            )
            raised, forked = _conflicts(merge, actor)
            assert self.sealed is not None
            audit.append_event(
                store,
                actor=actor,
                entity="sync",
                entity_id=manifest.store_id,
                action="import",
                new={
                    "bundle_hash": self.sealed.sha256,
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
            self._wait(self._approved)  # inside the transaction: a stop rolls it all back
        return MergeResult(
            enrolled, receipt, events, adopted is not None, raised, forked, purged_here
        )
