"""Where things live: the shipped data folders and the store file."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The shipped folder `name` (question_sets, plans, reports).

    An installed wheel carries them in `qam/_data/`; a source checkout has them beside `qam/`.
    """
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def default_db_path() -> Path:
    """`QAM_DB` if set, else `qam.db` in the user data directory."""
    env = os.environ.get("QAM_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("qam", appauthor=False)) / "qam.db"


def current_user(explicit: str | None = None) -> str:
    """Who is acting, for the trail: `--as`, else `QAM_USER`, else the login name."""
    if explicit:
        return explicit
    env = os.environ.get("QAM_USER")
    if env:
        return env
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still record something honest
        return "unknown"
