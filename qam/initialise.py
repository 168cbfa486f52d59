"""Setting up a store: the home force's name and the question sets it answers against."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qam import question_sets
from qam.store import audit

if TYPE_CHECKING:
    from qam.store import Store


@dataclass
class InitResult:
    """What `qam init` did: the force recorded, and which question sets were newly loaded."""

    force_name: str | None
    sets_loaded: list[str]
    organiser: str | None = None  # the planner's email, organiser of the calendar invitations
    update_cycle_days: int | None = None  # how often action plans are updated (days)
    signing_key: str | None = None  # this store's key's fingerprint, as people read it


def _record(store: Store, actor: str, key: str, value: str) -> None:
    """A store setting changed, with its event in the trail (one transaction)."""
    old = store.setting(key)
    if value and value != old:
        with store.transaction():
            store.set_setting(key, value)
            audit.append_event(
                store,
                actor=actor,
                entity="setting",
                entity_id=key,
                action="set",
                old=old,
                new=value,
                reason="qam init",
            )


def initialise(
    store: Store,
    *,
    actor: str,
    force_name: str | None = None,
    organiser: str | None = None,
    update_cycle_days: int | None = None,
) -> InitResult:
    """Record the home force's name, the planner's email and the action plans' update cycle
    (if given), load the shipped question sets, and make the store's signing key if it has
    none (beside the store)."""
    from qam.planner.invitations import ORGANISER_SETTING, check_organiser

    if organiser is not None:
        organiser = check_organiser(organiser)
    if force_name is not None:
        _record(store, actor, "force_name", force_name.strip())
    if organiser is not None:
        _record(store, actor, ORGANISER_SETTING, organiser)
    if update_cycle_days is not None:
        from qam.errors import QamError

        if not 1 <= update_cycle_days <= 366:
            raise QamError(
                f"--update-cycle-days {update_cycle_days} is not a cycle; give the days between "
                "action-plan updates, from 1 to 366 (31 is monthly)."
            )
        _record(store, actor, "update_cycle_days", str(update_cycle_days))
    loaded = []
    for qs in question_sets.shipped():
        if question_sets.record(store, qs, actor):
            loaded.append(f"{qs.id} v{qs.version}")
    from qam.sync import signing

    return InitResult(
        force_name=store.setting("force_name"),
        sets_loaded=loaded,
        organiser=store.setting(ORGANISER_SETTING),
        update_cycle_days=int(store.setting("update_cycle_days") or 0) or None,
        signing_key=signing.shown(signing.fingerprint(signing.own_public(store))),
    )
