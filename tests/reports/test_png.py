"""Each report renders in headless Chromium to a PNG (skipped when Chromium is not installed)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(html, png, profile) -> None:
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            "--window-size=1280,2000",
            f"file://{html}",
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )


@pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian package `chromium`)"
)
def test_every_report_renders_to_a_png(every_report, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    _, files = every_report  # every report of the programme in tests/reports/conftest.py
    keep = os.environ.get("QAM_REPORT_PNGS")  # set to a folder to look at the PNGs afterwards
    pngs = {href: tmp_path / (html.stem + ".png") for href, html in files.items()}
    # Two Chromiums at a time: much of each one's run is start-up spent waiting, not working.
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = [
            pool.submit(screenshot, html, pngs[href], tmp_path / f"profile-{html.stem}")
            for href, html in files.items()
        ]
    for shot in done:
        shot.result()  # raises what the Chromium run raised
    for href, png in pngs.items():
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), href
        assert len(data) > 20_000, f"{href} rendered an almost empty page"
        if keep:
            os.makedirs(keep, exist_ok=True)
            shutil.copy(png, keep)


@pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian package `chromium`)"
)
def test_the_demo_index_page_renders_to_a_png(demo, tmp_path):
    png = tmp_path / "index.png"
    screenshot(demo / "index.html", png, tmp_path / "profile-index")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    keep = os.environ.get("QAM_REPORT_PNGS")
    if keep:
        os.makedirs(keep, exist_ok=True)
        shutil.copy(png, keep)
