"""SME pool and candidate imports: all or nothing, a bad row named, nothing written."""

from __future__ import annotations

import json

import pytest
from planner_helpers import write_csv

SME_HEADER = ["id", "name", "role", "unit", "skills", "unavailable"]
GOOD_SME = [
    "SME01",
    "Priya Lawson",
    "Inspector",
    "Contact Management",
    "call_handling;vulnerability",
    "",
]
CAND_HEADER = [
    "id",
    "title",
    "theme",
    "unit",
    "days",
    "team_size",
    "earliest",
    "latest",
    "priority",
    "methods",
]
GOOD_CAND = [
    "R01",
    "Custody review",
    "custody",
    "Custody",
    "3",
    "2",
    "2027-01-04",
    "2027-03-31",
    "4",
    "interview",
]


def one_error(result, *needles):
    assert result.exit_code == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def pool(qam):
    return json.loads(qam("sme", "list", "--json").stdout)


def candidates(qam):
    return json.loads(qam("plan", "candidates", "--json").stdout)


def test_import_the_example_pool_and_reimport_updates_by_id(qam, plans, tmp_path):
    result = qam("sme", "import", str(plans / "sme.csv"))
    assert result.exit_code == 0 and "Added 22 SMEs" in result.stdout
    changed = write_csv(
        tmp_path / "sme.csv",
        SME_HEADER,
        [
            [
                "SME01",
                "Priya Lawson-Hart",
                "Chief Inspector",
                "Contact Management",
                "call_handling",
                "2027-03-01",
            ]
        ],
    )
    result = qam("sme", "import", str(changed))
    assert result.exit_code == 0 and "Added 0 SMEs, changed 1" in result.stdout
    assert "22 SMEs in the pool" in result.stdout
    sme01 = next(s for s in pool(qam) if s["id"] == "SME01")
    assert sme01["name"] == "Priya Lawson-Hart" and sme01["unavailable"] == [
        ["2027-03-01", "2027-03-01"]
    ]


@pytest.mark.parametrize(
    "row,needles",
    [
        (
            ["SME02", "Jo", "PC", "East", "custody", "2027-02-30"],
            ["impossible date", "(row 3; day 30 of month 2 in 2027)"],
        ),
        (
            ["SME02", "Jo", "PC", "East", "custody", "2027-03-10..2027-03-01"],
            ["(row 3)", "date range that ends before it starts"],
        ),
        (
            ["SME02", "Jo", "PC", "East", "custdy", ""],
            ["(row 3; like 'Custody and detention')", "--add-themes", '--value "skills:custdy='],
        ),
        (
            ["SME01", "Jo", "PC", "East", "custody", ""],
            ["id used twice", "(row 3; first on row 2)"],
        ),
        (["SME02", "Jo", "PC", "", "custody", ""], ["empty unit in 'unit': row 3"]),
    ],
)
def test_a_bad_sme_row_refuses_the_whole_file(qam, tmp_path, row, needles):
    bad = write_csv(tmp_path / "sme.csv", SME_HEADER, [GOOD_SME, row])
    one_error(qam("sme", "import", str(bad)), *needles, "nothing was imported")
    assert pool(qam) == []


def test_a_missing_column_is_named(qam, tmp_path):
    header = [h for h in SME_HEADER if h != "skills"]
    bad = write_csv(tmp_path / "sme.csv", header, [[c for c in GOOD_SME if c != GOOD_SME[4]]])
    one_error(qam("sme", "import", str(bad)), "missing column: 'skills'")
    assert pool(qam) == []


