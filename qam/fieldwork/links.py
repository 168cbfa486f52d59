"""Which register items to offer when a reviewer links a finding: theme first, then shared words."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qam.store import register as register_db

if TYPE_CHECKING:
    from qam.store import Store

_STOP = set(
    """about above after again against also among because been before being below
between both could does doing down during each from further have having here into itself
more most must only other over same should some such than that their them then there these
they this those through under until very were what when where which while with would your
force officers officer staff their there""".split()
)


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", (text or "").lower()) if w not in _STOP}


def _stem(word: str) -> str:
    for suffix in ("ings", "ing", "ers", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def suggest_links(store: Store, *, theme: str | None, notes: str, limit: int = 12) -> list[dict]:
    """Register items ranked by theme match and words shared with the notes (best first).

    Each item carries `score` and `why` ("theme", "words: handover, risk"), so the prompt can
    say why it is offered. Items with nothing in common are left out.
    """
    note_stems = {_stem(w) for w in _words(notes)}
    ranked = []
    for item in register_db.items(store):
        shared = sorted({w for w in _words(item.get("text")) if _stem(w) in note_stems})
        score = (3 if theme and item.get("theme") == theme else 0) + len(shared)
        if score:
            why = (["theme"] if theme and item.get("theme") == theme else []) + (
                [f"words: {', '.join(shared[:4])}"] if shared else []
            )
            ranked.append({**item, "score": score, "why": "; ".join(why)})
    ranked.sort(key=lambda i: (-i["score"], i["ref"]))
    return ranked[:limit]
