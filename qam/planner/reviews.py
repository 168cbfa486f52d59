"""Reviews in the programme: listing them, finding one, and adding one without the planner.

Reviews live in the planner's package because the planner makes them: accepting a plan
writes the programme (`qam/planner/programme.py`), and a review added by hand for fieldwork
(`add_review`) is the same kind of row in the same table (`qam/store/programme.py`).
Fieldwork, reports and sync read reviews through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from qam.errors import NotFoundError, RefusedError
from qam.store import audit
from qam.store import programme as programme_db
from qam.vocabulary import METHODS

if TYPE_CHECKING:
    from qam.store import Store


def list_reviews(store: Store) -> list[dict]:
    """Every review with its team (SME ids) and methods as a list, in start order."""
    return programme_db.reviews(store)


def get_review(store: Store, review_id: str) -> dict:
    """One review, or a NotFoundError that lists the reviews there are."""
    row = programme_db.review(store, review_id)
    if row is None:
        known = [r["id"] for r in programme_db.reviews(store)]
        hint = (
            f" The reviews are: {', '.join(known[:12])}."
            if known
            else " There are no reviews yet: accept a plan (`qam plan`) or add one with `qam reviews add`."
        )
        raise NotFoundError(f"No review '{review_id}'.{hint}")
    return row


def assigned_to(store: Store, who: str) -> set[str]:
    """Ids of the reviews whose team includes `who` (an SME id, name or email, any case)."""
    return set(programme_db.reviews_assigned_to(store, who.strip()))


def _check_new_review(
    store: Store, review_id: str, theme: str, start: str, end: str, methods: list[str]
) -> str:
    """Refuse what cannot make a review; the theme's slug (written any way the force writes it)."""
    from qam import themes
    from qam.errors import QamError

    if not review_id:
        raise RefusedError("A review needs an id, e.g. R-CUSTODY-01.")
    if programme_db.review(store, review_id):
        raise RefusedError(f"Review '{review_id}' already exists; see `qam reviews list`.")
    try:
        theme = themes.load(store).resolve(theme)
    except QamError as err:
        raise RefusedError(str(err)) from None
    for key, value in (("start", start), ("end", end)):
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            raise RefusedError(
                f"--{key} '{value}' is not a date; write it as YYYY-MM-DD."
            ) from None
    if end < start:
        raise RefusedError(f"The review ends ({end}) before it starts ({start}).")
    for m in methods:
        if m not in METHODS:
            raise RefusedError(f"Method '{m}' is not one of {', '.join(METHODS)}.")
    return theme


def add_review(
    store: Store,
    *,
    review_id: str,
    title: str,
    theme: str,
    unit: str,
    start: str,
    end: str,
    actor: str,
    question_set: str | None = None,
    methods: Iterable[str] = (),
    team: Iterable[str] = (),
    follows: str | None = None,
) -> dict:
    """A review made without the planner (a reviewer's own, the demo, tests), in the trail.

    `follows` names the earlier review a re-review starts from (its baseline): its question
    set, unless another is named."""
    from qam.fieldwork.sessions import question_set_for

    review_id = review_id.strip()
    if follows:
        from qam.fieldwork.baseline import check_follows

        base = check_follows(store, review_id, follows)
        follows = base["id"]
        question_set = question_set or base["question_set"]
    question_set = question_set or "paf-2023"
    team = list(team)
    chosen = list(methods) or list(METHODS)
    theme = _check_new_review(store, review_id, theme, start, end, chosen)
    question_set_for(store, question_set, actor)
    days = max(1, (date.fromisoformat(end) - date.fromisoformat(start)).days + 1)
    row = {
        "id": review_id,
        "title": title,
        "theme": theme,
        "unit": unit,
        "start": start,
        "end": end,
        "days": days,
        "question_set": question_set,
        "methods": chosen,
        "inspection": None,
        "status": "planned",
        "follows": follows or None,
    }
    with store.transaction():
        programme_db.insert_review(store, row, team)
        audit.append_event(
            store,
            actor=actor,
            entity="review",
            entity_id=review_id,
            action="add",
            new={
                k: row[k]
                for k in ("title", "theme", "unit", "start", "end", "question_set", "follows")
                if row[k] is not None
            },
            reason="review added for fieldwork",
        )
    return {**row, "team": team}


def start_fieldwork(store: Store, review: dict) -> None:
    """A planned review moves to fieldwork when its first session opens (caller's transaction)."""
    if review.get("status") == "planned":
        programme_db.set_status(store, review["id"], "in_fieldwork")
