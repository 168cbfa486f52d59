"""The register's clocks: deadlines read from the words, the two 56-day clocks, `qam recs due`."""

from __future__ import annotations

import json
from datetime import date

import pytest
from register_helpers import HEADERS, row, write_csv

from qam.register import deadlines
from qam.register.clocks import item_clocks, pcc_comment_deadline, pfd_response_deadline

D = date
PUBLISHED = D(2024, 12, 5)

# Phrasings as inspectorates, the IOPC and coroners write them (most from published reports),
# with the date each sets: a date, "unreadable" (listed for a person), or None (no deadline).
CORPUS = [
    (
        "Within six months, the force should make sure it has enough trained call handlers.",
        D(2025, 6, 5),
    ),
    ("Within 3 months, the force should review how it grades calls.", D(2025, 3, 5)),
    (
        "Within 12 months of the publication of this report, forces should adopt the standard.",
        D(2025, 12, 5),
    ),
    ("Within three months of the date of this report, chief constables should act.", D(2025, 3, 5)),
    ("within eighteen months, the force should", D(2026, 6, 5)),
    ("Within one year, forces should publish their plan.", D(2025, 12, 5)),
    ("Within 28 days, the force should brief every custody sergeant.", D(2025, 1, 2)),
    (
        "By 31 October 2019, chief constables should make sure their forces adopt the standards.",
        D(2019, 10, 31),
    ),
    (
        "By 30 April 2023, chief constables should make sure their forces periodically check.",
        D(2023, 4, 30),
    ),
    ("By September 2014, every force should publish an action plan.", D(2014, 9, 30)),
    (
        "By April 2024, chief constables should have a plan to reduce digital forensic backlogs.",
        D(2024, 4, 30),
    ),
    ("The force should, by March 2027, introduce a new triage model.", D(2027, 3, 31)),
    ("by 31 March 2027 the force should complete its review", D(2027, 3, 31)),
    ("By 1st December 2026, the force should", D(2026, 12, 1)),
    ("By the end of 2026, forces should have a victims' code compliance audit.", D(2026, 12, 31)),
    ("By the end of March 2027, the force should", D(2027, 3, 31)),
    ("by the end of the financial year 2026/27, the force should", D(2027, 3, 31)),
    ("By 31/03/2027 the force should", D(2027, 3, 31)),
    ("No later than 30 June 2027, the force should", D(2027, 6, 30)),
    # two deadlines: the earlier one is the item's
    (
        "By 31 October 2019 forces should plan, and by March 2020 they should deliver.",
        D(2019, 10, 31),
    ),
    # set a time, but no one date: for a person, never guessed
    (
        "Forces should immediately make sure their crime-recording arrangements comply.",
        "unreadable",
    ),
    ("By autumn 2027, the force should", "unreadable"),
    ("By Q3 2027, the force should", "unreadable"),
    ("As soon as possible, the force should review its policy.", "unreadable"),
    ("The force should act by the end of the year.", "unreadable"),
    ("Before the next inspection, the force should", "unreadable"),
    ("By 31 February 2027, the force should", "unreadable"),
    ("by the end of the financial year 2026/28", "unreadable"),
    # no deadline at all
    ("The force should make sure it answers 101 calls promptly.", None),
    ("Forces should record and monitor use of force by ethnicity and publish the data.", None),
    ("Police and CPS should improve how they communicate with victims of rape.", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), CORPUS, ids=[c[0][:40] for c in CORPUS])
def test_the_corpus_of_real_phrasings_reads_to_the_expected_dates(text, expected):
    reading = deadlines.read(text, PUBLISHED)
    if expected == "unreadable":
        assert reading.date is None and reading.unreadable and reading.phrase
        assert reading.phrase.lower() in text.lower() and reading.why
    elif expected is None:
        assert reading == deadlines.NOTHING
    else:
        assert reading.date == expected
        assert reading.phrase and reading.phrase.lower() in text.lower()


def test_within_without_a_publication_date_is_listed_not_guessed():
    reading = deadlines.read("Within six months, the force should act.", None)
    assert reading.unreadable and reading.phrase == "Within six months"
    assert "publication" in reading.why


def test_the_pcc_comment_and_coroner_response_clocks():
    assert pcc_comment_deadline(D(2027, 3, 1)) == D(2027, 4, 26)
    assert pfd_response_deadline(D(2027, 1, 10)) == D(2027, 3, 7)
    force = {
        "ref": "AFI-1",
        "text": "The force should act.",
        "scope": "force",
        "source": "hmicfrs",
        "report_published": "2027-03-01",
        "due": None,
    }
    clocks, _ = item_clocks(force)
    assert [(c.kind, c.date) for c in clocks] == [("pcc_comment", D(2027, 4, 26))]
    national = {**force, "scope": "national"}
    assert item_clocks(national)[0] == []  # s.55 is for force-specific reports only
    iopc = {**force, "source": "iopc"}
    assert item_clocks(iopc)[0] == []
    pfd = {
        **force,
        "source": "coroner",
        "scope": "force",
        "report_published": "2027-01-10",
        "due": "2027-06-30",
    }
    assert [(c.kind, c.date) for c in item_clocks(pfd)[0]] == [
        ("due", D(2027, 6, 30)),
        ("pfd_response", D(2027, 3, 7)),
    ]


def test_an_own_due_date_wins_over_the_words():
    item = {
        "ref": "R",
        "text": "Within six months, act.",
        "scope": "national",
        "report_published": "2024-12-05",
        "due": "2025-01-31",
    }
    clocks, words = item_clocks(item)
    assert [(c.kind, c.date) for c in clocks] == [("due", D(2025, 1, 31))]
    assert words.date == D(2025, 6, 5)


