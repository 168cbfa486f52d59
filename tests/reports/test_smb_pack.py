"""The reports as their readers get them from the demo: the SMB's programme pack names what
could not be staffed, markers carry titles, files carry the store's permissions."""

from __future__ import annotations

import json
import os
import re
import stat
from html import unescape

from qam.reports import output
from tests.reports.htmlcheck import Page


def _section(html: str, section_id: str) -> str:
    start = html.index(f'<section id="{section_id}">')
    return html[start : html.index("</section>", start)]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(" ".join(Page(html).text)))


def test_the_programme_report_names_every_unscheduled_review_with_its_reason(demo, qam):
    shown = qam("--db", str(demo / "qam-demo.db"), "plan", "show", "--json")
    assert shown.exit_code == 0, shown.stderr
    unscheduled = json.loads(shown.stdout)["unscheduled"]
    assert unscheduled, "the example force leaves a review unstaffed"
    html = (demo / "programme-stakeholder-OFFICIAL-SENSITIVE.html").read_text(encoding="utf-8")
    section = _text(_section(html, "unstaffed"))
    assert section.startswith(" Could not be staffed") or "Could not be staffed" in section[:40]
    for u in unscheduled:
        assert f"{u['review']}:" in section
        reason = u["reason"][0].upper() + u["reason"][1:]
        assert reason in section, u["reason"]
        if u.get("fix"):
            assert u["fix"][0].upper() + u["fix"][1:] in section
    glance = _text(html[: html.index("</section>")])
    assert f"{len(unscheduled)} could not be staffed" in glance


def test_inspection_markers_carry_titles_in_a_legend(demo):
    from qam.store import Store
    from qam.store import candidates as candidates_db

    with Store.open(demo / "qam-demo.db", create=False) as store:
        inspections = candidates_db.inspections(store)
    html = (demo / "programme-stakeholder-OFFICIAL-SENSITIVE.html").read_text(encoding="utf-8")
    svg = html[html.index("<svg") : html.index("</svg>")]
    drawn = [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert "Expected inspections" in drawn
    for n, inspection in enumerate(sorted(inspections, key=lambda i: i["expected"]), start=1):
        legend = [t for t in drawn if t.startswith(f"{n}  ")]
        assert legend and inspection["title"][:40] in legend[0], inspection["id"]
        assert inspection["id"] not in drawn  # the id alone is never a marker's label


def test_public_reports_are_readable_by_others_and_stakeholder_ones_follow_the_store(
    programme, tmp_path
):
    from qam.reports import charts

    os.chmod(programme.path, 0o600)
    with charts.skipped():  # only the files' modes are checked here, not what they show
        files = output.write_all(programme, tmp_path / "owner-only")
    modes = {f["href"]: stat.S_IMODE(os.stat(f["path"]).st_mode) for f in files}
    assert {m for name, m in modes.items() if "public" in name} == {0o644}
    assert {m for name, m in modes.items() if "public" not in name} == {0o600}
    os.chmod(programme.path, 0o640)
    path = output.write(programme, "register", tmp_path / "group", "stakeholder")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    path = output.write(programme, "register", tmp_path / "group", "public")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


def test_a_bundle_follows_the_stores_permissions(programme, tmp_path):
    from qam.sync.export import export_bundle

    os.chmod(programme.path, 0o600)
    target = tmp_path / "laptop.qam-bundle"
    export_bundle(programme, target, actor="test")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_a_register_export_follows_the_stores_permissions(programme, tmp_path):
    from qam.register.export import export_register

    os.chmod(programme.path, 0o600)
    for name in ("register.csv", "register.xlsx"):
        export_register(programme, tmp_path / name)
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600
