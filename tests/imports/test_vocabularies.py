"""The words files use: dates day first, the 43 forces by any of their names, themes."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qam.dates import DateError, parse_date
from qam.errors import QamError
from qam.forces import FORCES, TERRITORIAL_FORCES, canonical_force, explain, why_not
from qam.themes import Vocabulary, shipped, slug_for
from qam.vocabulary import fold

# data.police.uk's /api/forces names for the 43 territorial forces (it also lists BTP and PSNI)
POLICE_UK = [
    "Avon and Somerset Constabulary", "Bedfordshire Police", "Cambridgeshire Constabulary",
    "Cheshire Constabulary", "City of London Police", "Cleveland Police", "Cumbria Constabulary",
    "Derbyshire Constabulary", "Devon & Cornwall Police", "Dorset Police", "Durham Constabulary",
    "Dyfed-Powys Police", "Essex Police", "Gloucestershire Constabulary",
    "Greater Manchester Police", "Gwent Police", "Hampshire Constabulary",
    "Hertfordshire Constabulary", "Humberside Police", "Kent Police", "Lancashire Constabulary",
    "Leicestershire Police", "Lincolnshire Police", "Merseyside Police",
    "Metropolitan Police Service", "Norfolk Constabulary", "North Wales Police",
    "North Yorkshire Police", "Northamptonshire Police", "Northumbria Police",
    "Nottinghamshire Police", "South Wales Police", "South Yorkshire Police",
    "Staffordshire Police", "Suffolk Constabulary", "Surrey Police", "Sussex Police",
    "Thames Valley Police", "Warwickshire Police", "West Mercia Police", "West Midlands Police",
    "West Yorkshire Police", "Wiltshire Police",
]  # fmt: skip
# HMICFRS's short names, as in its PEEL tables and report addresses
HMICFRS = [
    "Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "City of London",
    "Cleveland", "Cumbria", "Derbyshire", "Devon and Cornwall", "Dorset", "Durham", "Dyfed-Powys",
    "Essex", "Gloucestershire", "Greater Manchester", "Gwent", "Hampshire and Isle of Wight",
    "Hertfordshire", "Humberside", "Kent", "Lancashire", "Leicestershire", "Lincolnshire",
    "Merseyside", "Metropolitan", "Norfolk", "North Wales", "North Yorkshire", "Northamptonshire",
    "Northumbria", "Nottinghamshire", "South Wales", "South Yorkshire", "Staffordshire",
    "Suffolk", "Surrey", "Sussex", "Thames Valley", "Warwickshire", "West Mercia",
    "West Midlands", "West Yorkshire", "Wiltshire",
]  # fmt: skip


@pytest.mark.parametrize(
    "text, expected",
    [
        ("06/02/2014", date(2014, 2, 6)),
        ("6/2/14", date(2014, 2, 6)),
        ("06-02-2014", date(2014, 2, 6)),
        ("06.02.14", date(2014, 2, 6)),
        ("2014-02-06", date(2014, 2, 6)),
        ("06/02/2014 00:00", date(2014, 2, 6)),
        ("6 Feb 2014", date(2014, 2, 6)),
        ("6th February 2014", date(2014, 2, 6)),
        ("Thursday 6 February 2014", date(2014, 2, 6)),
        ("February 6, 2014", date(2014, 2, 6)),
        ("September 2014", date(2014, 9, 1)),
        ("Sep-14", date(2014, 9, 1)),
        ("sept 2014", date(2014, 9, 1)),
        ("09/2014", date(2014, 9, 1)),
        ("2014-09", date(2014, 9, 1)),
        (42985, date(2017, 9, 7)),  # an Excel serial number in a numeric cell
        (datetime(2014, 2, 6, 9, 30), date(2014, 2, 6)),
    ],
)
def test_dates_as_forces_write_them(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, why",
    [
        ("31/02/2014", "not a real date"),
        ("02/13/2014", "has no month 13"),
        ("Septembre 2014", "names no month"),
        ("May 12", "not a date QAM can read"),  # a day, not May 2012
        ("soon", "not a date QAM can read"),
        (3.5, "a number, not a date"),
    ],
)
def test_what_is_not_a_date_says_why(text, why):
    with pytest.raises(DateError, match=why):
        parse_date(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=True)))
def test_the_date_parser_raises_only_qam_errors(value):
    try:
        parse_date(value)
    except QamError:
        pass


def test_the_43_forces_as_data_police_uk_and_hmicfrs_name_them():
    assert len(TERRITORIAL_FORCES) == 43 == len(set(TERRITORIAL_FORCES)) == len(POLICE_UK)
    assert {canonical_force(n) for n in POLICE_UK} == set(TERRITORIAL_FORCES)
    assert {canonical_force(n) for n in HMICFRS} == set(TERRITORIAL_FORCES)
    assert [f.police_uk for f in FORCES if f.police_uk not in POLICE_UK] == []


@pytest.mark.parametrize(
    "written, force",
    [
        ("Avon & Somerset Constabulary", "Avon and Somerset Police"),
        ("Dyfed Powys", "Dyfed-Powys Police"),
        ("Hampshire", "Hampshire and Isle of Wight Constabulary"),
        ("Hampshire Constabulary", "Hampshire and Isle of Wight Constabulary"),
        ("GMP", "Greater Manchester Police"),
        ("MPS", "Metropolitan Police Service"),
        ("the Met", "Metropolitan Police Service"),
        ("WILTSHIRE CONSTABULARY", "Wiltshire Police"),
        ("Westshire", "Westshire Police"),  # the home force, fictional as it is
    ],
)
def test_other_names_of_a_force(written, force):
    assert canonical_force(written, "Westshire Police") == force


def test_ambiguous_and_special_forces_are_refused_saying_why():
    assert explain("WM") == ("ambiguous", ("West Midlands Police", "West Mercia Police"))
    assert "could be West Midlands Police or West Mercia Police" in why_not("WM")
    assert canonical_force("British Transport Police") is None
    assert "railways" in why_not("British Transport Police")
    assert "Civil Nuclear Constabulary" in why_not("CNC")
    assert "defence estate" in why_not("Ministry of Defence Police")
    assert "Scotland" in why_not("Police Scotland")
    assert why_not("Gotham City Police").startswith("'Gotham City Police' is not one of the 43")


def test_the_shipped_themes_cover_the_inspectorates_themes_each_way_trackers_write_them():
    vocabulary = Vocabulary(shipped())
    for written, slug in [
        ("Counter Terrorism", "counter_terrorism"),
        ("Stalking and Harassment", "stalking_harassment"),
        ("Stalking & Harassment", "stalking_harassment"),
        ("Crime Data Integrity", "crime_recording"),
        ("CDI", "crime_recording"),
        ("Fraud", "fraud"),
        ("Domestic Abuse", "domestic_abuse"),
        ("Hate Crime", "hate_crime"),
        ("VAWG", "vawg"),
        ("Violence against women & girls", "vawg"),
        ("RASSO", "rape_serious_sexual_offences"),
        ("Roads Policing", "roads_policing"),
        ("Firearms Licensing", "firearms_licensing"),
        ("Mental Health", "mental_health"),
        ("Modern Slavery", "modern_slavery"),
        ("Cybercrime", "cyber_crime"),
        ("stop & search", "stop_and_search"),
        ("Anti-Social Behaviour", "antisocial_behaviour"),
        ("domestic_abuse", "domestic_abuse"),
    ]:
        assert vocabulary.find(written) == slug, written


def test_no_way_of_writing_a_theme_names_two_themes():
    seen: dict[str, str] = {}
    for theme in shipped():
        for name in (theme.slug, theme.label, *theme.synonyms):
            assert seen.setdefault(fold(name), theme.slug) == theme.slug, name


def test_slugs_made_from_labels():
    assert slug_for("Wildlife Crime") == "wildlife_crime"
    assert slug_for("Drugs & County Lines") == "drugs_and_county_lines"
