"""A report's PDF, through a well-kept renderer: WeasyPrint (QAM's optional `pdf` extra), else
headless Chromium. With neither, one line says how to install one; the HTML stays written."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from qam.errors import RefusedError

CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = (
    "No PDF renderer: install QAM's pdf extra (pip install 'qam[pdf]', which brings WeasyPrint) "
    "or Chromium (e.g. apt install chromium), then run the command again; the HTML pack "
    "is written at {html} and prints to A4 from a browser meanwhile."
)


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError):  # OSError: installed, but its Pango libraries are not
        return None
    return weasyprint


def _mode(mode: int | None) -> dict:
    return {} if mode is None else {"mode": mode}


def _chromium() -> str | None:
    return next((found for name in CHROMIUMS if (found := shutil.which(name))), None)


def render_pdf(html: Path, pdf: Path, *, mode: int | None = None) -> Path:
    """Render `html` (a self-contained report) to `pdf`, written atomically (with `mode`,
    the permissions its HTML was given)."""
    from qam.files import write_atomic

    weasyprint = _weasyprint()
    if weasyprint is not None:
        import logging

        # CSS it does not support (screen-only rules) is not the reader's business.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        data = weasyprint.HTML(filename=str(html)).write_pdf()
        return write_atomic(pdf, data, **_mode(mode))
    chromium = _chromium()
    if chromium is None:
        raise RefusedError(INSTALL.format(html=html))
    with tempfile.TemporaryDirectory() as profile:
        out = Path(profile) / "pack.pdf"
        done = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={out}",
                html.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0 or not out.exists():
            raise RefusedError(
                f"Chromium could not print {html.name} to PDF (exit {done.returncode}); "
                "install QAM's pdf extra (pip install 'qam[pdf]') to use WeasyPrint instead."
            )
        return write_atomic(pdf, out.read_bytes(), **_mode(mode))
