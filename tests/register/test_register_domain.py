"""Domain tests of the register importer: fields, spellings and trackers as kept (no CLI)."""

from __future__ import annotations

import pytest
from register_helpers import HEADERS, row, write_csv

from qam.errors import ImportFileError
from qam.imports.headers import map_headers
from qam.imports.problems import Problems
from qam.imports.values import Choice
from qam.register.importer import fields, import_register, made_ref
from qam.themes import Vocabulary, shipped
from qam.vocabulary import REGISTER_SCOPES, STATUSES


def register_fields(home="Westshire Police"):
    return fields(home, Vocabulary(shipped()), None)


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
    problems = Problems("register.csv")
    columns = map_headers(headers, register_fields(), {}, problems)
    by_field = {c.field.name: c.index for c in columns.mapped}
    assert not problems
    assert by_field["text"] == 1 and by_field["published"] == 6
    assert by_field["action_lead"] == 9 and by_field["due"] == 10
    assert list(columns.unmapped) == ["RAG", "Comments"]


def test_two_columns_for_one_field_and_duplicates_are_problems():
    problems = Problems("t.csv")
    map_headers(
        ["Ref", "Text", "Type", "Scope", "Status", "Owner", "Chief officer lead", "Ref"],
        register_fields(),
        {},
        problems,
    )
    message = problems.message()
    assert "both read as owner" in message and "duplicate header: 'Ref'" in message


def test_a_missing_column_names_the_header_most_like_it_or_none():
    problems = Problems("t.csv")
    map_headers(
        ["Ref", "Detail", "Category", "Applies to", "Stauts"], register_fields(), {}, problems
    )
    message = problems.message()
    assert "'status'; if 'Stauts' holds it" in message
    problems = Problems("t.csv")
    map_headers(["PEEL year", "Force", "Text", "Type"], register_fields(), {}, problems)
    message = problems.message()
    # no header is like scope or status, so none is suggested (never "PEEL year=..." or "Force=...")
    assert "PEEL year=" not in message and "Force=scope" not in message
    assert "add a column named 'scope'" in message


@pytest.mark.parametrize(
    "field, raw, slug",
    [
        ("status", "Complete", "completed"),
        ("status", "No further action required", "no_further_action"),
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
    from qam.vocabulary import GRADES, REGISTER_TYPES

    slugs = {
        "status": STATUSES,
        "type": REGISTER_TYPES,
        "scope": REGISTER_SCOPES,
        "grade": GRADES,
    }[field]
    assert Choice(field, slugs).find(raw) == slug


def test_home_force_name_is_scope_force_and_closed_is_not_guessed():
    scope = next(f for f in register_fields() if f.name == "scope")
    assert scope.convert("Westshire Police") == "force"
    assert scope.convert("Westshire") == "force"
    assert Choice("status", STATUSES).find("Closed") is None


def test_made_refs_are_stable_and_ignore_spacing_and_case():
    one = made_ref("Fraud: Time to choose", "Forces should act.")
    assert one == made_ref("fraud:  time to choose", "Forces should act")
    assert one != made_ref("Fraud: Time to choose", "Forces should act now.")
    assert one.startswith("REF-") and len(one) == 12


def test_csv_with_bom_crlf_quoted_commas_and_multiline_cells(home_store, tracker):
    receipt = import_register(home_store, tracker, actor="analyst", dry_run=True)
    assert receipt.added == ["REC-1", "AFI-2", "COC-3"] and receipt.unmapped_columns == ["RAG"]
    assert receipt.warnings == []


def test_row_numbers_are_spreadsheet_rows_after_a_multiline_cell(home_store, tmp_path):
    rows = [row("A-1", text="two\nlines"), row("A-2"), row("A-3", "Sort of done")]
    path = write_csv(tmp_path / "t.csv", HEADERS, rows)
    with pytest.raises(ImportFileError) as err:
        import_register(home_store, path, actor="analyst")
    message = str(err.value)
    assert "(row 4)" in message and "'Status'" in message and "Sort of done" in message
    assert '--value "status:Sort of done=' in message


def test_action_plan_columns(home_store, tmp_path):
    from qam.store import register as sql

    headers = HEADERS + ["Objectives", "Time frame", "Check-points"]
    path = write_csv(
        tmp_path / "t.csv",
        headers,
        [
            row("A-1")
            + ["Train staff; Audit records", "6 months", "Mar 2027 dip sample\nJun 2027 board"]
        ],
    )
    import_register(home_store, path, actor="analyst")
    item = sql.get_item(home_store, "A-1")
    assert item["objectives"] == ["Train staff", "Audit records"]
    assert item["timeframe"] == "6 months"
    assert item["checkpoints"] == ["Mar 2027 dip sample", "Jun 2027 board"]
