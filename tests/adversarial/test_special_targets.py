"""Outputs never replace what they should not (RELIABILITY 23): a FIFO, a device, a folder or
a symbolic link to one is refused with one line; an existing file that is not QAM's own
output of the same kind is refused unless --overwrite is given; the targets are unchanged."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from qam.errors import RefusedError
from qam.files import check_target, write_atomic


@pytest.fixture
def demo_store(qam, tmp_path, monkeypatch):
    """A small store with a register and an accepted-looking programme to export."""
    monkeypatch.setenv("QAM_DB", str(tmp_path / "qam.db"))
    assert qam("init", "--force-name", "Westshire Police").exit_code == 0
    plans = Path(__file__).parents[2] / "plans"
    assert qam("recs", "import", str(plans / "register.csv")).exit_code == 0
    return tmp_path / "qam.db"


def _one_error_line(result) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and "unexpected" not in line and ".tmp" not in line
    return line


def test_export_onto_an_unrelated_file_is_refused_and_it_is_kept(qam, demo_store, tmp_path):
    target = tmp_path / "minutes.qam-bundle"
    target.write_text("Minutes of the board: not a bundle\n")
    line = _one_error_line(qam("sync", "export", str(target)))
    assert str(target) in line and "--overwrite" in line
    assert target.read_text() == "Minutes of the board: not a bundle\n"
    assert qam("sync", "export", str(target), "--overwrite").exit_code == 0
    assert target.read_bytes().startswith(b'{"format":"qam-sync-bundle"')
    assert qam("sync", "export", str(target)).exit_code == 0  # QAM's own bundle: replaced


def test_export_onto_a_fifo_is_refused_without_blocking(qam, demo_store, tmp_path):
    fifo = tmp_path / "pipe.qam-bundle"
    os.mkfifo(fifo)
    line = _one_error_line(qam("sync", "export", str(fifo), "--overwrite"))
    assert "FIFO" in line and str(fifo) in line
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_export_onto_a_device_is_refused_and_it_stays_a_device(qam, demo_store, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    line = _one_error_line(qam("sync", "export", device, "--overwrite"))
    assert "device" in line and device in line
    assert stat.S_ISCHR(os.stat(device).st_mode)  # as root too: never a regular file


def test_a_symlink_to_a_folder_or_a_fifo_is_refused(qam, demo_store, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    link = tmp_path / "link.qam-bundle"
    link.symlink_to(folder)
    line = _one_error_line(qam("sync", "export", str(link), "--overwrite"))
    assert "symbolic link" in line
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    to_fifo = tmp_path / "to-fifo.csv"
    to_fifo.symlink_to(fifo)
    _one_error_line(qam("recs", "export", str(to_fifo)))
    dangling = tmp_path / "dangling.xlsx"
    dangling.symlink_to(tmp_path / "nowhere")
    _one_error_line(qam("recs", "export", str(dangling)))
    assert list(folder.iterdir()) == []


def test_every_writing_command_refuses_an_unrelated_file(qam, demo_store, tmp_path):
    for name in ("register.csv", "register.xlsx"):
        target = tmp_path / name
        target.write_bytes(b"someone's own spreadsheet")
        _one_error_line(qam("recs", "export", str(target)))
        assert target.read_bytes() == b"someone's own spreadsheet"
        assert qam("recs", "export", str(target), "--overwrite").exit_code == 0
        assert qam("recs", "export", str(target)).exit_code == 0  # now QAM's own: replaced
    out = tmp_path / "reports"
    out.mkdir()
    page = out / "register-stakeholder-OFFICIAL-SENSITIVE.html"
    page.write_text("<html>my notes</html>")
    _one_error_line(qam("report", "register", "--out", str(out)))
    assert page.read_text() == "<html>my notes</html>"
    assert qam("report", "register", "--out", str(out), "--overwrite").exit_code == 0
    assert qam("report", "register", "--out", str(out)).exit_code == 0
    key = tmp_path / "mine.qam-key"
    key.write_text("not a key")
    _one_error_line(qam("sync", "key", "--out", str(key)))


def test_an_empty_file_may_be_replaced(tmp_path):
    target = tmp_path / "made-by-mktemp.csv"
    target.touch()
    write_atomic(target, "x,Protective marking\n")
    assert target.read_text().startswith("x,")


def test_a_write_error_names_the_path_given_never_the_temporary_file(tmp_path, monkeypatch):
    from qam.errors import QamError

    target = tmp_path / "report.html"

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("qam.files.os.fsync", full)
    with pytest.raises(QamError) as err:
        write_atomic(target, "x")
    assert str(target) in str(err.value) and ".tmp" not in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_check_target_follows_a_link_to_a_regular_file(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("a,Protective marking\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert check_target(link) == real.resolve()
    with pytest.raises(RefusedError):
        check_target(tmp_path)
