"""Files as forces keep them: a Microsoft 365 tracker export, HR's volunteer sheet, and
planning sheets written with theme labels, each imported the way a user would."""

from __future__ import annotations

import json
from datetime import datetime

from openpyxl import Workbook


def _one_error(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
    return errors[0]


def _tracker(path):
    """A SharePoint list exported to Excel: a title, the list's own ID column beside the
    force's refs, dates as cells and as text, blank statuses, rows with no ref, a total."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Tracker"
    sheet.append(["Westshire Police: HMICFRS recommendations (exported from Microsoft Lists)"])
    sheet.append([])
    sheet.append(
        ["ID", "Rec Ref", "Recommendation / AFI", "Type", "National / Force", "Status",
         "Report", "Date Published", "Theme", "Owner", "Modified", "Created By"]
    )  # fmt: skip
    rows = [
        ("REC-1", "Improve the CT referral process", "Recommendation", "National Thematic",
         "Being progressed", "Counter-terrorism thematic", datetime(2022, 3, 14),
         "Counter Terrorism"),
        ("REC-2", "Risk-assess every stalking report", "AFI", "Westshire Police", None,
         "Living in fear", "Sep-14", "Stalking and Harassment"),
        (None, "Audit crime recording quarterly", "Recommendation", "Westshire Police",
         "Complete", "Crime data integrity 2014", "September 2014", "Crime Data Integrity"),
        (None, "Train wildlife crime officers", "AFI", "Westshire Police", None,
         "Rural crime review", "06/02/2023", "Wildlife Crime"),
        ("REC-5", "Publish a fraud victim strategy", "Cause of concern", "Joint",
         "Will be progressed", "Fraud: Time to choose", "02/04/2019", "Fraud"),
    ]  # fmt: skip
    for n, (ref, text, kind, scope, status, report, published, theme) in enumerate(rows, 1):
        sheet.append(
            [n, ref, text, kind, scope, status, report, published, theme, "DCC",
             datetime(2026, 11, 1, 9, n), "sarah.jones@westshire.police.uk"]
        )  # fmt: skip
    sheet.append([])
    sheet.append([None, "Total", 5])
    book.save(path)
    return path


def test_a_microsoft_365_tracker_export_imports_in_two_runs(qam, tmp_path):
    assert qam("init", "--force-name", "Westshire Police").exit_code == 0
    path = _tracker(tmp_path / "HMICFRS Tracker.xlsx")
    result = qam("recs", "import", str(path))
    line = _one_error(result)
    # every problem at once: the list's ID beside the refs, blank statuses, a new theme
    assert "'ID' and 'Rec Ref'" in line and '--map "Rec Ref=ignore"' in line
    assert "2 empty statuses in 'Status': rows 5, 7" in line
    assert '--value "status:=awaiting_review"' in line
    assert "'Wildlife Crime' (row 7)" in line and "--add-themes" in line
    assert json.loads(qam("recs", "list", "--json").stdout) == []
    result = qam(
        "recs", "import", str(path), "--map", "ID=ignore", "--value", "status:=awaiting_review",
        "--add-themes", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    receipt = json.loads(result.stdout)
    assert len(receipt["added"]) == 5 and receipt["new_themes"] == [
        {"slug": "wildlife_crime", "label": "Wildlife Crime"}
    ]
    made = [m["ref"] for m in receipt["made"]]
    assert len(made) == 2 and all(ref.startswith("REF-") for ref in made)
    assert "the table ends at the blank row 9" in result.stderr
    assert "row 1 above the header (a title) was skipped" in result.stderr
    again = qam(
        "recs", "import", str(path), "--map", "ID=ignore", "--value", "status:=awaiting_review",
        "--json",
    )  # fmt: skip
    receipt = json.loads(again.stdout)  # the made refs are the same: nothing new, nothing changed
    assert receipt["unchanged"] == 5 and [m["ref"] for m in receipt["made"]] == made
    item = json.loads(qam("recs", "show", "REC-2", "--json").stdout)
    assert item["status"] == "awaiting_review" and item["report_published"] == "2014-09-01"
    assert item["theme"] == "stalking_harassment"
    assert item["extra"]["Created By"] == "sarah.jones@westshire.police.uk"
    wildlife = json.loads(qam("recs", "list", "--theme", "wildlife crime", "--json").stdout)
    assert [i["ref"] for i in wildlife] == [made[1]]
    themes = json.loads(qam("themes", "list", "--json").stdout)
    assert {
        "slug": "wildlife_crime",
        "label": "Wildlife Crime",
        "synonyms": [],
        "source": "force",
    } in themes
    events = json.loads(qam("audit", "log", "--json").stdout)
    added = [e for e in events if e["entity"] == "theme"]
    assert len(added) == 1 and "--add-themes" in added[0]["reason"]


def test_ten_problems_are_named_in_one_run_and_nothing_is_written(qam, tmp_path):
    from tests.register.register_helpers import snapshot

    assert qam("init", "--force-name", "Westshire Police").exit_code == 0
    path = tmp_path / "tracker.csv"
    path.write_text(
        "Ref,Recommendation / AFI,Type,Scope,Status,Report,Date Published,Theme,Due Date,Notes,Notes\n"
        "R1,Act,Recommendation,National,Complete,A,31/02/2019,Counter Terrorism,,a,b\n"
        "R2,,AFI,Force,Being progressed,A,01/02/2019,Drones,soon,a,b\n"
        "R1,Dup,Recomendation,Galactic,Sort of done,B,Sep-14,Fraud,,a,b\n"
        "R4,More,Cause of concern,Joint,,B,01/02/2019,Fraud,01/13/2020,a,b\n",
        encoding="utf-8",
    )
    before = snapshot(tmp_path / "store" / "qam.db")
    result = qam("recs", "import", str(path))
    line = _one_error(result)
    expected = [
        "duplicate header: 'Notes'",
        "impossible date in 'Date Published': '31/02/2019' (row 2",
        "empty text in 'Recommendation / AFI': row 3",
        "unknown theme in 'Theme': 'Drones' (row 3)",
        "unreadable date in 'Due Date': 'soon' (row 3)",
        "unknown type in 'Type': 'Recomendation' (row 4; like recommendation)",
        "unknown scope in 'Scope': 'Galactic' (row 4)",
        "unknown status in 'Status': 'Sort of done' (row 4)",
        "ref used twice in 'Ref': 'R1' (row 4; first on row 2)",
        "empty status in 'Status': row 5",
        "impossible date in 'Due Date': '01/13/2020' (row 5; has no month 13)",
    ]
    for needle in expected:
        assert needle in line, needle
    assert line.startswith("Error: tracker.csv: 11 problems, nothing was imported.")
    assert snapshot(tmp_path / "store" / "qam.db") == before


def _hr_sheet(path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Volunteers"
    sheet.append(
        ["Staff ID", "Full name", "Rank/Role", "Department", "Specialisms",
         "Dates unavailable", "Email", "Line manager"]
    )  # fmt: skip
    sheet.append(
        [4471, "Jo Marsh", "PC, Response", "Eastern BCU", "Domestic Abuse, Fraud",
         "26/07/2027 to 06/08/2027; 13/09/2027", "jo.marsh@westshire.police.uk", "Sgt Bell"]
    )  # fmt: skip
    sheet.append(
        [4472, "Al Khan", "Sergeant", "Contact Management", "Stalking & Harassment; CT",
         datetime(2027, 3, 1), "al.khan@westshire.police.uk", "Insp Ray"]
    )  # fmt: skip
    sheet.append([4473, "Bea Lo", "DC", "CID", "Custody and detention", None, None, "DS Fox"])
    book.save(path)
    return path


def test_the_sme_sheet_as_hr_sends_it(qam, tmp_path):
    assert qam("init").exit_code == 0
    result = qam("sme", "import", str(_hr_sheet(tmp_path / "volunteers.xlsx")))
    assert result.exit_code == 0, result.stderr
    assert "Added 3 SMEs" in result.stdout and "Not used: Line manager." in result.stdout
    pool = {s["id"]: s for s in json.loads(qam("sme", "list", "--json").stdout)}
    jo = pool["4471"]
    assert (
        jo["skills"] == ["domestic_abuse", "fraud"]
        and jo["email"] == "jo.marsh@westshire.police.uk"
    )
    assert jo["unavailable"] == [["2027-07-26", "2027-08-06"], ["2027-09-13", "2027-09-13"]]
    assert pool["4472"]["skills"] == ["stalking_harassment", "counter_terrorism"]
    assert pool["4472"]["unavailable"] == [["2027-03-01", "2027-03-01"]]
    assert pool["4473"]["email"] is None
    added = qam(
        "sme", "add", "--id", "4474", "--name", "Cy Dee", "--unit", "CID", "--skills", "Fraud",
        "--email", "cy.dee@westshire.police.uk",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    pool = {s["id"]: s for s in json.loads(qam("sme", "list", "--json").stdout)}
    assert pool["4474"]["email"] == "cy.dee@westshire.police.uk"


def _planning_sheets(folder, *, labels: bool):
    """An instance the tests have not seen: 12 SMEs in 4 units, 6 reviews; every review can be
    staffed, so the proven optimum is every priority scheduled."""
    name = {
        "domestic_abuse": "Domestic Abuse",
        "fraud": "Fraud",
        "custody": "Custody and detention",
        "counter_terrorism": "Counter Terrorism",
    }
    theme = (lambda slug: name[slug]) if labels else (lambda slug: slug)
    units = ["Eastern BCU", "Western BCU", "Contact Management", "CID"]
    slugs = list(name)
    smes = [
        [f"S{n:02d}", f"Person {n}", "PC", units[n % 4],
         "; ".join(theme(s) for s in (slugs[n % 4], slugs[(n + 1) % 4])), ""]
        for n in range(12)
    ]  # fmt: skip
    cands = [
        [f"R{n}", f"Review {n}", theme(slugs[n % 4]), units[(n + 2) % 4], 3, 2,
         "04/01/2027", "30/06/2027", n % 5 + 1]
        for n in range(6)
    ]  # fmt: skip
    import csv

    with (folder / "sme.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "name", "role", "unit", "skills", "unavailable"])
        writer.writerows(smes)
    with (folder / "candidates.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["id", "title", "theme", "unit", "days", "team_size", "earliest", "latest", "priority"]
        )
        writer.writerows(cands)
    return sum(c[-1] for c in cands)


def test_the_planner_reaches_the_proven_optimum_from_sheets_written_with_labels(
    qam, tmp_path, monkeypatch
):
    docs = []
    for labels in (True, False):
        folder = tmp_path / ("labels" if labels else "slugs")
        folder.mkdir()
        monkeypatch.setenv("QAM_DB", str(folder / "qam.db"))
        best = _planning_sheets(folder, labels=labels)
        assert qam("init").exit_code == 0
        assert qam("sme", "import", str(folder / "sme.csv")).exit_code == 0
        result = qam("plan", "import", str(folder / "candidates.csv"))
        assert result.exit_code == 0, result.stderr
        solved = qam("plan", "solve", "--start", "2027-01-04", "--months", "6", "--json")
        assert solved.exit_code == 0, solved.stderr
        doc = json.loads(solved.stdout)
        assert doc["optimal"] and doc["gap"] == 0 and doc["priority"] == best
        docs.append(doc["scheduled"])
    assert docs[0] == docs[1]  # labels and slugs make the same programme
