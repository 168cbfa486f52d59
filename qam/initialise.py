"""Setting up a store: the home force's name and the question sets it answers against."""

from __future__ import annotations

from dataclasses import dataclass

from qam import question_sets
from qam.store import audit


@dataclass
class InitResult:
    """What `qam init` did: the force recorded, and which question sets were newly loaded."""

    force_name: str | None
    sets_loaded: list[str]


def initialise(store, *, actor: str, force_name: str | None = None) -> InitResult:
    """Record the home force's name (if given) and load the shipped question sets."""
    if force_name is not None:
        force_name = force_name.strip()
        old = store.setting("force_name")
        if force_name and force_name != old:
            with store.transaction():
                store.set_setting("force_name", force_name)
                audit.append_event(
                    store,
                    actor=actor,
                    entity="setting",
                    entity_id="force_name",
                    action="set",
                    old=old,
                    new=force_name,
                    reason="qam init",
                )
    loaded = []
    for qs in question_sets.shipped():
        if question_sets.record(store, qs, actor):
            loaded.append(f"{qs.id} v{qs.version}")
    return InitResult(force_name=store.setting("force_name"), sets_loaded=loaded)
