"""Inputs that cannot exhaust the machine, beyond the importers (`tests/imports` covers those):
a bundle, a key file and a document given as a device, a pipe or a folder are refused in one
line before a byte is read. Each runs in a process of its own, as a user would run it: a read
of /dev/zero or an open of a pipe with no writer would never end, and the timeout turns that
into a failure."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from qam.errors import ImportFileError
from qam.fieldwork.sessions import document_fingerprint


@pytest.fixture
def env(tmp_path) -> dict:
    env = {**os.environ, "QAM_DB": str(tmp_path / "qam.db"), "QAM_USER": "tester"}
    subprocess.run([sys.executable, "-m", "qam", "init"], env=env, check=True, capture_output=True)
    return env


def _refused(env, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "qam", *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert "unexpected" not in lines[0]
    return lines[0]


@pytest.mark.parametrize("command", [("sync", "import"), ("sync", "trust", "--yes")])
def test_a_device_a_pipe_and_a_folder_are_not_bundles(command, env, tmp_path):
    fifo = tmp_path / "pipe.qam-bundle"
    os.mkfifo(fifo)
    for target in ("/dev/zero", str(fifo), str(tmp_path)):
        line = _refused(env, *command, target)
        assert target in line


def test_a_document_must_be_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    for target, kind in (("/dev/zero", "a device"), (fifo, "a pipe"), (tmp_path, "a folder")):
        with pytest.raises(ImportFileError, match=kind):
            document_fingerprint(target)
    real = tmp_path / "policy.pdf"
    real.write_bytes(b"%PDF-1.4 custody policy")
    title, digest = document_fingerprint(real)
    assert title == "policy.pdf" and len(digest) == 64
