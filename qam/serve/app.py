"""The Datasette instance for one view, and QAM's plugin for it.

The plugin does what metadata cannot: it refuses every table a view does not show (default
deny, so a table added later is refused until someone decides otherwise), installs an SQLite
authorizer on Datasette's connections (no writes of any kind, no ATTACH, and the refused
tables read as empty even from a named user's own SQL), shows labels beside slugs, puts the
marking on every page, and keeps the public figures in step with the store.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Only `qam serve` imports this module, after checking that the optional extra is installed.
from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from qam.reports.models import OFFICIAL_SENSITIVE, PUBLIC, PUBLIC_MARKING
from qam.serve import metadata
from qam.store.published import BASE_TABLES
from qam.vocabulary import (
    GRADES,
    INSPECTION_KINDS,
    METHODS,
    REGISTER_SCOPES,
    REGISTER_TYPES,
    STATUSES,
    label,
)

SLUG_COLUMNS = ("status", "type", "scope", "grade", "method", "kind", "source")
_SLUGS = {*STATUSES, *REGISTER_TYPES, *REGISTER_SCOPES, *GRADES, *METHODS, *INSPECTION_KINDS}
_WRITES = {
    sqlite3.SQLITE_INSERT,
    sqlite3.SQLITE_UPDATE,
    sqlite3.SQLITE_DELETE,
    sqlite3.SQLITE_ATTACH,
    sqlite3.SQLITE_DETACH,
    sqlite3.SQLITE_ALTER_TABLE,
    sqlite3.SQLITE_CREATE_TABLE,
    sqlite3.SQLITE_CREATE_INDEX,
    sqlite3.SQLITE_CREATE_TRIGGER,
    sqlite3.SQLITE_CREATE_VIEW,
    sqlite3.SQLITE_CREATE_TEMP_TABLE,
    sqlite3.SQLITE_CREATE_TEMP_VIEW,
    sqlite3.SQLITE_CREATE_TEMP_TRIGGER,
    sqlite3.SQLITE_CREATE_TEMP_INDEX,
    sqlite3.SQLITE_CREATE_VTABLE,
    sqlite3.SQLITE_DROP_TABLE,
    sqlite3.SQLITE_DROP_INDEX,
    sqlite3.SQLITE_DROP_TRIGGER,
    sqlite3.SQLITE_DROP_VIEW,
    sqlite3.SQLITE_DROP_VTABLE,
    sqlite3.SQLITE_REINDEX,
    sqlite3.SQLITE_ANALYZE,
}


@dataclass
class View:
    """What one running server serves."""

    name: str  # "stakeholder" or "public"
    store_path: Path
    database: Path  # the file Datasette opens (the store, or the public figures)
    force_name: str
    users: dict[str, dict] = field(default_factory=dict)
    public_views: dict[str, str] = field(default_factory=dict)
    _seen: tuple[tuple[int, int] | None, ...] = ()
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def marking(self) -> str:
        return PUBLIC_MARKING if self.name == PUBLIC else OFFICIAL_SENSITIVE

    def shows(self, table: str) -> bool:
        if self.name == PUBLIC:
            return table not in BASE_TABLES
        return table in metadata.SHOWN

    def readable(self, table: str, via: str | None) -> bool:
        """May SQL read this table? Public: the published tables only through their views."""
        if table.startswith("sqlite_"):
            return True
        if self.name == PUBLIC:
            return via is not None or table not in BASE_TABLES
        return any(table == t or table.startswith(f"{t}_fts") for t in metadata.SHOWN)

    def store_signature(self) -> tuple:
        """Changes whenever a writer commits to the store (its WAL or, after a checkpoint,
        the file itself): cheap enough to look at on every request."""
        found: list[tuple[int, int] | None] = []
        for path in (self.store_path, Path(f"{self.store_path}-wal")):
            try:
                st = path.stat()
                found.append((st.st_mtime_ns, st.st_size))
            except OSError:
                found.append(None)
        return tuple(found)

    def refresh_public(self) -> None:
        """Rebuild the public figures if the store changed since they were built."""
        if self.name != PUBLIC:
            return
        with self._lock:
            now = self.store_signature()
            if now == self._seen:
                return
            build_public(self, withdraw=True)


def build_public(view: View, *, withdraw: bool = False) -> None:
    """(Re)build the public figures from the store, opened read-only. At start a store the
    public reports refuse stops the server; while serving (`withdraw`), the figures are
    withdrawn instead, with one line on the console."""
    from qam.errors import QamError
    from qam.serve import public
    from qam.store import Store

    view._seen = view.store_signature()
    store = Store.open_readonly(view.store_path)
    try:
        view.public_views = public.build(store, view.database)
    except QamError as err:
        if not withdraw:
            raise
        # A store that became unpublishable while serving (an OFFICIAL-SENSITIVE marking):
        # publish nothing rather than yesterday's figures.
        public.clear(view.database)
        view.public_views = {}
        print(f"Public figures withdrawn: {err}", file=sys.stderr)
    finally:
        store.close()


def _authorizer(view: View):
    def check(action, arg1, arg2, dbname, via):
        if action in _WRITES:
            # SQLite itself touches sqlite_master when it opens a full-text index; that is
            # not a write to the file (mode=ro and query_only see to that).
            internal = action == sqlite3.SQLITE_UPDATE and str(arg1).startswith("sqlite_")
            return sqlite3.SQLITE_OK if internal else sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_READ and not view.readable(arg1, via):
            return sqlite3.SQLITE_IGNORE  # the column reads as NULL
        return sqlite3.SQLITE_OK

    return check


class QamPlugin:
    """QAM's Datasette plugin for one view: its hooks, each a few lines."""

    __name__ = "qam-serve"

    def __init__(self, view: View):
        self.view = view

    @hookimpl
    def prepare_connection(self, conn, database, datasette):
        if database == metadata.DATABASE:
            conn.execute("PRAGMA query_only = ON")
            conn.set_authorizer(_authorizer(self.view))

    @hookimpl
    def permission_allowed(self, datasette, actor, action, resource):
        if action == "view-table" and resource and resource[0] == metadata.DATABASE:
            return None if self.view.shows(resource[1]) else False
        if action == "view-database" and resource not in (metadata.DATABASE, None):
            return False
        return None

    @hookimpl
    def render_cell(self, value, column, table, database, datasette):
        # In tables only: a canned query carries its own label columns beside the slugs.
        if table and column in SLUG_COLUMNS and isinstance(value, str) and value in _SLUGS:
            return Markup('{} <small class="qam-slug">{}</small>').format(
                escape(label(value)), escape(value)
            )
        return None

    @hookimpl
    def extra_template_vars(self, datasette):
        return {"qam_marking": self.view.marking, "qam_view": self.view.name}

    @hookimpl
    def forbidden(self, datasette, request, message):
        # A browser without a login is sent to the login page; JSON gets a JSON 403.
        if request.path.endswith(".json"):
            return Response.json({"ok": False, "error": message, "status": 403}, status=403)
        if self.view.name != PUBLIC and not request.actor:
            return Response.redirect(datasette.urls.path("/-/login"))
        return None

    @hookimpl
    def handle_exception(self, datasette, request, exception):
        return _error_page(self.view, datasette, request, exception)

    @hookimpl
    def asgi_wrapper(self, datasette):
        view = self.view

        def wrap(app):
            async def refreshed(scope, receive, send):
                if scope["type"] == "http" and view.name == PUBLIC:
                    await asyncio.to_thread(view.refresh_public)
                await app(scope, receive, send)

            return refreshed

        return wrap