@pytest.mark.parametrize(
    "field,value,needles",
    [
        ("days", "-2", ["days out of range in 'days': '-2' (row 3)", "at least 1"]),
        ("days", "0", ["days out of range", "'0' (row 3)"]),
        ("team_size", "0", ["team size out of range", "'0' (row 3)"]),
        ("earliest", "2027-04-01", ["window that ends before it starts", "(row 3)"]),
        ("latest", "2027-02-29", ["impossible date in 'latest': '2027-02-29' (row 3"]),
        ("theme", "custodie", ["unknown theme", "(row 3; like 'Custody and detention')"]),
        ("priority", "6", ["priority out of range", "'6' (row 3)", "from 1 to 5"]),
        ("methods", "interview;telepathy", ["(row 3)", "telepathy"]),
    ],
)
def test_a_bad_candidate_row_refuses_the_whole_file(qam, plans, tmp_path, field, value, needles):
    assert qam("plan", "import", str(plans / "candidates.csv")).exit_code == 0
    before = candidates(qam)
    row = list(GOOD_CAND)
    row[0] = "R99"
    row[CAND_HEADER.index(field)] = value
    bad = write_csv(tmp_path / "cands.csv", CAND_HEADER, [GOOD_CAND, row])
    one_error(qam("plan", "import", str(bad)), *needles)
    assert candidates(qam) == before


def test_sme_add_from_flags_records_an_expression_of_interest(qam):
    result = qam(
        "sme",
        "add",
        "--id",
        "SME30",
        "--name",
        "Jo Marsh",
        "--role",
        "PC",
        "--unit",
        "Eastern BCU",
        "--skills",
        "custody;use_of_force",
        "--unavailable",
        "2027-05-03..2027-05-07",
    )
    assert result.exit_code == 0, result.stderr
    assert [s["id"] for s in pool(qam)] == ["SME30"]
    again = qam("sme", "add", "--id", "SME30", "--name", "Jo", "--unit", "X", "--skills", "custody")
    one_error(again, "already in the pool")
    one_error(
        qam("sme", "add", "--id", "SME31", "--name", "Al", "--unit", "X", "--skills", "custard"),
        "did you mean 'Custody and detention'",
    )


def test_sme_add_without_a_terminal_names_the_missing_flags(qam):
    one_error(qam("sme", "add", "--name", "Jo"), "--id", "--unit", "--skills")


def test_candidates_say_why_they_exist(loaded, qam):
    rows = {c["id"]: c for c in candidates(qam)}
    assert "before PEEL inspection I01" in rows["R01"]["why"]
    assert "AOI A02 (OPCC scrutiny)" in rows["R02"]["why"]
    assert all(c["why"] for c in rows.values())


def test_inspections_and_aois_without_a_candidate_are_derived(qam, tmp_path):
    insp = write_csv(
        tmp_path / "inspections.csv",
        ["id", "title", "kind", "theme", "expected"],
        [["I09", "Digital forensics thematic", "thematic", "digital_forensics", "2027-10-01"]],
    )
    aoi = write_csv(
        tmp_path / "aois.csv",
        ["id", "title", "theme", "source", "priority", "raised"],
        [["A09", "Vetting backlog", "vetting", "cog", "4", "2027-01-10"]],
    )
    assert qam("plan", "import-inspections", str(insp)).exit_code == 0
    assert qam("plan", "import-aois", str(aoi)).exit_code == 0
    rows = {c["id"]: c for c in candidates(qam)}
    assert rows["INS-I09"]["origin"] == "inspection" and rows["INS-I09"]["latest"] == "2027-08-06"
    assert "weeks before it" in rows["INS-I09"]["why"]
    assert rows["AOI-A09"]["priority"] == 4 and "Chief Officer Group" in rows["AOI-A09"]["why"]
    assert qam("plan", "import-aois", str(aoi)).exit_code == 0  # re-deriving is idempotent
    assert len(candidates(qam)) == 2


def test_derivation_from_register_and_grades():
    from qam.planner.candidates import derive

    imported = [
        {
            "id": "R1",
            "theme": "investigation",
            "base_priority": 3,
            "priority": 3,
            "origin": "import",
            "source": None,
            "inspection": None,
            "why": None,
        }
    ]
    derived, adjust = derive(
        imported,
        [],
        [],
        [{"ref": "REC-1", "theme": "custody"}],
        [{"area": "Investigating crime", "grade": "requires_improvement"}],
    )
    assert adjust["R1"][0] == 4 and "last graded Requires improvement" in adjust["R1"][1]
    assert [d["id"] for d in derived] == ["REG-custody"] and "REC-1" in derived[0]["why"]


