"""Every importer refuses, in one line and before reading it, what could exhaust the machine:
a device, a pipe, a workbook that would expand too far, and two columns with one header."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

IMPORTERS = [
    ("recs", "import"),
    ("outcomes", "import"),
    ("sme", "import"),
    ("plan", "import"),
    ("plan", "import-inspections"),
    ("plan", "import-aois"),
    ("findings", "import-survey", "R1"),
]
IDS = ["-".join(cmd) for cmd in IMPORTERS]


def _one_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    return lines[0]


@pytest.mark.parametrize("command", IMPORTERS, ids=IDS)
def test_a_device_and_a_pipe_are_refused_without_being_read(command, qam, tmp_path):
    """Run as a user would, in a process of its own: a read of /dev/zero or an open of a pipe
    with no writer would never end, so the timeout turns that into a failure."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    env = {**os.environ, "QAM_DB": str(tmp_path / "qam.db"), "QAM_USER": "tester"}
    assert qam("--db", env["QAM_DB"], "init").exit_code == 0  # the store: made in-process
    for target, kind in (("/dev/zero", "is a device"), (str(fifo), "is a pipe")):
        done = subprocess.run(
            [sys.executable, "-m", "qam", *command, target],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1
        assert kind in _one_error(done.stderr)


def _bomb(path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id", "name"])
    book.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 50_000_000)
    return path


@pytest.mark.parametrize("command", IMPORTERS, ids=IDS)
def test_a_zip_bomb_and_a_repeated_header_are_refused_in_one_line(
    command, qam, tmp_path, review_r1
):
    assert qam("init").exit_code == 0
    bomb = _bomb(tmp_path / "bomb.xlsx")
    result = qam(*command, str(bomb))
    assert result.exit_code == 1 and "it was not opened" in _one_error(result.stderr)
    twice = tmp_path / "twice.csv"
    twice.write_text("id,id,name\n1,2,Jo\n", encoding="utf-8")
    if command[0] == "findings":
        from qam.store import Store

        with Store.open(os.environ["QAM_DB"]) as store:
            review_r1(store)
    result = qam(*command, str(twice))
    assert result.exit_code == 1 and "duplicate header: 'id'" in _one_error(result.stderr)


def test_answers_and_question_set_files_must_be_regular_files(qam, tmp_path):
    assert qam("init").exit_code == 0
    fifo = tmp_path / "answers.jsonl"
    os.mkfifo(fifo)
    for target in ("/dev/zero", str(fifo)):
        result = qam("capture", "--answers", target)
        assert result.exit_code == 1 and "not a JSON-lines answers file" in _one_error(
            result.stderr
        )
    result = qam("sets", "validate", "/dev/zero")
    assert result.exit_code == 1
    line = _one_error(result.stderr)
    assert "question sets are YAML files" in line or "is a device" in line
    dev = tmp_path / "zero.yaml"
    dev.symlink_to("/dev/zero")
    result = qam("sets", "validate", str(dev))
    assert result.exit_code == 1 and "is a device, not a question set file" in _one_error(
        result.stderr
    )


def test_a_register_with_only_its_text_column_names_what_is_missing(qam, tmp_path):
    """A blank first line, then a lone header QAM reads as the text: found by the property
    test (a KeyError on the missing status); now every missing column is named at once."""
    assert qam("init", "--force-name", "Westshire Police").exit_code == 0
    sheet = tmp_path / "register.csv"
    sheet.write_bytes(b"\r\nAFI\r\nComplete\r\n")
    result = qam("recs", "import", str(sheet))
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert "missing column: 'status'" in line and "unexpected" not in line
