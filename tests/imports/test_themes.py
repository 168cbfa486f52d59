"""The force's themes: added, matched however written, shown by their words, carried to laptops."""

from __future__ import annotations

import json

from qam import themes
from qam.store import Store
from qam.sync.export import export_bundle
from qam.sync.merge import import_bundle


def test_a_theme_added_by_the_force_is_matched_shown_and_recorded(qam):
    assert qam("init").exit_code == 0
    result = qam("themes", "add", "Wildlife Crime", "--synonym", "rural crime", "--synonym", "WLC")
    assert result.exit_code == 0 and "Theme 'Wildlife Crime' (wildlife_crime)" in result.stdout
    again = qam("themes", "add", "wildlife-crime")
    assert again.exit_code == 1 and "already the theme 'Wildlife Crime'" in again.stderr
    taken = qam("themes", "add", "Poaching", "--synonym", "Fraud")
    assert taken.exit_code == 1 and "already names the theme 'Fraud'" in taken.stderr
    more = qam("themes", "add", "Fraud", "--synonym", "Scams")
    assert more.exit_code == 0 and "Scams" in more.stdout
    listed = {t["slug"]: t for t in json.loads(qam("themes", "list", "--json").stdout)}
    assert listed["wildlife_crime"] == {
        "slug": "wildlife_crime",
        "label": "Wildlife Crime",
        "synonyms": ["rural crime", "WLC"],
        "source": "force",
    }
    assert "Scams" in listed["fraud"]["synonyms"] and listed["fraud"]["source"] == "shipped"
    trail = [e for e in json.loads(qam("audit", "log", "--json").stdout) if e["entity"] == "theme"]
    assert [e["action"] for e in trail] == ["added", "synonyms_added"]
    assert qam("audit", "verify").exit_code == 0


def test_a_laptop_made_from_the_programme_store_knows_the_forces_themes(tmp_path, store):
    themes.add_theme(store, "Wildlife Crime", ["rural crime"], actor="liaison.lead")
    bundle = tmp_path / "base.qam-bundle"
    export_bundle(store, bundle, actor="liaison.lead")
    with Store.open(tmp_path / "laptop.db") as laptop:
        import_bundle(laptop, bundle, actor="sgt.eastern")
        known = themes.load(laptop)
        assert known.find("Rural Crime") == "wildlife_crime"
        assert known.label("wildlife_crime") == "Wildlife Crime"