def datasette(view: View) -> Any:
    """A Datasette instance serving `view`, with QAM's plugin registered."""
    from datasette.app import Datasette
    from datasette.database import Database
    from datasette.plugins import pm

    from qam.paths import data_dir

    # QAM's error page replaces Datasette's default one, which prints every 404's traceback
    # with its local values (rows of the store among them) to the console.
    if pm.get_plugin("datasette.handle_exception") is not None:
        pm.unregister(name="datasette.handle_exception")
    pm.register(QamPlugin(view), name="qam-serve")
    if view.name == PUBLIC:
        meta = metadata.public(view.force_name, view.public_views)
    else:
        meta = metadata.stakeholder(view.force_name, view.users)
        meta["plugins"] = {
            "datasette-auth-passwords": {
                f"{name}_password_hash": user["hash"] for name, user in view.users.items()
            }
        }
    ds = Datasette(
        metadata=meta,
        template_dir=str(data_dir("reports") / "datasette"),
        settings={
            "allow_download": False,
            "default_allow_sql": view.name != PUBLIC,
            "allow_facet": True,
            "sql_time_limit_ms": 3000,
        },
    )
    # mode=ro (Datasette's "mutable" file): it sees every commit; immutable would not.
    ds.add_database(Database(ds, path=str(view.database), is_mutable=True), name=metadata.DATABASE)
    return ds


def _error_page(view: View, datasette: Any, request: Any, exception: BaseException) -> Any:
    """Datasette's error page with the marking, and no traceback (nor its local values, which
    may hold the store's rows) printed to the console: one line for an unexpected error."""
    from datasette.utils.asgi import Base400
    from datasette.views.base import DatasetteError

    async def inner():
        title = None
        if isinstance(exception, Base400):
            status, info, message = exception.status, {}, str(exception.args[0])
        elif isinstance(exception, DatasetteError):
            status, info, message = exception.status, dict(exception.error_dict), exception.message
            title = exception.title
        else:
            status, info = 500, {}
            message = "The server met an unexpected error; nothing was changed."
            print(f"qam serve: {type(exception).__name__} on {request.path}", file=sys.stderr)
        info.update({"ok": False, "error": message, "status": status, "title": title})
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        context = dict(
            info,
            urls=datasette.urls,
            app_css_hash=datasette.app_css_hash(),
            menu_links=lambda: [],
            qam_marking=view.marking,
            qam_view=view.name,
        )
        return Response.html(await template.render_async(context), status=status)

    return inner
