"""Board packs: one per assessment board, from the demo; to PDF page by page with the marking on
every page; each chair's items in that board's pack and no other."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from qam.reports.models import OFFICIAL_SENSITIVE
from tests.reports.htmlcheck import Page

BOARDS = {
    "Operational Assessment Board": "ACC Crime and Justice",
    "Local Policing Assessment Board": "ACC Local Policing",
    "People and Culture Board": "Director of People",
    "Organisational Assessment Board": "DCC",
}
MARKING_RED = (0xB3, 0x26, 0x1E)


def _refs(html: str) -> set[str]:
    """The refs of the register items a pack lists (its register section only)."""
    section = html[html.index('id="register"') : html.index('id="reviews"')]
    return set(re.findall(r'<span class="ref">([^<]+)</span>', section))


def _pack(qam, demo: Path, board: str, out: Path, *extra: str) -> Path:
    result = qam(
        "--db", str(demo / "qam-demo.db"), "report", "board", board, "--out", str(out), *extra
    )
    assert result.exit_code == 0, result.stderr
    return Path(result.stdout.split(" written to ")[1].splitlines()[0].strip())


def test_each_chair_s_items_are_in_their_board_s_pack_and_no_other(demo, qam, tmp_path):
    items = json.loads(
        qam(
            "--db", str(demo / "qam-demo.db"), "recs", "list", "--status", "outstanding", "--json"
        ).stdout
    )
    packs = {board: _refs(_pack(qam, demo, board, tmp_path).read_text()) for board in BOARDS}
    for board, chair in BOARDS.items():
        led = {i["ref"] for i in items if i["owner"] == chair}
        assert packs[board] == led, board
    oab = packs["Operational Assessment Board"]
    assert oab and all(
        not (oab & refs) for b, refs in packs.items() if b != "Operational Assessment Board"
    )


def test_the_pack_holds_areas_deep_dives_reviews_and_good_practice(demo, qam, tmp_path):
    html = _pack(qam, demo, "operational assessment board", tmp_path).read_text()
    page = Page(html)
    text = re.sub(r"\s+", " ", unescape(" ".join(page.text)))
    assert "Chair: ACC Crime and Justice" in text
    areas = html[html.index('id="areas"') : html.index('id="deep-dives"')]
    assert "Protecting vulnerable people" in areas and "Responding to the public" not in areas
    assert "Calibration" in text or "Last inspection against the self-assessment" in text
    assert "Deep dives due" in text
    reviews = html[html.index('id="reviews"') : html.index('id="good-practice"')]
    assert "R03" in reviews  # the custody review tests managing offenders and vulnerability
    assert "Good practice from the board" in text
    # overdue first: every overdue card comes before every other card
    cards = re.findall(r'<article class="plan( plan-overdue)?">', html)
    assert cards == sorted(cards, key=lambda c: c == "")
    assert OFFICIAL_SENSITIVE in page.markings or OFFICIAL_SENSITIVE in html
    assert "@top-center" in html and "@bottom-center" in html and "size: A4" in html


def _red_pixels(image, top: float, bottom: float) -> int:
    """How many pixels of a band across the page are the marking's red."""
    import numpy as np

    width, height = image.size
    band = image.convert("RGB").crop((0, int(height * top), width, int(height * bottom)))
    near = np.abs(np.asarray(band, dtype=np.int16) - np.array(MARKING_RED)) < 40
    return int(near.all(axis=-1).sum())  # every channel within 40 of the marking's red


def test_the_four_packs_of_the_demo_render_to_pdf_with_the_marking_on_every_page(demo, tmp_path):
    import pypdfium2 as pdfium

    from qam.reports.pdf import render_pdf

    packs = sorted((demo / "packs").glob("board-*.html"))
    assert len(packs) == 4
    for html in packs:
        pdf = render_pdf(html, tmp_path / (html.stem + ".pdf"))
        document = pdfium.PdfDocument(str(pdf))
        assert len(document) >= 1
        for number, page in enumerate(document, start=1):
            width, height = page.get_size()
            assert (round(width), round(height)) == (595, 842), "A4"
            assert OFFICIAL_SENSITIVE in page.get_textpage().get_text_range(), (html.name, number)
            image = page.render(scale=2).to_pil()
            png = tmp_path / f"{html.stem}-{number}.png"
            image.save(png)
            assert png.read_bytes().startswith(b"\x89PNG")
            # the marking, in its red, at the head and the foot of the page
            assert _red_pixels(image, 0, 0.06) > 200, (html.name, number)
            assert _red_pixels(image, 0.94, 1) > 200, (html.name, number)


