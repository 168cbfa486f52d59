"""`qam demo`: the whole job on the shipped example force, as a new user runs it."""

from __future__ import annotations

import json
import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))

    def handle_data(self, data):
        self.text.append(data)


def test_demo_builds_a_store_and_an_index_page(demo_run):
    out = demo_run.out  # built once for the run; that it exits 0 is checked as it is built
    assert "Open " in demo_run.printed and str(out / "index.html") in demo_run.printed
    index = out / "index.html"
    page = _Links()
    page.feed(index.read_text(encoding="utf-8"))
    text = " ".join(page.text)
    assert "Westshire Police" in text
    assert "paf-2023" in text
    for href in page.hrefs:  # every report the index links to exists, and the part it names
        path, _, part = href.partition("#")
        assert (out / path).is_file(), href
        assert not part or f'id="{part}"' in (out / path).read_text(encoding="utf-8"), href
    assert any(h.endswith("#record-audit") for h in page.hrefs)  # the dip sample's results
    from qam.store import Store
    from qam.store.audit import events
    from qam.trail import verify

    with Store.open(out / "qam-demo.db", create=False) as store:
        assert store.setting("force_name") == "Westshire Police"
        verify(events(store))


def test_demo_says_how_to_explore_its_store_and_links_every_file(demo_run):
    out = demo_run.out
    lines = demo_run.printed.splitlines()
    at = lines.index("Explore the demo's store from this shell:")
    export, example = (line.strip() for line in lines[at + 1 : at + 3])
    assert export == f"export QAM_DB={(out / 'qam-demo.db').resolve()}"
    assert example.endswith("recs summary")

    page = _Links()
    page.feed((out / "index.html").read_text(encoding="utf-8"))
    visible = "".join(page.text)
    assert "`" not in visible
    assert export in visible and "recs summary" in visible
    linked = {Path(href).name for href in page.hrefs}
    written = {p.name for p in out.rglob("*") if p.is_file() and p.suffix != ".db-wal"}
    written -= {"index.html", "qam-demo.db-shm", "qam-demo.db-wal"}
    marked = {f"programme-OFFICIAL-SENSITIVE.{suffix}" for suffix in ("ics", "xlsx", "csv")}
    assert marked <= linked
    assert {n for n in written if n.endswith(".qam-bundle")} <= linked
    # A store's signing key stays beside it, owner-only, and is never offered to anyone.
    keys = {n for n in written if n.endswith(".signing-key")}
    assert len(keys) == 3 and not keys & linked
    assert all(os.stat(p).st_mode & 0o077 == 0 for p in out.rglob("*.signing-key"))
    assert written - linked <= {n for n in written if n.endswith((".db-shm", ".db-wal"))} | keys


def test_the_printed_command_shows_the_demo_register_position(demo_run):
    """What the demo prints is what a newcomer pastes: run it as a shell would (the shared
    demo is `python -m qam demo` run from a shell whose QAM_DB points elsewhere)."""
    lines = demo_run.printed.splitlines()
    at = lines.index("Explore the demo's store from this shell:")
    script = "\n".join(line.strip() for line in lines[at + 1 : at + 3])
    shown = subprocess.run(
        ["bash", "-c", script + " --json"],
        capture_output=True,
        text=True,
        env=demo_run.env,
        cwd=demo_run.cwd,
    )
    assert shown.returncode == 0, shown.stderr
    from qam.register.summary import position
    from qam.store import Store

    with Store.open(demo_run.out / "qam-demo.db", create=False) as store:
        assert json.loads(shown.stdout) == json.loads(json.dumps(position(store)))
    assert not demo_run.elsewhere.exists()


@pytest.mark.slow  # two whole demos: the everyday suite has the other demo tests
def test_demo_runs_twice_from_a_fresh_store(qam, tmp_path):
    out = tmp_path / "demo"
    first = qam("demo", "--out", str(out))
    second = qam("demo", "--out", str(out))
    assert first.exit_code == second.exit_code == 0


def test_demo_never_replaces_a_store_given_with_db(qam, tmp_path):
    real = tmp_path / "programme.db"
    assert qam("--db", str(real), "init", "--force-name", "Westshire Police").exit_code == 0
    before = real.read_bytes()
    result = qam("--db", str(real), "demo", "--out", str(tmp_path / "demo"))
    assert result.exit_code == 1
    assert (
        result.stderr.startswith("Error: qam demo builds its own store")
        and result.stderr.count("\n") == 1
    )
    assert real.read_bytes() == before
