"""The force's four transformation enablers on findings: Leadership, Partnership, Culture and
Technology (`qam.vocabulary.ENABLERS`).

A finding takes the enablers its question is tagged with in the question set; the reviewer
may add or remove one when capturing. What the reviewer settled on is stored with the
finding (a JSON list, in the vocabulary's order). A finding saved before QAM recorded
enablers has none stored (NULL): every reader then takes its question's, through `resolve`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qam.errors import RefusedError
from qam.vocabulary import ENABLERS, label

if TYPE_CHECKING:
    from qam.store import Store

ENABLER_LABELS = {e: label(e) for e in ENABLERS}


def enabler(text: str) -> str:
    """One enabler from its slug or its label in any case ("Culture", "culture")."""
    slug = str(text).strip().lower().replace(" ", "_")
    if slug not in ENABLERS:
        raise RefusedError(
            f"'{text}' is not an enabler; the four are {', '.join(ENABLER_LABELS.values())}."
        )
    return slug


def ordered(enablers: Iterable[str]) -> list[str]:
    """Enablers without repeats, in the vocabulary's order."""
    chosen = set(enablers)
    return [e for e in ENABLERS if e in chosen]


def choose(question_enablers: Iterable[str], given: Iterable[str] | None) -> list[str]:
    """A finding's enablers: the question's when nothing is given; else the given list.

    The list is either the enablers themselves (["culture", "partnership"]: exactly these)
    or changes to the question's (["+technology", "-culture"]), not a mix of the two.
    """
    base = ordered(question_enablers)
    if given is None:
        return base
    given = [str(g).strip() for g in given]
    changes = [g for g in given if g[:1] in "+-" and g]
    if changes and len(changes) != len(given):
        raise RefusedError(
            'Enablers are either the list itself (["culture", "partnership"]) or changes to '
            'the question\'s (["+technology", "-culture"]), not a mix of the two.'
        )
    if not changes:
        return ordered(enabler(g) for g in given)
    chosen = set(base)
    for change in changes:
        slug = enabler(change[1:])
        if change[0] == "+":
            chosen.add(slug)
        else:
            chosen.discard(slug)
    return ordered(chosen)


def stored(enablers: Iterable[str]) -> str:
    """The stored form of a finding's enablers."""
    return json.dumps(ordered(enablers))


def question_enablers(store: Store) -> dict[tuple[str, str], tuple[str, ...]]:
    """(question set, question id) -> the enablers the question is tagged with."""
    from qam.reports import catalogue

    return {
        (s.id, q.id): tuple(q.enablers)
        for s in catalogue.question_sets(store).values()
        for q in s.questions
    }


def resolve(store: Store, rows: list[dict], tags: dict | None = None) -> list[dict]:
    """Give every finding row its enablers: its own, or its question's when it has none stored."""
    missing = [r for r in rows if r.get("enablers") is None]
    if missing:
        tags = tags if tags is not None else question_enablers(store)
        for row in missing:
            row["enablers"] = ordered(tags.get((row["question_set"], row["question_id"]), ()))
    return rows


def labels(enablers: Iterable[str]) -> str:
    """'Partnership, Culture' (or 'None' for a finding tagged with none)."""
    return ", ".join(ENABLER_LABELS[e] for e in ordered(enablers)) or "None"
