"""Property tests: every importer driven with arbitrary tables raises nothing but ImportFileError.

Tables are built from the headers importers know and arbitrary ones, with cells drawn from
the values they know (statuses, grades, themes, forces, dates) and arbitrary text, so that
examples reach deep into each importer's checks, not only its header mapping.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qam.errors import ImportFileError
from qam.imports.pipeline import ImportOptions

HEADERS = [
    "Ref", "Recommendation / AFI", "Type", "Scope", "Status", "Report", "Date Published",
    "Theme", "Owner", "Due Date", "Force", "Area", "Grade", "Published", "Effectiveness",
    "Staff ID", "Full name", "Rank/Role", "Department", "Specialisms", "Dates unavailable",
    "Email", "id", "title", "theme", "unit", "days", "team_size", "earliest", "latest",
    "priority", "kind", "expected", "source", "raised", "methods", "respondent", "role",
    "pub-1", "vic-1", "Year", "", "Notes",
]  # fmt: skip
CELLS = [
    "Complete", "Being progressed", "Sort of done", "AFI", "Recommendation", "National",
    "Westshire Police", "Joint", "Good", "Requires improvement", "Not graded", "N/A", "-",
    "WM", "GMP", "British Transport Police", "Metropolitan", "Custody", "Domestic Abuse",
    "Fraud; Counter Terrorism", "custdy", "06/02/2014", "31/02/2019", "September 2014",
    "Sep-14", "2027-03-01..2027-02-01", "26/07/2027 to 06/08/2027", "0", "-2", "3", "6",
    "1.5", "peel", "cog", "interview;telepathy", "jo@westshire.police.uk", "not an email",
    "PEEL 2018/19", " ", "",
]  # fmt: skip
cell = st.one_of(st.sampled_from(CELLS), st.text(max_size=25))
IMPORTERS = ["register", "outcomes", "smes", "candidates", "inspections", "aois", "survey"]


def _csv(headers: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


@pytest.fixture
def ready(store, review_r1):
    """A store with a home force and a review for surveys to belong to."""
    store.set_setting("force_name", "Westshire Police")
    review_r1(store)
    return store


def _run(store, which: str, path, options: ImportOptions):
    from qam.fieldwork.survey import import_survey
    from qam.planner.imports import import_file
    from qam.planner.pool import import_smes
    from qam.register.importer import import_register
    from qam.register.outcomes import import_outcomes

    if which == "register":
        return import_register(store, path, actor="t", options=options)
    if which == "outcomes":
        return import_outcomes(store, path, actor="t", options=options)
    if which == "smes":
        return import_smes(store, path, actor="t", options=options)
    if which == "survey":
        return import_survey(store, "R1", path, actor="t", options=options)
    what = {"candidates": "candidates", "inspections": "inspections", "aois": "areas of interest"}
    return import_file(store, path, what[which], actor="t", options=options)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    which=st.sampled_from(IMPORTERS),
    headers=st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=12)), max_size=10),
    rows=st.lists(st.lists(cell, max_size=11), max_size=8),
    values=st.lists(
        st.one_of(
            st.sampled_from(
                ["status:=awaiting_review", "force:WM=West Midlands", "grade:RI=good", "x:y=z"]
            ),
            st.text(max_size=20),
        ),
        max_size=2,
    ),
    maps=st.lists(
        st.one_of(st.sampled_from(["Notes=ignore", "Rec=ref"]), st.text(max_size=15)), max_size=2
    ),
    add_themes=st.booleans(),
)
def test_every_importer_raises_only_import_errors(
    ready, tmp_path_factory, which, headers, rows, values, maps, add_themes
):
    path = tmp_path_factory.mktemp("t") / "table.csv"
    path.write_bytes(_csv(headers, rows))
    options = ImportOptions(maps=maps, values=values, dry_run=True, add_themes=add_themes)
    try:
        _run(ready, which, path, options)
    except ImportFileError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["t.csv", "t.xlsx", "t.txt"]))
def test_arbitrary_bytes_raise_only_import_errors(tmp_path_factory, data, name):
    from qam.imports.reader import read_all

    path = tmp_path_factory.mktemp("b") / name
    path.write_bytes(data)
    try:
        read_all(path)
    except ImportFileError:
        pass
