"""Both views in a real browser: headless Chromium renders the home page and a canned query."""

from __future__ import annotations

import os
import shutil
import subprocess

import httpx
import pytest

from tests.reports.test_png import CHROMIUM
from tests.serve.conftest import PASSWORDS
from tests.serve.server import serving
from tests.serve.test_serve_stakeholder import login

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian `chromium`)"),
]


def _png(target: str, name: str, tmp_path) -> bytes:
    """`target` (an http:// address or a saved file) as a PNG, as tests/reports does."""
    png = tmp_path / f"{name}.png"
    url = target if target.startswith("http") else f"file://{target}"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={tmp_path / f'profile-{name}'}",
            f"--screenshot={png}",
            "--window-size=1280,1400",
            url,
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    keep = os.environ.get("QAM_REPORT_PNGS")  # a folder to look at the PNGs afterwards
    if keep:
        os.makedirs(keep, exist_ok=True)
        shutil.copy(png, keep)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000, name
    return data


def _saved(html: str, base: str, path) -> str:
    """The page as fetched with the login cookie, saved with its links pointing at the server
    (Chromium has no cookie of its own here)."""
    path.write_text(html.replace("<head>", f'<head><base href="{base}/">', 1), encoding="utf-8")
    return str(path)


def test_both_views_render_in_chromium(with_users, tmp_path):
    with serving(with_users, "--view", "public") as (base, _):
        _png(base + "/", "serve-public-home", tmp_path)
        _png(base + "/qam/register_position", "serve-public-query", tmp_path)
    with serving(with_users) as (base, _), httpx.Client(timeout=60) as client:
        login(client, base, "secretariat", PASSWORDS["secretariat"])
        for name, path in (("home", "/"), ("query", "/qam/pcc_position")):
            page = client.get(base + path)
            assert page.status_code == 200 and "OFFICIAL-SENSITIVE" in page.text
            saved = _saved(page.text, base, tmp_path / f"{name}.html")
            _png(saved, f"serve-stakeholder-{name}", tmp_path)
