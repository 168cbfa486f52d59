"""Issue 17 as its readers get it from the demo: the enablers in the programme and readiness
reports, the quarter's pack for the busiest quarter, an SME's record for their PDR."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape

import pytest

from qam.vocabulary import ENABLERS
from tests.reports.htmlcheck import Page


def _read(qam, demo, *args):
    result = qam("--db", str(demo / "qam-demo.db"), *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


class _Rows(Page):
    """The enabler table's rows: slug -> the cells' text."""

    def __init__(self, html: str):
        self.rows: dict[str, list[str]] = {}
        self._row: str | None = None
        super().__init__(html)

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag == "tr" and dict(attrs).get("data-enabler"):
            self._row = dict(attrs)["data-enabler"]
            self.rows[self._row] = []
        elif tag in ("td", "th") and self._row:
            self.rows[self._row].append("")

    def handle_endtag(self, tag):
        super().handle_endtag(tag)
        if tag == "tr":
            self._row = None

    def handle_data(self, data):
        super().handle_data(data)
        if self._row and self.rows[self._row]:
            self.rows[self._row][-1] += data


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(" ".join(Page(html).text)))


@pytest.mark.parametrize("kind", ["programme", "readiness"])
def test_the_demos_reports_count_each_enabler_as_its_findings(demo, qam, kind):
    html = (demo / f"{kind}-stakeholder-OFFICIAL-SENSITIVE.html").read_text(encoding="utf-8")
    rows = _Rows(html).rows
    assert list(rows) == list(ENABLERS)
    assert [r[0] for r in rows.values()] == ["Leadership", "Partnership", "Culture", "Technology"]
    for enabler, cells in rows.items():
        tagged = json.loads(_read(qam, demo, "findings", "list", "--enabler", enabler, "--json"))
        assert tagged, f"the demo has findings on {enabler}"
        assert int(cells[1]) == len(tagged), enabler
        # The grade spread adds up to the count; good practice and concerns are its findings'.
        assert sum(int(c) for c in cells[2:-2]) == len(tagged)
        assert int(cells[-2]) == sum(1 for f in tagged if f["good_practice"])
        assert int(cells[-1]) == sum(1 for f in tagged if (f["concerns"] or "").strip())


@pytest.mark.parametrize("kind", ["programme", "readiness"])
def test_public_views_suppress_small_enabler_counts(demo, qam, kind):
    text = _text((demo / f"{kind}-public.html").read_text(encoding="utf-8"))
    assert "Findings by enabler" in text
    for enabler in ENABLERS:
        n = len(json.loads(_read(qam, demo, "findings", "list", "--enabler", enabler, "--json")))
        label = enabler.capitalize()
        if 0 < n < 5:
            assert f"{label} fewer than 5, not shown" in text
        else:
            assert f"{label} {n}" in text
    assert "Handover between detention officers" not in text  # no notes in public


def _quarter_rows(html: str, table_class: str) -> set[str]:
    start = html.index(f'<table class="{table_class}">')
    return set(
        re.findall(r'<tr data-review="([^"]+)">', html[start : html.index("</table>", start)])
    )


def test_the_quarter_pack_lists_exactly_the_reviews_of_the_busiest_quarter(demo, qam, tmp_path):
    from qam.reports.quarter import busiest
    from qam.store import Store

    with Store.open(demo / "qam-demo.db", create=False) as store:
        q = busiest(store)
    assert q is not None and q.name == "2027Q1"
    reviews = json.loads(_read(qam, demo, "reviews", "list", "--json"))
    first, last = q.start.isoformat(), q.end.isoformat()
    inside = {r["id"] for r in reviews if r["start"] <= last and r["end"] >= first}
    after = q.end + timedelta(days=1)
    following = {r["id"] for r in reviews if after.isoformat() <= r["start"] < "2027-07-01"}
    assert inside and set(r["id"] for r in reviews) - inside - following
    # The demo wrote the pack; the command writes the same reviews, however the quarter is written.
    shown = _read(qam, demo, "report", "quarter", "q1 2027", "--out", str(tmp_path))
    written = tmp_path / "quarter-2027Q1-stakeholder-OFFICIAL-SENSITIVE.html"
    assert str(written) in shown
    for page in (demo / written.name, written):
        html = page.read_text(encoding="utf-8")
        assert _quarter_rows(html, "quarter-reviews") == inside
        assert _quarter_rows(html, "coming-reviews") == following
        text = _text(html)
        assert "January to March 2027 (quarter 4 of the financial year 2026/27)" in text
        for heading in ("Findings by enabler", "The register's movements", "Deep dives due",
                        "Good practice found", "Abstraction used"):  # fmt: skip
            assert heading in text


def test_the_public_quarter_pack_suppresses_small_counts_and_holds_no_notes(demo, qam, tmp_path):
    _read(qam, demo, "report", "quarter", "2027Q2", "--view", "public", "--out", str(tmp_path))
    text = _text((tmp_path / "quarter-2027Q2-public.html").read_text(encoding="utf-8"))
    assert "Findings by enabler" in text and "fewer than 5, not shown" in text
    # R03's seven fieldwork findings (six speak to partnership) and its dip sample's three,
    # on a question whose enablers include partnership.
    assert "Partnership 9" in text
    assert "detainee-risk briefing" not in text and "Owen Pritchard" not in text


def test_a_quarter_that_is_not_one_is_refused(demo, qam, tmp_path):
    result = qam("--db", str(demo / "qam-demo.db"), "report", "quarter", "2027Q5", "--out",
                 str(tmp_path))  # fmt: skip
    assert result.exit_code == 1 and not list(tmp_path.iterdir())
    assert result.stderr.strip().splitlines() == [
        "Error: '2027Q5' is not a quarter; write it as 2027Q1 (January to March 2027), 2027Q2 "
        "(April to June) and so on."
    ]


def test_an_smes_record_gives_the_days_sme_list_shows_as_used(demo, qam):
    pool = json.loads(_read(qam, demo, "sme", "list", "--json"))
    on_teams = [s for s in pool if s["reviews"]]
    assert len(on_teams) > 10
    names = {s["id"]: s["name"] for s in pool}
    for sme in on_teams:
        record = json.loads(_read(qam, demo, "sme", "record", sme["id"], "--json"))
        used = {a["year"]: a["used"] for a in sme["abstraction"] if a["used"]}
        assert {y["year"]: y["used"] for y in record["years"]} == used, sme["id"]
        assert [r["id"] for r in record["reviews"]] == sme["reviews"]
        for r in record["reviews"]:  # each review's days add up to the year's
            assert sum(r["days"].values()) > 0
        for year in record["years"]:
            assert year["used"] == sum(r["days"].get(year["year"], 0) for r in record["reviews"])
        others = [n for i, n in names.items() if i != sme["id"]]
        document = json.dumps(record)
        assert not [n for n in others if n in document], sme["id"]  # nothing about anyone else


def test_the_demo_links_the_quarter_pack_and_an_smes_record(demo):
    index = (demo / "index.html").read_text(encoding="utf-8")
    hrefs = {a.get("href") for a in Page(index).tags_named("a")}
    assert {
        "quarter-2027Q1-stakeholder-OFFICIAL-SENSITIVE.html",
        "quarter-2027Q1-public.html",
    } <= hrefs
    [record] = [h for h in hrefs if h and h.startswith("sme-record-")]
    html = (demo / record).read_text(encoding="utf-8")
    text = _text(html)
    assert (
        "Working days given against the cap" in text and "Good practice their reviews found" in text
    )
    assert "worth copying to other suites" in text  # R03's good practice, on its team's record
