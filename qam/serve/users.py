"""Who may log in to the stakeholder view: names and password hashes, kept in the store's
settings (never carried by a sync bundle, and refused in the browser like every setting).

The hash is datasette-auth-passwords' own (PBKDF2-SHA256, 480,000 iterations, a random salt),
so the plugin checks it as it is; the password itself is never stored or logged.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from qam.errors import RefusedError

if TYPE_CHECKING:
    from qam.store import Store

PREFIX = "serve_user:"
MIN_LENGTH = 10
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def users(store: Store) -> dict[str, dict]:
    """{name: {"hash": ..., "sql": bool}} for everyone who may log in."""
    from qam.store import settings

    found = {}
    for name, value in settings.with_prefix(store, PREFIX).items():
        try:
            user = json.loads(value)
        except ValueError:
            continue
        if isinstance(user, dict) and user.get("hash"):
            found[name] = user
    return found


def set_password(store: Store, name: str, password: str, *, sql: bool, actor: str) -> None:
    """Record (or replace) one user's password hash, and whether they may run their own SQL."""
    from datasette_auth_passwords.utils import hash_password

    from qam.store import settings
    from qam.store.audit import append_event

    if not _NAME.match(name):
        raise RefusedError(
            f"--user {name!r} is not a login name; use letters, digits, '.', '_' or '-' "
            "(up to 64), starting with a letter or digit."
        )
    if len(password) < MIN_LENGTH:
        raise RefusedError(
            f"The password for {name} is shorter than {MIN_LENGTH} characters; nothing was "
            "saved. Choose a longer one (a few words make a good password)."
        )
    record = json.dumps({"hash": hash_password(password), "sql": sql})
    with store.transaction():
        settings.put(store, PREFIX + name, record)
        append_event(
            store,
            actor=actor,
            entity="serve_user",
            entity_id=name,
            action="password_set",
            new={"sql": sql},
        )
