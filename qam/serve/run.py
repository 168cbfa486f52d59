"""Starting and stopping the server for one view."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from qam.errors import RefusedError
from qam.reports.models import PUBLIC
from qam.serve.app import View, build_public, datasette


def prepare(store_path: Path, view_name: str, workdir: Path) -> View:
    """Check the store and what the view needs, and build the public figures if asked."""
    from qam.serve.users import users
    from qam.store import Store

    # Opened once as every command opens it (an older store is migrated here, before the
    # server opens it read-only for good).
    with Store.open(store_path, create=False) as store:
        force_name = store.setting("force_name") or "The force"
        people = users(store)
    view = View(view_name, store_path, store_path, force_name, users=people)
    if view_name == PUBLIC:
        view.database = workdir / "qam.db"
        build_public(view)
    elif not people:
        raise RefusedError(
            "No one can log in to the stakeholder view yet; set a password with "
            "`qam serve --set-password` (add --allow-sql for someone who may run their own "
            "SQL), then start it again. Or serve the public figures with --view public."
        )
    return view


def check_port(host: str, port: int) -> None:
    """Refuse a port something else listens on, before building anything."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as err:
        raise RefusedError(f"--host {host} is not an address of this machine ({err}).") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            raise RefusedError(
                f"Port {port} on {host} is in use (another server, or `qam serve` already "
                "running); choose another with --port."
            ) from None


def run(store_path: Path, *, view: str, host: str, port: int, say: Callable[[str], None]) -> None:
    """Serve until Ctrl-C, then tidy up (the public figures' file goes with the server)."""
    import uvicorn

    check_port(host, port)
    with tempfile.TemporaryDirectory(prefix="qam-serve-") as work:
        served = prepare(store_path, view, Path(work))
        ds = datasette(served)
        shown = f"[{host}]" if ":" in host else host
        say(f"Serving {store_path} ({served.name} view, read-only) at http://{shown}:{port}/")
        if served.name != PUBLIC:
            say(f"Log in at http://{shown}:{port}/-/login. Marked OFFICIAL-SENSITIVE.")
        say("Press Ctrl-C to stop.")
        uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
        say("Stopped.")
