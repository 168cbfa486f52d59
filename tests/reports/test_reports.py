"""Every report in both views: markings, canaries, XSS, suppression, classification, atomic writes."""

from __future__ import annotations

import re

import pytest

from qam.errors import NotFoundError, QamError, RefusedError
from qam.reports import output
from tests.reports import builder as b
from tests.reports.conftest import CANARIES
from tests.reports.htmlcheck import Page, active_content

OS = "OFFICIAL-SENSITIVE"


@pytest.fixture
def written(every_report):
    """Every report of the programme in tests/reports/conftest.py, by file name."""
    _, files = every_report
    return {href: path.read_text(encoding="utf-8") for href, path in files.items()}


def test_every_report_and_both_views_are_written(written):
    names = set(written)
    for kind in ("programme", "register", "readiness", "good-practice"):
        assert f"{kind}-stakeholder-{OS}.html" in names
        assert f"{kind}-public.html" in names
    assert f"review-R01-stakeholder-{OS}.html" in names
    assert f"review-R02-stakeholder-{OS}.html" in names
    assert not any(n.startswith("review-R03") for n in names)  # no findings yet
    assert not any(n.startswith("review") and "public" in n for n in names)


def test_stakeholder_files_are_marked_in_header_and_footer(written):
    for name, html in written.items():
        page = Page(html)
        markings = page.classes("marking")
        if "stakeholder" in name:
            assert OS in name
            assert len(markings) == 2, name
            head, foot = html.index('class="marking'), html.rindex('class="marking')
            assert head < html.index("<header") and foot > html.index("<footer"), name
            assert html.count(OS) >= 2
        else:
            assert OS not in html, name


def test_canaries_never_reach_a_public_file(written):
    public = {n: h for n, h in written.items() if "public" in n}
    assert len(public) == 4
    for name, html in public.items():
        for key, canary in CANARIES.items():
            assert canary not in html, f"{key} canary in {name}"
        svg_text = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", html))
        assert "CANARY" not in svg_text


def test_stakeholder_view_shows_the_notes(written):
    review = written[f"review-R01-stakeholder-{OS}.html"]
    for key in ("note", "concern", "participant", "sme", "item_text"):
        assert CANARIES[key] in review, key
    assert CANARIES["note"] in written[f"good-practice-stakeholder-{OS}.html"]
    assert CANARIES["reason"] in written[f"register-stakeholder-{OS}.html"]


def test_xss_corpus_is_inert_in_every_report(written):
    for name, html in written.items():
        page = Page(html)
        assert active_content(page) == [], name
        expected_scripts = 1 if name.startswith("good-practice-stakeholder") else 0
        assert len(page.tags_named("script")) == expected_scripts, name
        assert not page.tags_named("img"), name
        assert "<script>alert" not in html and "<img src=x" not in html, name
        assert "\u202e" not in html  # bidi override shown as a mark, never obeyed
    review = written[f"review-R01-stakeholder-{OS}.html"]
    assert "&lt;script&gt;alert(" in review
    assert "[U+202E]" in review


def _public_counts(html: str) -> list[str]:
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    return [c.strip() for c in cells]


def test_small_counts_are_suppressed_and_not_derivable(written):
    html = written["register-public.html"]
    counts = _public_counts(html)
    assert "fewer than 5, not shown" in counts or 'class="summary"' in html
    for value in counts:
        if value.isdigit():
            assert int(value) == 0 or int(value) >= 5, value
    # each table: if the total is published, at least two cells are hidden whenever any is
    for section in re.findall(r'<section class="counts">(.*?)</section>', html, flags=re.S):
        if 'class="summary"' in section:  # said in a sentence (tests/reports/test_glance.py)
            continue
        cells = _public_counts(section)
        hidden = [c for c in cells if not c.isdigit()]
        total = re.search(r"Total: <strong>([^<]*)</strong>", section).group(1)
        if hidden and total.isdigit():
            assert len(hidden) >= 2, section[:200]


def test_public_readiness_withholds_grades_on_few_findings(written):
    html = written["readiness-public.html"]
    assert (
        "Not published (fewer than 5 findings)" not in html
        or "Protecting vulnerable people" in html
    )
    assert "Sources" not in html


def test_a_review_report_is_never_public(programme, tmp_path):
    with pytest.raises(RefusedError, match="stakeholder-only"):
        output.write(programme, "review", tmp_path, "public", review_id="R01")
    assert not list(tmp_path.glob("*.html"))


def test_unknown_review_is_a_clear_error(programme, tmp_path):
    with pytest.raises(NotFoundError, match="No review 'R99'.*R01"):
        output.write(programme, "review", tmp_path, review_id="R99")


