"""Files for people: atomic writes and spreadsheet-safe cells."""

from __future__ import annotations

import pytest

from qam.files import RISKY_FIRST, spreadsheet_safe, write_atomic


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x")',
        "+cmd|'/C calc'!A0",
        "-2+3",
        "@SUM(1)",
        "\t=1",
        "\r=1",
        "|pipe",
        "%0A",
        "{=1+1}",
    ],
)
def test_risky_cells_are_prefixed(text):
    assert spreadsheet_safe(text) == "'" + text
    assert text[0] in RISKY_FIRST


def test_ordinary_cells_are_left_alone():
    assert spreadsheet_safe("Forces should act") == "Forces should act"
    assert spreadsheet_safe(None) == ""
    assert spreadsheet_safe(12) == "12"


def test_write_atomic_replaces_whole_file(tmp_path):
    target = tmp_path / "out" / "report.html"
    write_atomic(target, "old")
    write_atomic(target, b"new bytes")
    assert target.read_bytes() == b"new bytes"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    write_atomic(target, "old")

    def broken(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("qam.files.os.fsync", broken)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