def _fixture(tmp_path):
    """Outstanding and closed items with every kind of deadline, as of 1 December 2026."""
    headers = [*HEADERS, "Due Date"]
    rows = [
        # overdue by its own due date
        [*row("LATE-1", scope="Westshire Police", published="01/06/2025"), "30/11/2026"],
        # due in 10 days by its own date
        [*row("SOON-1"), "11/12/2026"],
        # due in 40 days: only with --within 45
        [*row("LATER-1"), "10/01/2027"],
        # words: "By 15 December 2026" -> due soon, with the phrase
        [*row("WORDS-1", text="By 15 December 2026, forces should publish a plan."), ""],
        # words nobody can read: listed
        [*row("VAGUE-1", text="As soon as possible, forces should act on custody."), ""],
        # a force report published 20 October 2026: the PCC's comments due 15 December 2026
        [*row("FORCE-1", scope="Westshire Police", published="20/10/2026"), ""],
        # closed: no clocks at all, though overdue
        [*row("DONE-1", "Complete"), "01/01/2026"],
    ]
    return write_csv(tmp_path / "clocks.csv", headers, rows)


def test_recs_due_lists_exactly_the_overdue_the_due_soon_and_the_stale(home, tmp_path, monkeypatch):
    assert home("recs", "import", str(_fixture(tmp_path))).exit_code == 0
    coroner = write_csv(
        tmp_path / "pfd.csv",
        ["Ref", "Matters of concern", "Level", "Status", "Report", "Report date"],
        [
            [
                "PFD-1",
                "The force's handover of a person in crisis was not recorded.",
                "Westshire Police",
                "Awaiting review",
                "Regulation 28 report: J. Doe",
                "10/10/2026",
            ]
        ],
    )
    assert home("recs", "import", str(coroner), "--source", "coroner").exit_code == 0
    monkeypatch.setenv("QAM_TODAY", "2026-12-01")
    # Updates: SOON-1 has one recently; the rest joined the register "today" per the store,
    # so move the clock a cycle on to see them go stale.
    assert home("recs", "update", "SOON-1", "--progress", "Plan drafted").exit_code == 0
    doc = json.loads(home("recs", "due", "--json").stdout)
    assert doc["today"] == "2026-12-01" and doc["within"] == 30
    assert [(r["ref"], r["kind"], r["date"]) for r in doc["overdue"]] == [
        ("LATE-1", "due", "2026-11-30")
    ]
    assert [(r["ref"], r["kind"], r["date"]) for r in doc["due"]] == [
        ("PFD-1", "pfd_response", "2026-12-05"),
        ("SOON-1", "due", "2026-12-11"),
        ("FORCE-1", "pcc_comment", "2026-12-15"),
        ("WORDS-1", "text", "2026-12-15"),
    ]
    assert doc["due"][3]["phrase"] == "By 15 December 2026"
    assert [(r["ref"], r["phrase"]) for r in doc["unreadable"]] == [
        ("VAGUE-1", "As soon as possible")
    ]
    assert doc["no_update"] == []  # everything joined the register today
    wider = json.loads(home("recs", "due", "--within", "45", "--json").stdout)
    assert "LATER-1" in [r["ref"] for r in wider["due"]]

    later = date.today().toordinal() + 40
    monkeypatch.setenv("QAM_TODAY", date.fromordinal(later).isoformat())
    stale = json.loads(home("recs", "due", "--json").stdout)
    refs = {r["ref"] for r in stale["no_update"]}
    assert refs == {"LATE-1", "LATER-1", "WORDS-1", "VAGUE-1", "FORCE-1", "PFD-1", "SOON-1"}
    by_ref = {r["ref"]: r for r in stale["no_update"]}
    assert by_ref["SOON-1"]["last_update"] == date.today().isoformat()
    assert by_ref["LATE-1"]["last_update"] is None and by_ref["LATE-1"]["days_since"] == 40

    # a longer cycle: nothing is stale at 40 days
    assert home("init", "--update-cycle-days", "60").exit_code == 0
    assert json.loads(home("recs", "due", "--json").stdout)["no_update"] == []
    assert json.loads(home("recs", "due", "--json").stdout)["update_cycle_days"] == 60


def test_recs_due_text_and_a_bad_cycle(home, tmp_path, monkeypatch):
    assert home("recs", "import", str(_fixture(tmp_path))).exit_code == 0
    monkeypatch.setenv("QAM_TODAY", "2026-12-01")
    text = home("recs", "due").stdout
    assert all(ref in text for ref in ("LATE-1", "WORDS-1", "FORCE-1", "VAGUE-1"))
    assert "As soon as possible" in text
    bad = home("init", "--update-cycle-days", "0")
    assert bad.exit_code == 1 and bad.stderr.count("Error:") == 1
    assert "--update-cycle-days" in bad.stderr


def test_recs_show_gives_the_deadlines_and_the_phrase(home, tmp_path, monkeypatch):
    assert home("recs", "import", str(_fixture(tmp_path))).exit_code == 0
    monkeypatch.setenv("QAM_TODAY", "2026-12-01")
    shown = json.loads(home("recs", "show", "WORDS-1", "--json").stdout)
    assert shown["deadlines"] == [
        {
            "ref": "WORDS-1",
            "kind": "text",
            "date": "2026-12-15",
            "phrase": "By 15 December 2026",
            "label": "Date in the recommendation",
            "days": 14,
        }
    ]
    vague = json.loads(home("recs", "show", "VAGUE-1", "--json").stdout)
    assert (
        vague["deadlines"] == []
        and vague["deadline_words_unread"]["phrase"] == "As soon as possible"
    )
    text = home("recs", "show", "WORDS-1").stdout
    assert 'Date in the recommendation: 15 Dec 2026 (from "By 15 December 2026")' in text
