"""Commands pay only for what they use: opening the store, listing the register, saving
answers and importing a bundle import neither pandas nor numpy (nor sqlite-utils, which
imports both whenever they are installed)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "sqlite_utils", "jinja2", "matplotlib", "ortools", "openpyxl")
RUN = (
    "import sys\n"
    "from qam.cli import main\n"
    "sys.argv = ['qam', *sys.argv[1:]]\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as stop:\n"
    "    assert not stop.code, stop.code\n"
    f"print('LOADED', [m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr)\n"
)


def _loaded(db, *args, stdin: str | None = None) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", RUN, "--db", str(db), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={"QAM_USER": "sgt.eastern", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    line = [x for x in result.stderr.splitlines() if x.startswith("LOADED")][-1]
    return json.loads(line.removeprefix("LOADED ").replace("'", '"'))


@pytest.fixture
def programme(tmp_path):
    from qam.initialise import initialise
    from qam.planner.reviews import add_review
    from qam.store import Store

    path = tmp_path / "programme.db"
    with Store.open(path) as store:
        initialise(store, actor="liaison.lead", force_name="Westshire Police")
        add_review(
            store,
            review_id="R1",
            title="Custody handovers",
            theme="custody",
            unit="Eastern BCU",
            start="2025-06-02",
            end="2025-06-13",
            actor="liaison.lead",
            team=["sgt.eastern"],
        )
    return path


def test_listing_the_register_loads_no_heavy_library(programme):
    assert _loaded(programme, "recs", "list", "--json") == []


def test_saving_answers_loads_no_heavy_library(programme):
    line = json.dumps(
        {"review": "R1", "question": "pub-1", "method": "interview", "notes": "Briefing seen"}
    )
    assert _loaded(programme, "capture", "--answers", "-", stdin=line + "\n") == []


def test_importing_a_bundle_into_a_new_store_loads_no_heavy_library(programme, tmp_path):
    bundle = tmp_path / "base.qam-bundle"
    assert _loaded(programme, "sync", "export", str(bundle)) == []
    assert _loaded(tmp_path / "laptop.db", "sync", "import", str(bundle)) == []
