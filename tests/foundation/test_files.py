"""Files for people: atomic writes and spreadsheet-safe cells."""

from __future__ import annotations

import pytest

from qam.errors import QamError
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
    write_atomic(target, b"new bytes", overwrite=True)
    assert target.read_bytes() == b"new bytes"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    write_atomic(target, "old")

    def broken(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("qam.files.os.fsync", broken)
    with pytest.raises(QamError, match="No space left"):
        write_atomic(target, "new", overwrite=True)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_files_take_the_mode_they_are_given_even_when_replacing_one(tmp_path):
    import os
    import stat

    from qam.files import output_mode

    store = tmp_path / "qam.db"
    store.write_bytes(b"")
    target = tmp_path / "report.html"
    write_atomic(target, "wide", mode=0o644)
    os.chmod(store, 0o600)
    write_atomic(target, "narrow", mode=output_mode(store), overwrite=True)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert output_mode(store, public=True) == 0o644
    os.chmod(store, 0o660)
    assert output_mode(store) == 0o660
    assert output_mode(tmp_path / "missing.db") == 0o600  # nothing to copy: owner only
    write_atomic(target, "default", overwrite=True)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
