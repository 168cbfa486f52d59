"""A big good practice library never makes a page over 2 MB, and its counts add up."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

from qam.reports import good_practice, output
from qam.store import findings as findings_db
from tests.reports import builder as b
from tests.reports.htmlcheck import Page

OS = "OFFICIAL-SENSITIVE"
LIMIT = 2_000_000
THEMES = {"custody": 12_000, "vetting": 3_000, "stop_and_search": 40, "victim_care": 700}


def fill(store) -> dict[str, int]:
    """Reviews of four themes, and good practice findings for each, bulk-saved."""
    start = datetime(2027, 1, 4, 9)
    made = {}
    for n, (theme, count) in enumerate(THEMES.items()):
        rid = f"R{n:02d}"
        b.review(store, rid, title=f"Review {rid} <b>bold</b>", theme=theme, unit=f"Unit {n % 2}")
        sid = b.session(store, rid)
        rows = [
            {
                "id": str(uuid.uuid4()),
                "session_id": sid,
                "review_id": rid,
                "question_set": "paf-2023",
                "question_set_version": 1,
                "question_id": "vul-1",
                "method": "interview",
                # every 50th note is long enough to be cut; the rest are a paragraph
                "notes": f"{rid} practice {i}. "
                + ("Thorough handover. " * (400 if i % 50 == 0 else 8)),
                "grade": "good",
                "good_practice": 1,
                "sources": 2,
                "participant_role": "Custody sergeant",
                "reviewer": "test.reviewer",
                "created_at": (start + timedelta(minutes=7 * i)).isoformat() + "Z",
            }
            for i in range(count)
        ]
        findings_db.save_findings(store, rows)
        made[theme] = count
    # a few ordinary findings, which are not good practice and must not be counted
    b.finding(store, sid, rid, "vul-1", good_practice=False)
    return made


def test_every_page_is_under_2_mb_and_the_counts_add_up(store, tmp_path):
    made = fill(store)
    out = tmp_path / "out"
    first = output.write(store, "good-practice", out)
    assert first.name == f"good-practice-stakeholder-{OS}.html"
    pages = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html")}
    for name, html in pages.items():
        assert len(html.encode()) < LIMIT, (name, len(html.encode()))
    # the first page: each theme's count, the total, and the newest few of each
    html = pages[first.name]
    total = int(
        re.search(r"<h2>([\d,]+) good practice findings in 4 themes", html)[1].replace(",", "")
    )
    assert total == sum(made.values())
    rows = re.findall(
        r'<tr><td><a href="#theme-\d+">([^<]+)</a></td><td class="num">([\d,]+)</td>', html
    )
    counts = {label: int(n.replace(",", "")) for label, n in rows}
    assert counts == {
        "Custody and detention": 12_000,
        "Vetting": 3_000,
        "Stop and search": 40,
        "Service to victims of crime": 700,
    }
    assert Page(html).classes("practice-entry") and html.count('class="practice-entry"') == 4 * 5
    # each theme with more than its five has a page of its own, linked, newest first, capped
    for slug, count in made.items():
        name = f"good-practice-{slug}-stakeholder-{OS}.html"
        assert f'href="{name}"' in html, name
        page = pages[name]
        shown = page.count('class="practice-entry"')
        assert 0 < shown <= good_practice.PAGE_ENTRIES
        if count > shown:
            more = int(re.search(r"([\d,]+) more not shown", page)[1].replace(",", ""))
            assert shown + more == count and "--until" in page
        else:
            assert shown == count and "more not shown" not in page
        dates = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)">', page)
        assert dates == sorted(dates, reverse=True)
    custody = pages[f"good-practice-custody-stakeholder-{OS}.html"]
    assert "…" in custody and "qam findings show" in custody  # a long note is cut, and says where
    assert "&lt;b&gt;bold&lt;/b&gt;" in custody and "<b>bold</b>" not in custody


def test_filters_narrow_the_library_and_the_public_view_counts_the_same(store, tmp_path):
    made = fill(store)
    path = output.write(
        store, "good-practice", tmp_path, theme="custody", since="2027-01-20", until="20/02/2027"
    )
    assert path.name == f"good-practice-custody-2027-01-20-2027-02-20-stakeholder-{OS}.html"
    html = path.read_text(encoding="utf-8")
    dates = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)">', html)
    assert dates and all("2027-01-20" <= d <= "2027-02-20" for d in dates)
    assert "Since 2027-01-20. Until 2027-02-20." in html
    public = good_practice.build(store, "public")
    by_theme = public.tables[0]
    assert by_theme.total.count == sum(made.values())
    assert {c.label: c.count for c in by_theme.cells}["Vetting"] == made["vetting"]
