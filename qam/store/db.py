"""The one class that owns the SQLite store: opening, pragmas, migrations, transactions.

Every connection QAM opens goes through `Store.open`, so every connection gets the same
pragmas (WAL, synchronous=FULL, foreign keys, a busy timeout, trusted_schema off) and every
write goes through `Store.transaction`, which takes the write lock up front with
BEGIN IMMEDIATE: a deferred transaction (sqlite-utils' `atomic()`) fails with "database is
locked" when two writers upgrade at once instead of waiting its turn.

The store speaks to SQLite through the standard library's `sqlite3` alone: sqlite-utils'
`db.py` imports pandas and numpy whenever they are installed, which would make every command
that opens the store pay for them. The tables themselves are declared by their owners
(`qam/store/<owner>.py`); the migrations that create them are listed in order in
`qam/store/migrations.py`.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from qam.errors import StoreError

# Ids bound to one `IN (...)` at most, well under SQLite's limit on bound parameters.
CHUNK = 500

# "QAM1" as a big-endian int: marks a file as a QAM store (PRAGMA application_id).
APPLICATION_ID = 0x51414D31
BUSY_TIMEOUT_MS = 15_000
_SQLITE_HEADER = b"SQLite format 3\x00"
# Folders that sync to the cloud or sit on another machine: SQLite's locking is not safe there.
_SYNCED_FOLDER_MARKERS = ("onedrive", "sharepoint", "dropbox", "google drive", "icloud")


def _check_location(path: Path) -> None:
    text = str(path)
    if text.startswith(("\\\\", "//")):
        raise StoreError(
            f"{path} is on a network share; keep the store on this laptop's own disk "
            "(SQLite cannot lock files safely over a network). Use --db or QAM_DB."
        )
    lowered = text.lower()
    for marker in _SYNCED_FOLDER_MARKERS:
        if marker in lowered:
            raise StoreError(
                f"{path} is inside a synced folder ({marker}); a sync client can copy a store "
                "half-written. Keep it on the local disk and move work with `qam sync export`."
            )


def _check_file(path: Path) -> bool:
    """Refuse files that are not SQLite before SQLite sees them. Returns True if the file exists."""
    if not path.exists():
        return False
    if path.is_dir():
        raise StoreError(
            f"{path} is a folder, not a QAM store; give the store file's path with --db."
        )
    size = path.stat().st_size
    if size == 0:
        raise StoreError(
            f"{path} is an empty file, not a valid QAM store; remove it or choose another path with --db."
        )
    with path.open("rb") as fh:
        header = fh.read(len(_SQLITE_HEADER))
    if header != _SQLITE_HEADER:
        raise StoreError(
            f"{path} is not a valid QAM store (not an SQLite database); check the --db path."
        )
    return True


class Store:
    """An open QAM store. Use `Store.open(path)`; close with `close()` or a `with` block."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        # What opening found and repaired (dropped triggers, a cut trail): the CLI shows them.
        self.warnings: list[str] = []
        self.restored: list[str] = []  # append-only triggers found missing and re-created
        # Opening upgraded an older store: (its schema before, the copy kept of it as it was).
        self.upgraded: tuple[int, Path] | None = None

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True, migrate: bool = True) -> "Store":
        """Open (and create or migrate) the store at `path`, refusing anything that is not ours."""
        path = Path(path).expanduser()
        _check_location(path)
        exists = _check_file(path)
        if not exists:
            if not create:
                raise StoreError(
                    f"No QAM store at {path}; make one with `qam init` (or try the example "
                    "with `qam demo`), or point --db or QAM_DB at an existing store."
                )
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise StoreError(
                    f"Cannot create the folder for the store {path}: {err.strerror}."
                ) from err
        try:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as err:
            raise StoreError(f"Cannot open the store {path}: {err}.") from err
        store = cls(path, conn)
        try:
            # Identity first: a foreign file must not even be switched to WAL.
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            store._check_identity(exists)
            store._configure()
            if migrate:
                store._migrate()
                store._check_guards()
        except sqlite3.DatabaseError as err:
            conn.close()
            raise StoreError(_explain(err, path)) from err
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def open_readonly(cls, path: Path | str) -> "Store":
        """Open an existing, up-to-date store for reading only (`qam serve`).

        The connection is opened `mode=ro` and `query_only`, so nothing through it can ever
        write, and it takes no write lock: QAM's own writers keep working beside it. It is not
        `immutable=1`, which would tell SQLite the file never changes and so hide the writers'
        work (and the WAL) from it. A store that needs migrating is refused: any other command
        migrates it first.
        """
        from urllib.parse import quote

        from qam.store.migrations import SCHEMA_VERSION

        path = Path(path).expanduser()
        _check_location(path)
        if not _check_file(path):
            raise StoreError(
                f"No QAM store at {path}; make one with `qam init` (or try the example "
                "with `qam demo`), or point --db or QAM_DB at an existing store."
            )
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        try:
            conn = sqlite3.connect(
                uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
        except sqlite3.Error as err:
            raise StoreError(f"Cannot open the store {path}: {err}.") from err
        store = cls(path, conn)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA trusted_schema = OFF")
            store._check_identity(True)
            if store.pragma("user_version") != SCHEMA_VERSION:
                raise StoreError(
                    f"{path} needs upgrading before it can be served; run any QAM command "
                    "on it first (for example `qam recs summary`), then serve it again."
                )
        except sqlite3.DatabaseError as err:
            conn.close()
            raise StoreError(_explain(err, path)) from err
        except BaseException:
            conn.close()
            raise
        return store

    def another(self) -> "Store":
        """A second connection to this open store, with the same settings, that another
        thread may use (a bundle's import merges and checks the rules on their own)."""
        try:
            conn = sqlite3.connect(
                str(self.path),
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as err:
            raise StoreError(f"Cannot open the store {self.path}: {err}.") from err
        other = Store(self.path, conn)
        try:
            other._configure()
        except BaseException:
            conn.close()
            raise
        return other

    def _configure(self) -> None:
        execute = self.conn.execute
        execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError(
                f"{self.path} cannot use write-ahead logging (got {mode}); "
                "keep the store on a local disk in a folder you can write to."
            )
        execute("PRAGMA synchronous = FULL")
        execute("PRAGMA foreign_keys = ON")
        execute("PRAGMA trusted_schema = OFF")

    def _check_identity(self, existed: bool) -> None:
        from qam.store.migrations import SCHEMA_VERSION

        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        has_tables = self.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()[0]
        if app_id == 0 and not has_tables:
            return  # a new, empty database: ours to initialise
        if app_id != APPLICATION_ID:
            raise StoreError(
                f"{self.path} is an SQLite database but not a QAM store; "
                "choose another path with --db (QAM will not write into another program's file)."
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer QAM (schema {version}, this QAM knows {SCHEMA_VERSION}); "
                "upgrade QAM with `pip install --upgrade qam` before opening it."
            )

    def _migrate(self) -> None:
        from qam.store import migrations

        current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if current == migrations.SCHEMA_VERSION and not migrations.pending(self.conn):
            return
        copy = self.backup_before_upgrade(current, migrations.SCHEMA_VERSION) if current else None
        with self.transaction():
            migrations.apply(self.conn)
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION}")
        if copy is not None:
            self.upgraded = (current, copy)

    def _check_guards(self) -> None:
        from qam.store import guards

        try:
            self.warnings = guards.check(self)
        except StoreError as err:  # a read-only or busy store still opens, with the reason
            self.warnings = [f"the trail's guards could not be checked: {err}"]

    def backup_before_upgrade(self, old: int, new: int) -> Path:
        """Copy an older store aside before upgrading it, so an upgrade can always be undone."""
        from datetime import datetime

        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.schema{old}-before-upgrade-{stamp}.bak")
        copy = sqlite3.connect(str(target))
        try:
            self.conn.backup(copy)  # SQLite's online backup: a consistent copy, WAL included
        finally:
            copy.close()
        return target

    @contextlib.contextmanager
    def large_cache(self, mebibytes: int = 512) -> Iterator[None]:
        """A page cache big enough for one large write (an import of 200,000 rows), so index
        pages stay in memory instead of being read back from disk at random; restored after.
        SQLite only takes the memory it uses."""
        old = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = {-int(mebibytes) * 1024}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(old)}")

    @contextlib.contextmanager
    def transaction(self, *, store_only: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with BEGIN IMMEDIATE; nested calls join the outer one.

        An SQLite failure inside it (a full disk, `max_page_count`, a busy store) becomes a
        `StoreError` a reviewer can act on; SQLite has already rolled back by then, and
        whatever is left is rolled back here, so nothing of the failed write stays.

        `store_only`: take the write lock of the store alone, not of the databases attached
        beside it (BEGIN IMMEDIATE locks them all), so another connection can go on writing
        them (a bundle's scratch databases while it is imported).
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        try:
            if store_only:
                self.conn.execute("BEGIN")
                # An update that changes nothing takes the store's write lock at once.
                self.conn.execute("UPDATE main.setting SET key = key WHERE 0")
            else:
                self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(_explain(err, self.path)) from err
        try:
            yield self.conn
        except BaseException as err:
            # SQLite may already have rolled back (disk full, I/O error); don't mask the cause.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(err, sqlite3.Error):
                raise StoreError(_explain(err, self.path)) from err
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as err:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(_explain(err, self.path)) from err

    def setting(self, key: str, default: str | None = None) -> str | None:
        """A store-wide setting (the home force's name, ...): `qam/store/settings.py` owns them."""
        from qam.store import settings

        return settings.get(self, key, default)

    def set_setting(self, key: str, value: str) -> None:
        from qam.store import settings

        settings.put(self, key, value)

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict]:
        """Rows of a query as dicts keyed by column name (for the owners' read functions)."""
        cur = self.conn.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]

    def pragma(self, name: str) -> Any:
        """The value of one PRAGMA on this connection (tests check every connection's settings)."""
        return self.conn.execute(f"PRAGMA {name}").fetchone()[0]

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def chunks(ids: list[str], size: int = CHUNK) -> Iterator[tuple[list[str], str]]:
    """`ids` in slices for `IN (...)`, each with its placeholders ("?, ?, ...")."""
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        yield part, ", ".join("?" * len(part))


def _explain(err: sqlite3.Error, path: Path) -> str:
    """Turn an SQLite error into a sentence a reviewer can act on."""
    text = str(err).lower()
    if "locked" in text or "busy" in text:
        return (
            f"The store {path} is busy with another QAM command that has held it for over "
            f"{BUSY_TIMEOUT_MS / 1000:g} s; nothing was written. Wait for it to finish and run this again."
        )
    if "full" in text:
        return f"The disk holding {path} is full; nothing was written. Free some space and run this again."
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return (
            f"Cannot write to {path} (read-only file or folder); check its permissions or use --db."
        )
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return f"{path} is not a valid QAM store (corrupt or not a database); restore it from a backup or use --db."
    if "disk i/o" in text:
        return f"A disk error stopped the write to {path}; nothing was written. Check the disk and try again."
    return f"The store {path} reported: {err}. Nothing was written."
