"""The adversarial suite's world: a programme store, a laptop made from its base bundle that
captured, corrected and decided offline, and the laptop's bundle, enrolled on the programme
store. Built once a session and copied for each test (a store and its signing key)."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "fieldwork"))  # fw_helpers: the programme

from fw_helpers import make_programme, trust_bundle  # noqa: E402

from qam.fieldwork.findings import correct, record_answer  # noqa: E402
from qam.fieldwork.sessions import finalise, open_session  # noqa: E402
from qam.register.decisions import record_decision  # noqa: E402
from qam.store import Store  # noqa: E402
from qam.sync.export import export_bundle  # noqa: E402
from qam.sync.merge import import_bundle  # noqa: E402
from qam.sync.signing import key_path  # noqa: E402


def copy_store(source: Path, target: Path) -> Path:
    """A store and its signing key copied (the store closed: no WAL left behind)."""
    shutil.copy(source, target)
    shutil.copy(key_path(source), key_path(target))
    return target


@dataclass
class World:
    programme: Path  # the programme store, the laptop enrolled, nothing of it merged yet
    laptop: Path
    bundle: Path  # the laptop's untouched bundle
    base: Path  # the programme's base bundle
    finding_ids: list[str]


def _laptop_work(laptop: Store) -> list[str]:
    session = open_session(laptop, review_id="R1", method="interview", actor="sgt.a")
    ids = []
    for question, notes, grade, sources in (
        ("pub-1", "Handover briefing covered detainee risk", "good", 2),
        ("vic-1", "Victim contact logged within the hour", None, 1),
        ("prev-1", "Patrol plans named the hotspots", "adequate", 3),
    ):
        ids.append(
            record_answer(
                laptop,
                session,
                question_id=question,
                notes=notes,
                actor="sgt.a",
                grade=grade,
                sources=sources,
                links=["REC-HANDOVER"] if question == "pub-1" else [],
            )["id"]
        )
    finalise(laptop, session["id"], "sgt.a")
    ids.append(
        correct(laptop, ids[2], actor="sgt.a", reason="re-read the plans", notes="Plans named two")[
            "id"
        ]
    )
    record_decision(
        laptop, "REC-CALLS", "being_progressed", reason="call audit begun", actor="sgt.a"
    )
    return ids


@pytest.fixture(scope="session")
def world_template(tmp_path_factory) -> World:
    folder = tmp_path_factory.mktemp("adversarial-world")
    programme = make_programme(folder / "programme.db")
    base = folder / "base.qam-bundle"
    export_bundle(programme, base, actor="liaison.lead")
    laptop = Store.open(folder / "laptop.db")
    import_bundle(laptop, base, actor="sgt.a")
    ids = _laptop_work(laptop)
    bundle = folder / "laptop.qam-bundle"
    export_bundle(laptop, bundle, actor="sgt.a")
    laptop.close()
    trust_bundle(programme, bundle)
    programme.close()
    return World(folder / "programme.db", folder / "laptop.db", bundle, base, ids)


@pytest.fixture
def world(world_template, tmp_path) -> World:
    """A fresh copy of the world for one test."""
    t = world_template
    return World(
        copy_store(t.programme, tmp_path / "programme.db"),
        copy_store(t.laptop, tmp_path / "laptop.db"),
        Path(shutil.copy(t.bundle, tmp_path / "laptop.qam-bundle")),
        Path(shutil.copy(t.base, tmp_path / "base.qam-bundle")),
        list(t.finding_ids),
    )