def test_official_sensitive_item_refuses_public_and_marks_stakeholder(programme, tmp_path):
    b.item(programme, "OS-1", extra={"Classification": "OFFICIAL-SENSITIVE"})
    for kind in ("register", "programme", "readiness", "good-practice"):
        with pytest.raises(RefusedError, match="OS-1 is marked OFFICIAL-SENSITIVE"):
            output.write(programme, kind, tmp_path, "public")
    path = output.write(programme, "register", tmp_path, "stakeholder")
    assert OS in path.name and path.read_text().count(OS) >= 2
    assert not list(tmp_path.glob("*public*"))
    from qam.reports import charts

    with charts.skipped():  # which files are written is checked here, not what they show
        names = [w["href"] for w in output.write_all(programme, tmp_path / "all")]
    assert names and not any("public" in n for n in names)


def test_a_failed_render_leaves_the_previous_report_intact(programme, tmp_path, monkeypatch):
    out = tmp_path / "out"
    path = output.write(programme, "register", out)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("qam.files.os.fsync", broken)
    b.item(programme, "NEW-1", text="a new item")
    with pytest.raises(QamError, match="No space left"):
        output.write(programme, "register", out)
    assert path.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [path.name]


def test_killing_a_report_run_leaves_a_whole_file(programme, tmp_path, db_path):
    """Promise 20: kill the writer at random moments; the file is always the old or the new whole."""
    import random
    import subprocess
    import sys
    import time

    out = tmp_path / "kill"
    output.write(programme, "register", out)
    programme.close()
    code = (
        "import sys; from qam.store import Store; from qam.reports.output import write\n"
        "s = Store.open(sys.argv[1])\n"
        "while True: write(s, 'register', sys.argv[2])\n"
    )
    rng = random.Random(6)
    for _ in range(3):
        child = subprocess.Popen([sys.executable, "-c", code, str(db_path), str(out)])
        time.sleep(1.0 + rng.random() * 1.5)
        child.kill()
        child.wait()
        html = (out / f"register-stakeholder-{OS}.html").read_text(encoding="utf-8")
        assert html.rstrip().endswith("</html>")


def test_good_practice_filters(programme, tmp_path):
    path = output.write(programme, "good-practice", tmp_path, theme="call_handling")
    assert "call_handling" in path.name
    assert "No finding is marked as good practice for this filter" in path.read_text()
    path = output.write(programme, "good-practice", tmp_path, theme="custody")
    assert path.read_text().count('class="practice-entry"') == 2


def test_superseded_findings_are_left_out(programme, tmp_path):
    sid = b.session(programme, "R02")
    old = b.finding(programme, sid, "R02", "off-1", grade="inadequate", notes="OLD-VERSION-NOTE")
    b.finding(programme, sid, "R02", "off-1", grade="good", notes="CORRECTED-NOTE", supersedes=old)
    html = output.write(programme, "review", tmp_path, review_id="R02").read_text()
    assert "CORRECTED-NOTE" in html and "OLD-VERSION-NOTE" not in html


def test_review_report_suggests_register_changes(programme, tmp_path):
    from qam.reports import review

    report = review.build(programme, "R01")
    by_ref = {s.ref: s for s in report.register}
    assert by_ref["REC-1"].suggested == "Completed"  # outstanding, good findings, 15 sources
    assert by_ref["AFI-2"].suggested is None  # below adequate: stays outstanding
    assert report.actions and report.actions[0].owner.startswith(CANARIES["unit"])
    assert sum(len(q.findings) for q in report.questions) == report.total_findings == 12


def test_reports_render_on_an_empty_store(store, tmp_path):
    files = output.write_all(store, tmp_path)
    assert len(files) == 9  # four kinds in two views, and calibration (stakeholder only)
    assert [f["href"] for f in files if f["href"].startswith("calibration")] == [
        f"calibration-stakeholder-{OS}.html"
    ]
    for f in files:
        assert Page(f["path"].read_text()).tags_named("main")


def test_cli_writes_reports_and_refuses_bad_views(programme, qam, tmp_path):
    programme.close()
    out = tmp_path / "cli"
    result = qam("report", "readiness", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert (out / f"readiness-stakeholder-{OS}.html").exists()
    result = qam("report", "review", "R01", "--view", "public", "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.count("Error:") == 1 and "stakeholder-only" in result.stderr
    result = qam("report", "register", "--view", "everyone", "--out", str(out))
    assert result.exit_code == 1 and "not a view" in result.stderr
    result = qam("report", "good-practice", "--view", "public", "--out", str(out))
    assert result.exit_code == 0 and (out / "good-practice-public.html").exists()
