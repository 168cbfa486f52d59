"""CLI tests: exit codes, one `Error:` line naming the row, --json outputs, the store unchanged."""

from __future__ import annotations

import json

import pytest
from register_helpers import HEADERS, error_line, row, snapshot, write_csv


def _import(qam, path, *extra):
    return qam("recs", "import", str(path), *extra)


def test_import_list_show_history(home, tracker):
    result = _import(home, tracker)
    assert result.exit_code == 0, result.stderr
    assert "Added 3 items" in result.stdout and "RAG" in result.stdout
    listed = json.loads(home("recs", "list", "--since", "01/01/2015", "--json").stdout)
    assert [i["ref"] for i in listed] == ["REC-1", "AFI-2"]
    shown = json.loads(home("recs", "show", "AFI-2", "--json").stdout)
    assert shown["extra"] == {"RAG": "Amber"} and shown["scope"] == "force"
    assert "RAG: Amber" in home("recs", "show", "AFI-2").stdout
    searched = json.loads(home("recs", "list", "--search", "custody", "--json").stdout)
    assert [i["ref"] for i in searched] == ["AFI-2"]


def test_dry_run_says_what_would_change_and_writes_nothing(home, tracker, db_path):
    before = snapshot(db_path)
    result = _import(home, tracker, "--dry-run")
    assert (
        result.exit_code == 0
        and "Would add 3 items" in result.stdout
        and "nothing was written" in result.stdout
    )
    assert snapshot(db_path) == before


def test_reimport_reports_status_changes(home, tracker, tmp_path):
    _import(home, tracker)
    v2 = write_csv(
        tmp_path / "v2.csv",
        HEADERS,
        [
            row(
                "REC-1",
                "Being progressed",
                text="Forces should publish an action plan, with priorities.",
            )
        ],
    )
    result = _import(home, v2, "--json")
    receipt = json.loads(result.stdout)
    assert receipt["status_changes"] == [
        {"ref": "REC-1", "old": "completed", "new": "being_progressed"}
    ]
    history = json.loads(home("recs", "history", "REC-1", "--json").stdout)
    assert (
        history[-1]["reason"] == "status in imported tracker v2.csv"
        and history[-1]["source"] == "import"
    )
    assert len(json.loads(home("recs", "list", "--json").stdout)) == 3


@pytest.mark.parametrize(
    "rows, needle",
    [
        (
            [row("A-1"), row("A-2", "Sort of done")],
            ("row 3", "'Status'", "Sort of done", "--value"),
        ),
        (
            [row("A-1"), row("A-2", published="31/02/2019")],
            ("row 3", "'Date Published'", "31/02/2019"),
        ),
        ([row("A-1"), row("A-2"), row("a-1")], ("row 4", "'Ref'", "row 2")),
        ([row("A-1"), row("A-2", text=" ")], ("row 3", "'Recommendation / AFI'", "empty text")),
        ([row("A-1", type_="Observation")], ("row 2", "'Type'", "Observation")),
        (
            [row("A-1", theme="Custardy")],
            ("row 2", "'Theme'", "Custardy", "like 'Custody and detention'", "--add-themes"),
        ),
    ],
)
def test_bad_rows_are_refused_by_row_and_nothing_written(
    home, tracker, tmp_path, db_path, rows, needle
):
    _import(home, tracker)
    before = snapshot(db_path)
    result = _import(home, write_csv(tmp_path / "bad.csv", HEADERS, rows))
    assert result.exit_code == 1
    line = error_line(result)
    for part in needle:
        assert part in line
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    "name, content, phrase",
    [
        ("empty.csv", b"", "empty"),
        ("binary.csv", b"\x00\x01\x02\x03PK garbage", "binary"),
        ("columns.csv", b"Name,Colour\nA,blue\n", "missing column"),
        ("headers-only.csv", b"Ref,Text,Type,Scope,Status\n", "no items"),
        ("book.xlsx", b"this is not a zip", "not a readable .xlsx"),
    ],
)
def test_bad_files_get_one_error_line(home, tmp_path, db_path, name, content, phrase):
    before = snapshot(db_path)
    path = tmp_path / name
    path.write_bytes(content)
    result = _import(home, path)
    assert result.exit_code == 1 and phrase in error_line(result)
    assert snapshot(db_path) == before


def test_missing_file(home, tmp_path, db_path):
    before = snapshot(db_path)
    result = _import(home, tmp_path / "nope.csv")
    assert result.exit_code == 1 and "does not exist" in error_line(result)
    assert snapshot(db_path) == before


def test_status_decision_needs_a_reason(home, tracker, db_path):
    _import(home, tracker)
    before = snapshot(db_path)
    result = home("recs", "status", "AFI-2", "completed")
    assert result.exit_code == 1 and "Give --reason" in error_line(result)
    result = home("recs", "status", "AFI-2", "will_not_be_progressed", "--reason", "no budget")
    assert result.exit_code == 1 and "--approver" in error_line(result)
    result = home("recs", "status", "AFI-2")  # not a terminal: no prompts
    assert result.exit_code == 1 and "Give STATUS, --reason" in error_line(result)
    assert snapshot(db_path) == before
    result = home(
        "--as",
        "hcd",
        "recs",
        "status",
        "AFI-2",
        "Complete",
        "--reason",
        "Dip sample 60/60",
        "--evidence",
        "QA review R03",
    )
    assert result.exit_code == 0, result.stderr
    history = json.loads(home("recs", "history", "AFI-2", "--json").stdout)
    assert history[-1]["reason"] == "Dip sample 60/60" and history[-1]["actor"] == "hcd"
    assert (
        history[-1]["old_status"] == "awaiting_review" and history[-1]["new_status"] == "completed"
    )
    log = json.loads(home("audit", "log", "--json").stdout)
    assert any(e["event_id"] == history[-1]["event_id"] for e in log)


def test_unknown_ref_and_bad_filters(home, tracker):
    _import(home, tracker)
    result = home("recs", "show", "AFI-3")
    assert result.exit_code == 1 and "did you mean AFI-2" in error_line(result)
    result = home("recs", "list", "--since", "31/02/2020")
    assert result.exit_code == 1 and "--since" in error_line(result)
    result = home("recs", "list", "--status", "Sorta")
    assert result.exit_code == 1 and "not a status" in error_line(result)


def test_summary_table_and_json(home, tracker):
    _import(home, tracker)
    doc = json.loads(home("recs", "summary", "--json").stdout)
    assert doc["total"] == 3 and doc["outstanding"]["total"] == 2
    text = home("recs", "summary").stdout
    assert (
        "1 national (1 complete), 1 force-specific (1 awaiting review) and 1 joint (1 will be progressed)"
        in text
    )


def test_example_register_imports(home):
    from qam.paths import data_dir

    result = _import(home, data_dir("plans") / "register.csv")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(home("recs", "show", "REC-2023-011", "--json").stdout)
    assert shown["scope"] == "joint" and "Dip sample" in shown["extra"]["Comments"]
    assert shown["action_lead"] == "Ch Supt, Head of Custody" and shown["due"] == "2027-03-31"
