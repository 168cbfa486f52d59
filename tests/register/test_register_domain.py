"""Domain tests: dates, header and value mapping, reading tables (no store)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from register_helpers import HEADERS, row, write_csv

from qam.errors import ImportFileError, QamError
from qam.register.dates import DateError, parse_uk_date
from qam.register.forces import TERRITORIAL_FORCES, canonical_force, suggest_force
from qam.register.importer import parse_rows
from qam.register.mapping import (
    REGISTER_FIELDS,
    REGISTER_REQUIRED,
    MappingError,
    canonical_choice,
    map_columns,
    parse_map_options,
    parse_value_options,
)
from qam.tables import read_table


@pytest.mark.parametrize(
    "text, expected",
    [
        ("06/02/2014", date(2014, 2, 6)),
        ("6/2/2014", date(2014, 2, 6)),
        ("06-02-2014", date(2014, 2, 6)),
        ("06.02.14", date(2014, 2, 6)),
        ("2014-02-06", date(2014, 2, 6)),
        ("2014-02-06 00:00:00", date(2014, 2, 6)),
        ("6 Feb 2014", date(2014, 2, 6)),
        ("6th February 2014", date(2014, 2, 6)),
        ("  29/02/2024 ", date(2024, 2, 29)),
    ],
)
def test_dates_are_day_first(text, expected):
    assert parse_uk_date(text) == expected


@pytest.mark.parametrize(
    "text", ["31/02/2014", "02/13/2014", "29/02/2023", "6 Fbr 2014", "soon", "2014"]
)
def test_impossible_or_unreadable_dates_say_why(text):
    with pytest.raises(DateError) as err:
        parse_uk_date(text)
    assert text in str(err.value)


def test_empty_and_spreadsheet_dates():
    from datetime import datetime

    assert parse_uk_date("  ") is None
    assert parse_uk_date(None) is None
    assert parse_uk_date(datetime(2014, 2, 6, 0, 0)) == date(2014, 2, 6)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_date_parser_raises_only_qam_errors(text):
    try:
        parse_uk_date(text)
    except QamError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=12), st.lists(st.text(max_size=30), max_size=3))
def test_header_mapping_raises_only_qam_errors(headers, maps):
    try:
        user_map = parse_map_options(maps, REGISTER_FIELDS)
        map_columns(headers, REGISTER_FIELDS, REGISTER_REQUIRED, user_map, "fuzz.csv")
    except QamError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=3))
def test_value_options_raise_only_qam_errors(values):
    try:
        parse_value_options(values, REGISTER_FIELDS)
    except QamError:
        pass


def test_example_headers_map_by_synonym():
    headers = [
        "Ref",
        "Recommendation / AFI",
        "Type",
        "Scope",
        "Status",
        "Report",
        "Date Published",
        "Theme",
        "Owner",
        "Action Lead",
        "Due Date",
        "Risk",
        "Impact",
        "RAG",
        "Comments",
    ]
    columns = map_columns(headers, REGISTER_FIELDS, REGISTER_REQUIRED, {}, "register.csv")
    assert columns.fields["text"] == 1 and columns.fields["published"] == 6
    assert columns.fields["action_lead"] == 9 and columns.fields["due"] == 10
    assert list(columns.extra) == ["RAG", "Comments"]


def test_user_map_wins_and_missing_fields_teach_map():
    headers = ["Rec No", "Detail", "Category", "Applies to", "Progress"]
    with pytest.raises(MappingError) as err:
        map_columns(headers, REGISTER_FIELDS, REGISTER_REQUIRED, {}, "t.csv")
    assert "no column for ref" in str(err.value) and "--map" in str(err.value)
    user = parse_map_options(["Rec No=ref", "Progress=status"], REGISTER_FIELDS)
    columns = map_columns(headers, REGISTER_FIELDS, REGISTER_REQUIRED, user, "t.csv")
    assert (
        columns.fields["ref"] == 0 and columns.fields["status"] == 4 and columns.fields["text"] == 1
    )


def test_two_columns_for_one_field_are_refused():
    with pytest.raises(MappingError, match="both map to owner"):
        map_columns(
            ["Ref", "Text", "Type", "Scope", "Status", "Owner", "Chief officer lead"],
            REGISTER_FIELDS,
            REGISTER_REQUIRED,
            {},
            "t.csv",
        )


@pytest.mark.parametrize(
    "field, raw, slug",
    [
        ("status", "Complete", "completed"),
        ("status", "Completed", "completed"),
        ("status", "No further action required", "no_further_action"),
        ("status", "No further action needed", "no_further_action"),
        ("status", "being-progressed", "being_progressed"),
        ("status", "AWAITING REVIEW", "awaiting_review"),
        ("type", "AFI", "area_for_improvement"),
        ("type", "Cause of concern", "cause_of_concern"),
        ("scope", "National Thematic", "national"),
        ("scope", "Joint Inspection", "joint"),
        ("grade", "Requires improvement", "requires_improvement"),
    ],
)
def test_well_known_spellings(field, raw, slug):
    assert canonical_choice(field, raw) == slug


def test_home_force_name_is_scope_force_and_closed_is_not_guessed():
    assert canonical_choice("scope", "Westshire Police", home_force="Westshire Police") == "force"
    assert canonical_choice("scope", "Westshire", home_force="Westshire Police") == "force"
    assert canonical_choice("scope", "Westshire Police") is None
    assert canonical_choice("status", "Closed") is None


def test_value_option_maps_and_checks_the_slug():
    values = parse_value_options(["status:'Sort of done'=being_progressed"], REGISTER_FIELDS)
    assert canonical_choice("status", "sort of done", values) == "being_progressed"
    with pytest.raises(MappingError, match="not a status"):
        parse_value_options(["status:Closed=finished"], REGISTER_FIELDS)


def test_forty_three_forces_and_abbreviations_are_only_suggested():
    assert len(TERRITORIAL_FORCES) == 43 == len(set(TERRITORIAL_FORCES))
    assert canonical_force("greater manchester police") == "Greater Manchester Police"
    assert canonical_force("GMP") is None
    assert suggest_force("GMP") == "Greater Manchester Police"
    assert canonical_force("Hampshire Constabulary") == "Hampshire and Isle of Wight Constabulary"


def test_csv_with_bom_crlf_quoted_commas_and_multiline_cells(tracker):
    items, extra, warnings = parse_rows(tracker, home_force="Westshire Police")
    assert [i["ref"] for i in items] == ["REC-1", "AFI-2", "COC-3"]
    assert items[0]["text"] == "Forces should publish an action plan, with priorities."
    assert (
        items[1]["text"] == "The force should improve custody handovers.\nIn person, every shift."
    )
    assert items[1]["scope"] == "force" and items[2]["report_published"] == "2014-02-06"
    assert items[0]["extra"] == {"RAG": "Amber"} and extra == ["RAG"] and warnings == []


def test_row_numbers_are_spreadsheet_rows_after_a_multiline_cell(tmp_path):
    rows = [row("A-1", text="two\nlines"), row("A-2"), row("A-3", "Sort of done")]
    path = write_csv(tmp_path / "t.csv", HEADERS, rows)
    with pytest.raises(ImportFileError) as err:
        parse_rows(path)
    message = str(err.value)
    assert "row 4" in message and "'Status'" in message and "Sort of done" in message
    assert '--value "status:Sort of done=' in message


def test_action_plan_columns(tmp_path):
    headers = HEADERS + ["Objectives", "Time frame", "Check-points"]
    path = write_csv(
        tmp_path / "t.csv",
        headers,
        [
            row("A-1")
            + ["Train staff; Audit records", "6 months", "Mar 2027 dip sample\nJun 2027 board"]
        ],
    )
    item = parse_rows(path)[0][0]
    assert item["objectives"] == ["Train staff", "Audit records"]
    assert item["timeframe"] == "6 months"
    assert item["checkpoints"] == ["Mar 2027 dip sample", "Jun 2027 board"]


@pytest.mark.parametrize(
    "content, phrase",
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary\xff\xfe", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"Ref,Text\n", "no column for type"),
        (b"\xe9t\xe9,x\n", "not UTF-8"),
    ],
)
def test_unreadable_files_raise_import_errors(tmp_path, content, phrase):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(QamError) as err:
        parse_rows(path)
    assert phrase in str(err.value)


def test_table_ends_at_first_blank_row(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(
        "Force,Area,Grade\nKent Police,Investigating crime,Good\n,,\nSource: HMICFRS,,\nNote,,\n"
    )
    table = read_table(path)
    assert (
        len(table.rows) == 1 and table.ignored_rows == 2 and "2 rows after it" in table.warnings[0]
    )


def test_xlsm_and_corrupt_zip_are_refused(tmp_path):
    macro = tmp_path / "t.xlsm"
    macro.write_bytes(b"PK\x03\x04junk")
    with pytest.raises(ImportFileError, match="macro"):
        read_table(macro)
    broken = tmp_path / "t.xlsx"
    broken.write_bytes(b"PK\x03\x04not really a zip")
    with pytest.raises(ImportFileError, match="not a readable .xlsx"):
        read_table(broken)
