"""Helpers every report builder shares: the page header, labels, the view check."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from qam import vocabulary
from qam.errors import RefusedError
from qam.reports.models import OFFICIAL_SENSITIVE, PUBLIC, PUBLIC_MARKING, STAKEHOLDER, VIEWS, Page
from qam.vocabulary import GRADE_LABELS, label

if TYPE_CHECKING:
    from qam.store import Store


def check_view(view: str) -> str:
    """The view name, or a clear error naming the two there are."""
    view = (view or STAKEHOLDER).strip().lower()
    if view not in VIEWS:
        raise RefusedError(
            f"--view {view!r} is not a view; use 'stakeholder' (everything, "
            "OFFICIAL-SENSITIVE) or 'public' (aggregate figures only)."
        )
    return view


def page(store: Store, title: str, view: str, now: datetime | None = None) -> Page:
    """The header and footer facts for one report."""
    from qam import __version__

    now = now or datetime.now(UTC)
    return Page(
        force_name=store.setting("force_name") or "The force",
        title=title,
        view=view,
        marking=OFFICIAL_SENSITIVE if view == STAKEHOLDER else PUBLIC_MARKING,
        generated=now.strftime("%d %B %Y %H:%M UTC"),
        qam_version=__version__,
    )


def refuse_sensitive_public(store: Store, view: str, what: str) -> None:
    """A public report may not be built from a store holding OFFICIAL-SENSITIVE rows."""
    if view != PUBLIC:
        return
    marked = sensitive_rows(store)
    if marked:
        shown = ", ".join(marked[:3]) + (f" and {len(marked) - 3} more" if len(marked) > 3 else "")
        raise RefusedError(
            f"The public {what} report was not written: {shown} is marked OFFICIAL-SENSITIVE. "
            "Publish the stakeholder view to its readers instead, or remove the marking once "
            "the item is cleared for release."
        )


# Values of a register column kept in `extra` (a "Classification" or "Marking" column of the
# force's tracker) that mark an item OFFICIAL-SENSITIVE; compared after lower-casing and
# keeping letters and digits only.
SENSITIVE_MARKINGS = ("officialsensitive", "os")


def is_sensitive_marking(value: object) -> bool:
    """True if a classification value reads as OFFICIAL-SENSITIVE (any spelling)."""
    if value is None:
        return False
    text = "".join(ch for ch in str(value).lower() if ch.isalnum())
    return text in SENSITIVE_MARKINGS


def sensitive_rows(store: Store) -> list[str]:
    """What in the store is marked OFFICIAL-SENSITIVE: 'register item <ref>' for each item whose
    tracker column naming a classification or marking (kept in `extra`) says so."""
    from qam.store import register as register_db

    found = []
    for item in register_db.items(store):
        values = [
            v
            for k, v in item["extra"].items()
            if any(word in str(k).lower() for word in ("classification", "marking"))
        ]
        if any(is_sensitive_marking(v) for v in values):
            found.append(f"register item {item['ref']}")
    return found


def grade_label(grade: str | None) -> str:
    return GRADE_LABELS.get(grade, "Not assessed") if grade else "Not assessed"


def theme_label(slug: str | None) -> str:
    """A theme slug as its label in the theme vocabulary (`qam.vocabulary.theme_label`)."""
    return vocabulary.theme_label(slug)


def status_label(slug: str | None) -> str:
    return label(slug)


def sentence(text: str | None) -> str:
    """A clause as a sentence: first letter up, a full stop at the end ("" stays "")."""
    text = (text or "").strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def file_slug(text: str) -> str:
    """A safe piece of a file name (review ids may hold anything)."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", str(text)).strip("-")[:60]
    return slug or "review"