def test_chromium_prints_the_pack_when_weasyprint_is_missing(demo, qam, tmp_path, monkeypatch):
    import pypdfium2 as pdfium

    from qam.reports import pdf

    if pdf._chromium() is None:
        pytest.skip("Chromium is not installed (Debian package `chromium`)")
    monkeypatch.setattr(pdf, "_weasyprint", lambda: None)
    html = _pack(qam, demo, "People and Culture Board", tmp_path, "--pdf")
    document = pdfium.PdfDocument(str(html.with_suffix(".pdf")))
    assert all(OFFICIAL_SENSITIVE in p.get_textpage().get_text_range() for p in document)


def test_no_renderer_is_one_error_line_saying_how_to_install_one(demo, qam, tmp_path, monkeypatch):
    from qam.reports import pdf

    monkeypatch.setattr(pdf, "_weasyprint", lambda: None)
    monkeypatch.setattr(pdf, "_chromium", lambda: None)
    result = qam(
        "--db", str(demo / "qam-demo.db"), "report", "board", "DCC board", "--out", str(tmp_path)
    )
    assert result.exit_code == 1 and "No assessment board 'DCC board'" in result.stderr
    result = qam(
        "--db",
        str(demo / "qam-demo.db"),
        "report",
        "board",
        "Organisational Assessment Board",
        "--out",
        str(tmp_path),
        "--pdf",
    )
    assert result.exit_code == 1
    assert result.stderr.count("Error:") == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "pip install 'qam[pdf]'" in result.stderr and "apt install chromium" in result.stderr
    assert not list(tmp_path.glob("*.pdf")) and list(tmp_path.glob("board-*.html"))


def test_the_demo_index_page_links_the_four_packs(demo):
    hrefs = [
        a.get("href", "") for tag, a in Page((demo / "index.html").read_text()).tags if tag == "a"
    ]
    packs = sorted(h for h in hrefs if h.startswith("packs/board-"))
    assert len(packs) == 4 and all((demo / h).is_file() for h in packs)


def test_the_pack_counts_its_areas_findings_by_enabler(demo, qam):
    """Each enabler's count in a pack is the findings tagged with it on the board's questions
    (the demo's own packs, written by the same `board.write` as `qam report board`, which the
    tests above drive)."""
    from qam.reports import catalogue
    from qam.reports.common import file_slug
    from qam.store import Store
    from tests.reports.test_enablers_demo import _Rows

    with Store.open(demo / "qam-demo.db") as store:
        area_of = {
            (q["question_set"], q["question_id"]): q["area"]
            for q in catalogue.questions(catalogue.question_sets(store))
        }
    board_areas = json.loads(
        qam("--db", str(demo / "qam-demo.db"), "boards", "list", "--json").stdout
    )
    tagged_with: dict[str, list[dict]] = {}
    seen = 0
    for board in board_areas:
        [pack] = (demo / "packs").glob(f"board-{file_slug(board['name']).lower()}-*.html")
        rows = _Rows(pack.read_text()).rows
        assert rows, board["name"]
        for enabler, cells in rows.items():
            if enabler not in tagged_with:
                listed = qam(
                    "--db", str(demo / "qam-demo.db"), "findings", "list", "--enabler", enabler,
                    "--json",
                )  # fmt: skip
                tagged_with[enabler] = json.loads(listed.stdout)
            mine = [
                f
                for f in tagged_with[enabler]
                if area_of.get((f["question_set"], f["question_id"])) in set(board["areas"])
            ]
            assert int(cells[1]) == len(mine), (board["name"], enabler)
            seen += len(mine)
    assert seen, "the demo's findings fall in some board's areas"
