"""Project-wide checks that run with the suite: the README reference, Quick start, ruff."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_readme_command_reference_is_current():
    result = subprocess.run(
        [sys.executable, "-m", "qam.docs", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _quick_start() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.split(r"^#+ *quick ?start", text, flags=re.I | re.M)[1]
    block = section.split("```")[1]
    return [line for line in block.splitlines()[1:] if line.strip() and not line.startswith("#")]


def test_quick_start_holds_exactly_two_commands():
    commands = _quick_start()
    assert len(commands) == 2
    assert "qam demo" in commands[0] and "pytest" in commands[1]
    # PEP 668: the operating system's Python refuses `pip install`; the first command makes
    # its own virtual environment in the checkout, and the second runs the suite from it.
    assert commands[0].startswith("python3 -m venv .venv && ")
    assert "pip install" in commands[0] and commands[1].startswith(".venv/bin/")


def test_ci_runs_the_quick_start_set_up_and_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    first, second = _quick_start()
    assert second in ci
    assert "python3 -m venv .venv" in "\n".join(ci)


def _ruff(*args: str) -> subprocess.CompletedProcess:
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed (pip install '.[test]' installs it)")
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "qam", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_ruff_is_clean():
    """Lint, including the complexity rule (C901, at most 12 branches a function)."""
    result = _ruff("check")
    assert result.returncode == 0, result.stdout


def test_ruff_format_is_clean():
    result = _ruff("format", "--check")
    assert result.returncode == 0, result.stdout


def test_no_module_is_over_500_lines():
    """STYLE.md: no module past 500 lines. A module that grows past it is split by job (a
    table's owner becomes a package that is still its one owner), not let grow."""
    lines = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "qam").rglob("*.py")
    }
    assert len(lines) > 100
    assert {path: n for path, n in lines.items() if n > 500} == {}


def test_no_template_or_code_turns_autoescape_off_or_marks_user_data_safe():
    for path in list((ROOT / "qam").rglob("*.py")):
        assert "autoescape=False" not in path.read_text(encoding="utf-8"), path
    for path in (ROOT / "reports").rglob("*.html"):
        assert "|safe" not in path.read_text(encoding="utf-8").replace(" ", ""), path


def test_mypy_is_clean():
    """The store is typed everywhere it is passed, and the code type-checks (pyproject.toml)."""
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install '.[test]' installs it)")
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
