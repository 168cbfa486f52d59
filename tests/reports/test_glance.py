"""Reports a chief officer reads at a glance: mostly hidden counts said once in a sentence, the
programme's own counts in full, good practice withheld with a reason, decisions with who made
them, review reports with the questions that have findings first."""

from __future__ import annotations

import re
from html import unescape

from qam.reports import output
from qam.reports.programme import table
from qam.reports.suppression import K
from tests.reports import builder as b
from tests.reports.htmlcheck import Page


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(" ".join(Page(html).text)))


def _sections(html: str) -> dict[str, str]:
    found = re.findall(r'<section class="counts">\s*<h2>([^<]*)</h2>(.*?)</section>', html, re.S)
    return {unescape(title): body for title, body in found}


def test_a_mostly_hidden_table_is_one_sentence_that_reveals_no_small_count():
    pairs = [("Custody", 6), ("Call handling", 5)] + [(f"Theme {n}", 1 + n % 4) for n in range(9)]
    counted = table("Items by theme", pairs, "Theme", "Items")
    hidden_total = sum(c for _, c in pairs) - 11
    assert counted.summary == (
        f"{sum(c for _, c in pairs)} items in all. Custody: 6; Call handling: 5. The other 9 "
        f"themes ({hidden_total} items between them) are not shown one by one, to protect "
        "small counts."
    )
    assert hidden_total >= K
    few = table("Good practice by PEEL area", [("A", 2), ("B", 1), ("C", 0)], "PEEL area", "Finds")
    assert few.summary == "Fewer than 5 finds in all, so they are not broken down."
    none_shown = table("Findings", [("A", 3), ("B", 4), ("C", 0)], "PEEL area", "Findings")
    assert none_shown.summary == (
        "7 findings in all, across 2 PEEL areas; none is shown on its own, to protect small counts."
    )
    pairs = [("A", 9), ("B", 7), ("C", 6), ("D", 2), ("E", 3)]
    mostly_shown = table("Items by scope", pairs, "Scope", "Items")
    assert mostly_shown.summary == ""  # a chart worth drawing: the usual table and chart


def test_public_pages_say_it_once_instead_of_a_chart_of_not_shown(programme, tmp_path):
    for n in range(4):  # a handful of themes with one item each: mostly hidden
        b.item(programme, f"ODD-{n}", theme=("vetting", "use_of_force", "missing", "digital")[n])
    html = output.write(programme, "register", tmp_path, "public").read_text(encoding="utf-8")
    sections = _sections(html)
    themes = sections["Items by theme"]
    assert '<p class="summary">' in themes and "<svg" not in themes and "<table" not in themes
    assert "not shown one by one" in _text(themes) and "fewer than 5, not shown" not in themes
    for title, body in sections.items():
        if 'class="summary"' not in body:
            assert "<svg" in body, title  # a table with something to show keeps its chart


def test_programme_counts_per_quarter_are_not_suppressed(programme, tmp_path):
    html = output.write(programme, "programme", tmp_path, "public").read_text(encoding="utf-8")
    quarters = _sections(html)["Reviews by quarter they start"]
    cells = re.findall(r'<td class="num">([^<]*)</td>', quarters)
    assert cells == ["1", "1", "1"]  # R01, R03, R02: one review a quarter, each shown
    assert "Oct–Dec 2026" in unescape(quarters)
    glance = html[html.index("At a glance") : html.index("</table>")]
    assert 'Capture sessions held</th><td class="num">2<' in glance.replace("\n", "")
    assert "counts no one" in _text(html)


def test_good_practice_public_view_is_withheld_with_a_reason(programme, qam, tmp_path):
    html = output.write(programme, "good-practice", tmp_path, "public").read_text(encoding="utf-8")
    page = Page(html)
    assert "Not published yet" in _text(html)
    assert f"fewer than {K} findings as good practice" in _text(html)
    assert not page.tags_named("svg") and not page.tags_named("table")
    programme.close()
    result = qam("report", "good-practice", "--view", "public", "--out", str(tmp_path / "cli"))
    assert result.exit_code == 0, result.stderr
    assert "It publishes nothing yet." in result.stdout


def test_good_practice_public_view_is_published_once_there_is_enough(programme, tmp_path):
    sid = b.session(programme, "R03")
    for _ in range(4):
        b.finding(programme, sid, "R03", "vul-1", grade="good", good_practice=True, notes="x")
    html = output.write(programme, "good-practice", tmp_path, "public").read_text(encoding="utf-8")
    assert "Not published yet" not in html
    assert "Good practice by theme" in html


def test_readiness_public_says_once_when_no_grade_can_be_published(store, tmp_path):
    from qam.initialise import initialise

    initialise(store, actor="test", force_name="Westshire Police")
    b.review(store, "R01", title="Custody", theme="custody", unit="Western BCU")
    sid = b.session(store, "R01")
    for _ in range(2):
        b.finding(store, sid, "R01", "vul-1", grade="good", notes="seen")
    html = output.write(store, "readiness", tmp_path, "public").read_text(encoding="utf-8")
    text = _text(html)
    assert "No PEEL area's grade is published yet: 1 area has been assessed so far" in text
    assert "Not published (fewer than 5 findings)" not in html
    assert "<table" not in html[: html.index("How the grade is worked out")]


def test_recent_decisions_show_who_decided_and_not_the_imports_first_sight(programme, tmp_path):
    b.decision(
        programme,
        "NAT-01",
        None,
        "completed",
        "status when first imported",
        when="2026-11-02T10:00:00Z",
    )
    programme.conn.execute("UPDATE status_decision SET source = 'import' WHERE item_ref = 'NAT-01'")
    html = output.write(programme, "register", tmp_path).read_text(encoding="utf-8")
    start = html.index("<h2>Recent decisions</h2>")
    recent = html[start : html.index("</section>", start)]
    assert "Decided by" in recent and "liaison.lead" in recent
    assert "NAT-01" not in recent and "first imported" not in recent
    assert "REC-3" in recent and "1 Nov 2026" in recent  # the force's dates, not ISO


def test_review_report_lists_questions_with_findings_first_and_folds_the_rest(programme, tmp_path):
    from qam.reports.review import build

    report = build(programme, "R01")
    assert [q.id for q in report.questions] == ["vul-1", "off-1"]
    assert report.without_findings and all(not q.findings for q in report.without_findings)
    html = output.write(programme, "review", tmp_path, review_id="R01").read_text(encoding="utf-8")
    assert "No findings on this question" not in html
    folded = re.findall(r'<p class="unexamined">(.*?)</p>', html, re.S)
    assert len(folded) == 1
    assert f"No findings on {len(report.without_findings)} questions:" in _text(folded[0])
    assert all(q.area in unescape(folded[0]) for q in report.without_findings)
    assert "from 1 finding" in _text(html) or "from 6 findings" in _text(html)
