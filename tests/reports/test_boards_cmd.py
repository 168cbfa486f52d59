"""`qam boards`: the boards, chairs and areas from plans/boards.csv, and editing them."""

from __future__ import annotations

import json

import pytest

from qam import boards
from qam.errors import ImportFileError


def _boards(qam) -> dict[str, dict]:
    return {b["name"]: b for b in json.loads(qam("boards", "list", "--json").stdout)}


def test_four_boards_ship_each_with_a_chair_and_areas_of_its_own(qam):
    assert qam("init").exit_code == 0
    found = _boards(qam)
    assert set(found) == {
        "Operational Assessment Board",
        "Local Policing Assessment Board",
        "People and Culture Board",
        "Organisational Assessment Board",
    }
    assert found["Operational Assessment Board"]["chair"] == "ACC Crime and Justice"
    assert "Protecting vulnerable people" in found["Operational Assessment Board"]["areas"]
    every = [a for b in found.values() for a in b["areas"]]
    assert len(every) == len(set(every))  # an area has one board


def test_set_changes_a_chair_and_moves_an_area_with_the_change_in_the_trail(qam, db_path):
    assert qam("init").exit_code == 0
    result = qam(
        "boards",
        "set",
        "people and culture board",
        "--chair",
        "Chief Constable",
        "--area",
        "Responding to the public",
        "--remove-area",
        "Treating the public with fairness and respect",
    )
    assert result.exit_code == 0, result.stderr
    found = _boards(qam)
    people = found["People and Culture Board"]
    assert people["chair"] == "Chief Constable"
    assert "Responding to the public" in people["areas"]
    assert "Treating the public with fairness and respect" not in people["areas"]
    assert "Responding to the public" not in found["Local Policing Assessment Board"]["areas"]
    assert qam("boards", "set", "Custody Board", "--chair", "ACC Crime and Justice").exit_code == 0
    assert _boards(qam)["Custody Board"]["areas"] == []
    log = json.loads(qam("audit", "log", "--json").stdout)
    assert [e["entity_id"] for e in log if e["entity"] == "assessment_board"] == [
        "People and Culture Board",
        "Custody Board",
    ]
    # the readiness report reads the boards as edited
    from qam.reports import catalogue
    from qam.store import Store

    with Store.open(db_path) as store:
        pairs = dict(catalogue.boards(store))
    assert pairs["Responding to the public"] == "People and Culture Board"


def test_a_bad_edit_is_one_error_line_and_changes_nothing(qam):
    assert qam("init").exit_code == 0
    before = _boards(qam)
    result = qam("boards", "set", "Operational Assessment Board", "--remove-area", "Custody")
    assert result.exit_code == 1 and result.stderr.count("Error:") == 1
    assert "--remove-area 'Custody'" in result.stderr
    assert _boards(qam) == before
    missing = qam("report", "board", "Operational Board X")
    assert (
        missing.exit_code == 1 and "did you mean 'Operational Assessment Board'" in missing.stderr
    )


def test_a_boards_file_giving_one_board_two_chairs_is_refused_naming_the_rows(tmp_path):
    path = tmp_path / "boards.csv"
    path.write_text(
        "area,board,chair\nInvestigating crime,Ops,ACC Crime\nResponding to the public,Ops,\n"
        "Protecting vulnerable people,Ops,DCC\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError, match="row 4 gives Ops the chair 'DCC', but row 2"):
        boards.read_file(path)
    path.write_text(
        "area,board,chair\nInvestigating crime,Ops,\nX,Ops,ACC Crime\n", encoding="utf-8"
    )
    (ops,) = boards.read_file(path)
    assert (ops.chair, ops.areas) == ("ACC Crime", ["Investigating crime", "X"])
    assert ops.leads("acc  crime") and not ops.leads("ACC Crime and Justice")
