"""Issue 17 as its readers get it from the demo: the enablers in the programme and readiness
reports, the quarter's pack for the busiest quarter, an SME's record for their PDR."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from qam.vocabulary import ENABLERS
from tests.reports.htmlcheck import Page


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from qam import demo as demo_run

    out = tmp_path_factory.mktemp("demo")
    demo_run.run(out, actor="test.reviewer")
    return out


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
