"""Who you are, on any laptop: a bundle carries the review teams' SMEs (who they are: id, name,
role, unit, email; nothing about their skills or availability), so a reviewer's own reviews
come first on a laptop as they do on the programme store, by SME id, name or email."""

from __future__ import annotations

import pytest
from fw_helpers import make_programme

from qam.fieldwork.guided import guided
from qam.planner.reviews import add_review
from qam.store import Store
from qam.store import smes as smes_db
from qam.sync.export import export_bundle
from qam.sync.merge import import_bundle

POOL = [
    {
        "id": "SME12",
        "name": "Owen Pritchard",
        "role": "Sergeant, Response (custody trained)",
        "unit": "Eastern BCU",
        "skills": ["custody", "use_of_force"],
        "unavailable": [("2027-02-15", "2027-02-19")],
        "email": "Owen.Pritchard@westshire.police.uk",
    },
    {
        "id": "SME30",
        "name": "Priya Shah",
        "role": "Inspector",
        "unit": "Western BCU",
        "skills": ["stop_and_search"],
        "unavailable": [],
        "email": "priya.shah@westshire.police.uk",
    },
]


class _Stop(Exception):
    pass


class _Ask:
    """Answers nothing: records the review menu, then stops the flow."""

    def __init__(self):
        self.menu = None

    def select(self, message, choices, default=None):
        self.menu = (message, [title for title, _ in choices])
        raise _Stop


def _menu(store, who) -> tuple[str, list[str]]:
    ask = _Ask()
    with pytest.raises(_Stop):
        guided(store, who, ask)
    return ask.menu


@pytest.fixture
def laptop(tmp_path):
    programme = make_programme(tmp_path / "programme.db")
    smes_db.upsert_smes(programme, POOL)
    add_review(
        programme,
        review_id="R2",
        title="Stop and search grounds",
        theme="stop_and_search",
        unit="Western BCU",
        start="2025-07-01",
        end="2025-07-11",
        actor="liaison.lead",
        team=["SME12"],
    )
    base = tmp_path / "base.qam-bundle"
    export_bundle(programme, base, actor="liaison.lead")
    programme.close()
    store = Store.open(tmp_path / "laptop.db")
    import_bundle(store, base, actor="laptop")
    yield store
    store.close()


def test_a_bundle_carries_only_the_team_smes_and_only_who_they_are(laptop):
    [owen] = smes_db.smes(laptop)  # Priya is on no team: she stays in the programme store
    assert (owen["id"], owen["name"], owen["role"], owen["unit"], owen["email"]) == (
        "SME12",
        "Owen Pritchard",
        "Sergeant, Response (custody trained)",
        "Eastern BCU",
        "Owen.Pritchard@westshire.police.uk",
    )
    assert owen["skills"] == [] and owen["unavailable"] == []


@pytest.mark.parametrize(
    "who",
    ["Owen Pritchard", "owen pritchard", "SME12", " sme12 ", "owen.pritchard@westshire.police.uk"],
)
def test_a_laptop_stars_the_reviewers_own_reviews_by_name_or_id(laptop, who):
    message, titles = _menu(laptop, who)
    assert "(* = your assignments)" in message
    assert titles[0].startswith("* R2 ") and not titles[1].startswith("*")


def test_someone_on_no_team_sees_no_stars(laptop):
    message, titles = _menu(laptop, "Priya Shah")
    assert "your assignments" not in message and not any(t.startswith("*") for t in titles)
