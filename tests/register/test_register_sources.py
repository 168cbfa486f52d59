"""Every source of learning in one register: IOPC, coroners, internal audit beside HMICFRS."""

from __future__ import annotations

import json
import sqlite3

from register_helpers import HEADERS, row, write_csv
from test_register_pcc import test_january_2017_position as load_january_2017

IOPC_HEADERS = ["Rec No", "Learning recommendation", "Level", "Status", "Report", "Date of report"]


def _iopc_file(tmp_path):
    rows = [
        [
            "IOPC-2026-07",
            "The force should make sure officers attending a mental health crisis record the "
            "handover to ambulance staff.",
            "Westshire Police",
            "Being progressed",
            "Learning the lessons: a death after police contact",
            "14/05/2026",
        ],
        [
            "IOPC-2026-08",
            "Forces should brief custody staff on the revised rousing guidance.",
            "National",
            "Awaiting review",
            "IOPC national learning recommendation",
            "02/06/2026",
        ],
    ]
    return write_csv(tmp_path / "iopc.csv", IOPC_HEADERS, rows)


def _mixed_file(tmp_path):
    """One tracker holding every source in a column, as a force's combined tracker does."""
    headers = [*HEADERS, "Source of learning"]
    rows = [
        [*row("PFD-2027-01", type_="", scope="Westshire Police"), "Regulation 28"],
        [*row("AUD-2026-03", type_="Audit finding", scope="Westshire Police"), "Internal Audit"],
        [*row("HMI-9", "Complete"), ""],
    ]
    return write_csv(tmp_path / "mixed.csv", headers, rows)


def test_other_sources_leave_the_pcc_position_of_hmicfrs_items_alone(home, tmp_path):
    load_january_2017(home, tmp_path)
    before = json.loads(home("recs", "summary", "--json").stdout)
    result = home("recs", "import", str(_iopc_file(tmp_path)), "--source", "IOPC")
    assert result.exit_code == 0, result.stderr
    result = home("recs", "import", str(_mixed_file(tmp_path)))
    assert result.exit_code == 0, result.stderr
    after = json.loads(home("recs", "summary", "--json").stdout)
    # HMI-9 is one more HMICFRS item; nothing else of the PCC's position moves.
    assert after["total"] == before["total"] + 1 == 312
    assert after["outstanding"] == before["outstanding"]
    assert after["by_source"]["iopc"] == {
        "total": 2,
        "outstanding": 2,
        "by_type": {"learning_recommendation": {"total": 2, "outstanding": 2}},
    }
    assert after["by_source"]["coroner"]["by_type"] == {
        "pfd_concern": {"total": 1, "outstanding": 1}
    }
    assert after["by_source"]["internal_audit"]["total"] == 1
    assert after["by_source"]["hmicfrs"]["total"] == 312
    text = home("recs", "summary").stdout
    assert "2 from IOPC (2 outstanding)" in text and "Internal audit" in text


def test_list_filters_by_source_and_show_names_it(home, tmp_path):
    home("recs", "import", str(_iopc_file(tmp_path)), "--source", "iopc")
    home("recs", "import", str(_mixed_file(tmp_path)))
    listed = json.loads(home("recs", "list", "--source", "iopc", "--json").stdout)
    assert [r["ref"] for r in listed] == ["IOPC-2026-07", "IOPC-2026-08"]
    assert {r["type"] for r in listed} == {"learning_recommendation"}
    both = json.loads(
        home("recs", "list", "--source", "coroner", "--source", "audit", "--json").stdout
    )
    assert [r["ref"] for r in both] == ["AUD-2026-03", "PFD-2027-01"]
    assert json.loads(home("recs", "list", "--type", "PFD", "--json").stdout)[0]["source"] == (
        "coroner"
    )
    shown = home("recs", "show", "IOPC-2026-07").stdout
    assert "Source:      IOPC" in shown
    table = home("recs", "list").stdout
    assert "IOPC rec" in table and "PFD" in table
    bad = home("recs", "list", "--source", "ombudsman")
    assert bad.exit_code == 1 and bad.stderr.count("Error:") == 1 and "--source" in bad.stderr


def test_a_type_its_source_does_not_have_is_refused_and_nothing_is_written(home, tmp_path):
    rows = [
        row("IOPC-1", type_="Learning recommendation"),
        row("IOPC-2", type_="Cause of concern"),  # an HMICFRS type on an IOPC file
    ]
    path = write_csv(tmp_path / "wrong.csv", HEADERS, rows)
    result = home("recs", "import", str(path), "--source", "iopc")
    assert result.exit_code == 1
    assert result.stderr.count("Error:") == 1
    assert "row 3" in result.stderr.lower() and "Type" in result.stderr
    assert "learning_recommendation" in result.stderr
    assert json.loads(home("recs", "list", "--json").stdout) == []
    # an HMICFRS tracker (no --source) may not hold an IOPC type either
    path = write_csv(tmp_path / "wrong2.csv", HEADERS, [row("X-1", type_="PFD concern")])
    assert home("recs", "import", str(path)).exit_code == 1
    unknown = home("recs", "import", str(path), "--source", "ombudsman")
    assert unknown.exit_code == 1 and "--source 'ombudsman'" in unknown.stderr


def test_reimporting_with_a_source_moves_an_item_to_it(home, tmp_path):
    first_file = write_csv(
        tmp_path / "first.csv", HEADERS, [row("IOPC-2026-07", type_="Recommendation")]
    )
    assert home("recs", "import", str(first_file), "--source", "other").exit_code == 0
    first = json.loads(home("recs", "show", "IOPC-2026-07", "--json").stdout)
    assert (first["source"], first["type"]) == ("other", "recommendation")
    assert home("recs", "import", str(_iopc_file(tmp_path)), "--source", "iopc").exit_code == 0
    again = json.loads(home("recs", "show", "IOPC-2026-07", "--json").stdout)
    assert (again["source"], again["type"]) == ("iopc", "learning_recommendation")


def test_a_store_made_before_sources_keeps_every_item_as_hmicfrs(tmp_path):
    from qam.store import APPLICATION_ID, Store, migrations

    path = tmp_path / "old.db"
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN")
    migrations.apply(raw, stop_before="m013_register_sources")
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    raw.execute("PRAGMA user_version = 12")
    raw.execute(
        "INSERT INTO register_item (id, ref, text, type, scope, status, created_at, updated_at) "
        "VALUES ('1', 'REC-1', 'Forces should act on custody handovers.', 'recommendation', "
        "'national', 'being_progressed', '2026-01-01', '2026-01-01')"
    )
    raw.execute("INSERT INTO register_item_fts(register_item_fts) VALUES ('rebuild')")
    raw.execute("COMMIT")
    raw.close()
    with Store.open(path) as store:
        from qam.register.items import items, search

        (item,) = items(store)
        assert (item["ref"], item["source"], item["type"]) == ("REC-1", "hmicfrs", "recommendation")
        assert [i["ref"] for i in search(store, "handovers")] == ["REC-1"]