def test_the_pool_imports_from_the_spreadsheet_hr_sent(qam, tmp_path):
    """HR sends an .xlsx: real date cells and a numeric-looking id read as the CSV would."""
    from datetime import datetime

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(SME_HEADER)
    sheet.append(GOOD_SME)
    sheet.append(
        ["SME02", "Owen Pritchard", "Sergeant", "Eastern BCU", "custody", datetime(2027, 3, 1)]
    )
    path = tmp_path / "volunteers.xlsx"
    workbook.save(path)
    result = qam("sme", "import", str(path))
    assert result.exit_code == 0, result.stderr
    owen = next(s for s in pool(qam) if s["id"] == "SME02")
    assert owen["unavailable"] == [["2027-03-01", "2027-03-01"]]


def test_the_table_ends_at_a_blank_row_and_says_what_followed(qam, tmp_path):
    path = tmp_path / "sme.csv"
    path.write_text(
        ",".join(SME_HEADER)
        + "\n"
        + ",".join(GOOD_SME)
        + "\n\n"
        + "SME02,Owen Pritchard,Sergeant,Eastern BCU,custody,\n",
        encoding="utf-8",
    )
    result = qam("sme", "import", str(path))
    assert result.exit_code == 0
    assert "ends at the blank row 3; 1 row after it" in result.stderr
    assert [s["id"] for s in pool(qam)] == ["SME01"]


def test_add_an_inspection_and_an_aoi_from_flags(qam):
    result = qam(
        "plan",
        "add-inspection",
        "--id",
        "I08",
        "--title",
        "Custody thematic",
        "--kind",
        "thematic",
        "--theme",
        "custody",
        "--expected",
        "2027-10-01",
    )
    assert result.exit_code == 0 and "candidate INS-I08 prepares for it" in result.stdout
    result = qam(
        "plan",
        "add-aoi",
        "--id",
        "A09",
        "--title",
        "Stop and search records",
        "--theme",
        "stop_and_search",
        "--source",
        "audit_and_ethics",
        "--priority",
        "4",
    )
    assert result.exit_code == 0 and "candidate AOI-A09 covers it" in result.stdout
    ids = {c["id"]: c for c in candidates(qam)}
    assert ids["INS-I08"]["inspection"] == "I08" and ids["AOI-A09"]["priority"] >= 4


def test_adding_checks_each_field_like_a_file_row(qam):
    assert qam("init").exit_code == 0
    one_error(
        qam(
            "plan",
            "add-inspection",
            "--id",
            "I09",
            "--title",
            "x",
            "--kind",
            "thematic",
            "--theme",
            "custdy",
            "--expected",
            "2027-10-01",
        ),
        "--theme: 'custdy' is not a theme",
        "did you mean 'Custody and detention'?",
        "Nothing was added",
    )
    one_error(
        qam("plan", "add-aoi", "--id", "A10", "--title", "x"), "--theme, --source, --priority"
    )
    assert candidates(qam) == []


def test_add_aoi_asks_for_what_the_flags_left_out(monkeypatch):
    """In a terminal the missing fields are asked for (driven here through a pipe), each in
    the force's words, and a refused date is asked again alone."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from qam.cli import fields
    from qam.cli.prompts import TerminalPrompts, ask_missing

    with create_pipe_input() as pipe:
        pipe.send_text("\r")  # Raised by: the first source (OPCC scrutiny)
        pipe.send_text("\x1b[B\x1b[B\x1b[B\r")  # Priority: 4
        pipe.send_text("31/02/2027\r")  # not a real date: refused in place ...
        pipe.send_text("\x15" + "14/10/2026\r")  # ... and typed again, day first
        answers = ask_missing(
            {
                "id": "A11",
                "title": "Call handling times",
                "theme": "call_handling",
                "source": None,
                "priority": None,
                "raised": None,
            },
            fields.area_of_interest(),
            "plan add-aoi",
            TerminalPrompts(input=pipe, output=DummyOutput()),
        )
    assert answers["source"] == "opcc_scrutiny" and answers["priority"] == "4"
    assert answers["raised"] == "2026-10-14" and answers["theme"] == "call_handling"
    menu = dict(fields.area_of_interest()[3].choices)
    assert "OPCC scrutiny" in menu and "Audit and Ethics Committee" in menu
