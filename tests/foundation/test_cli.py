"""The command tree: every group present, help with an example, one error route, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer

from qam.cli import app
from qam.docs import _walk

DESIGN_GROUPS = {
    "init",
    "demo",
    "sets",
    "recs",
    "outcomes",
    "sme",
    "plan",
    "reviews",
    "capture",
    "findings",
    "sync",
    "report",
    "audit",
    "db",
    "retention",
}


def _all_commands():
    root = typer.main.get_command(app)
    return [(" ".join(path[1:]), command) for path, command, _ in _walk(root, ["qam"])]


def test_help_lists_every_design_group(qam):
    result = qam("--help")
    assert result.exit_code == 0
    listed = {
        line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()
    }
    assert DESIGN_GROUPS <= listed


@pytest.mark.parametrize(
    "name,command", _all_commands(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_command_has_help_with_an_example(name, command, qam):
    assert command.help and command.help.strip(), f"qam {name} has no help"
    assert "Example: qam" in command.help or "Example: QAM_" in command.help, (
        f"qam {name} has no example"
    )
    result = qam(*name.split(), "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout


def test_unknown_command_is_a_usage_error_without_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "qam", "no-such-command"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "No such command" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_version(qam):
    """`qam --version` says the version pyproject.toml declares (the one pip installs)."""
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    result = qam("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"qam {declared}"


def test_sets_list_json_shows_at_least_two_sets(qam):
    result = qam("sets", "list", "--json")
    assert result.exit_code == 0
    sets = json.loads(result.stdout)
    assert len(sets) >= 2 and {"peel-2018", "paf-2023"} <= {s["id"] for s in sets}


def test_sets_show_json_has_the_design_shape(qam):
    document = json.loads(qam("sets", "show", "paf-2023", "--json").stdout)
    assert document["id"] == "paf-2023" and document["title"]
    assert all({"id", "text"} <= set(q) for q in document["questions"])


def test_sets_validate_reports_errors_on_one_line(qam, tmp_path):
    bad = tmp_path / "bad-set.yaml"
    bad.write_text(
        "id: bad-set\nversion: 1\ntitle: x\nframework: paf\nscale: ten_tier\nquestions: []\n"
    )
    result = qam("sets", "validate", str(bad))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "line 5" in lines[0]


def test_sets_validate_accepts_a_shipped_file(qam):
    from qam.question_sets import shipped_paths

    result = qam("sets", "validate", str(shipped_paths()[0]), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["valid"] is True


def test_a_store_error_is_one_line_and_writes_nothing(qam, tmp_path):
    foreign = tmp_path / "foreign.db"
    foreign.write_bytes(b"not sqlite" * 20)
    result = qam("--db", str(foreign), "init")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert foreign.read_bytes() == b"not sqlite" * 20


def test_db_path_follows_flag_then_env(qam, tmp_path, db_path):
    assert qam("db", "path").stdout.strip() == str(db_path)
    assert qam("--db", str(tmp_path / "x.db"), "db", "path").stdout.strip() == str(
        tmp_path / "x.db"
    )


def test_init_records_force_name_in_the_trail(qam):
    result = qam("init", "--force-name", "Westshire Police")
    assert result.exit_code == 0 and "Westshire Police" in result.stdout
    events = json.loads(qam("audit", "log", "--json").stdout)
    assert any(
        e["entity"] == "setting" and json.loads(e["new"]) == "Westshire Police" for e in events
    )
    again = qam("init")
    assert again.exit_code == 0 and "Question sets loaded" not in again.stdout


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from qam.cli import app\n"
        "CliRunner().invoke(app, ['--help'])\n"
        "heavy = [m for m in ('pandas', 'jinja2', 'ortools', 'openpyxl', 'matplotlib', 'questionary', 'sqlite_utils', 'yaml') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_root_help_summaries_match_each_groups_own_help():
    """`qam --help` lists the groups without importing them; the summaries must not drift."""
    import importlib

    from qam.cli import GROUPS

    for name, (module_name, summary) in GROUPS.items():
        module = importlib.import_module(module_name)
        assert module.app.info.help.split("\n\n")[0] == summary, name


def test_help_loads_no_command_group():
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom qam.cli import app\n"
        "CliRunner().invoke(app, ['--help'])\n"
        "print(','.join(m for m in sys.modules if m.startswith('qam.cli.') and m not in "
        "('qam.cli._common', 'qam.cli.capture', 'qam.cli.demo', 'qam.cli.retention', "
        "'qam.cli.serve')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


READ_ONLY = [
    ("recs", "list"),
    ("recs", "list", "--json"),
    ("recs", "summary"),
    ("recs", "summary", "--json"),
    ("recs", "show", "REC-1"),
    ("recs", "history", "REC-1"),
    ("outcomes", "list"),
    ("outcomes", "summary", "--json"),
    ("sme", "list"),
    ("plan", "show"),
    ("reviews", "list", "--json"),
    ("findings", "list"),
    ("findings", "list", "--json"),
    ("sync", "conflicts"),
    ("audit", "log"),
    ("audit", "verify"),
    ("report", "register"),
    ("report", "programme"),
]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_a_command_that_only_reads_never_creates_a_store(qam, db_path, tmp_path, args):
    """Where there is no store, a reading command says how to make one and writes nothing."""
    out = tmp_path / "reports"
    extra = ("--out", str(out)) if args[0] == "report" else ()
    result = qam(*args, *extra)
    assert result.exit_code == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: No QAM store at {db_path}")
    assert "qam init" in lines[0] and "qam demo" in lines[0]
    assert result.stdout == ""
    assert not db_path.exists() and not db_path.parent.exists()
    assert not out.exists()
