"""`qam sample draw` as a user runs it, on frames as a force's systems export them."""

from __future__ import annotations

import json
import random

import pytest

from tests.evidence.helpers import review, set_up

SUITES = {"Northgate": 45, "Eastgate": 38, "Westfield": 12}


def rows() -> list[list[str]]:
    return [
        [f"{s[:2].upper()}/{n:05d}/27", s, f"{(n % 28) + 1:02d}/03/2027"]
        for s, count in SUITES.items()
        for n in range(count)
    ]


def write_csv(path, data, *, bom=True, header=("Custody Record No.", "Suite", "Booked in")):
    text = ",".join(header) + "\r\n" + "".join(",".join(r) + "\r\n" for r in data)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.fixture
def r03(store):
    set_up(store)
    review(store, "R03")
    return store


def draw(qam, frame, *extra):
    result = qam(
        "sample", "draw", "R03", "--frame", str(frame), "--id-column", "Custody Record No.",
        "--stratum-column", "Suite", *extra, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_same_draw_twice_and_from_a_shuffled_file_gives_the_same_records(r03, qam, tmp_path):
    data = rows()
    first = draw(qam, write_csv(tmp_path / "frame.csv", data), "--per-stratum", "20", "--seed", "7")
    assert set(first) >= {"review", "seed", "records"} and first["review"] == "R03"
    assert first["records"][0].keys() == {"id", "stratum"}
    again = draw(qam, tmp_path / "frame.csv", "--per-stratum", "20", "--seed", "7")
    assert again["records"] == first["records"] and again["unchanged"]
    random.Random(1).shuffle(data)
    shuffled = write_csv(tmp_path / "shuffled.csv", data, bom=False)
    result = qam(
        "sample", "draw", "R03", "--frame", str(shuffled), "--id-column", "Custody Record No.",
        "--stratum-column", "Suite", "--per-stratum", "20", "--seed", "7", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr  # no --replace needed: the same draw
    redrawn = json.loads(result.stdout)
    assert redrawn["records"] == first["records"] and redrawn["unchanged"]


def test_quotas_are_met_and_a_short_stratum_is_taken_whole_and_said(r03, qam, tmp_path):
    frame = write_csv(tmp_path / "frame.csv", rows())
    result = qam(
        "sample", "draw", "R03", "--frame", str(frame), "--id-column", "Custody Record No.",
        "--stratum-column", "Suite", "--per-stratum", "20", "--seed", "7",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Stratum Westfield has 12 records, fewer than 20: all 12 taken." in result.stdout
    doc = json.loads(qam("sample", "results", "R03", "--json").stdout)
    assert {s["stratum"]: s["taken"] for s in doc["strata"]} == {
        "Eastgate": 20,
        "Northgate": 20,
        "Westfield": 12,
    }


def test_an_xlsx_frame_draws_like_its_csv(r03, qam, tmp_path):
    from openpyxl import Workbook

    data = rows()
    book = Workbook()
    sheet = book.active
    sheet.append(["Custody Record No.", "Suite", "Booked in"])
    for r in data:
        sheet.append(r)
    book.save(tmp_path / "frame.xlsx")
    from_xlsx = draw(qam, tmp_path / "frame.xlsx", "--size", "15", "--seed", "3")
    from_csv = draw(
        qam, write_csv(tmp_path / "f.csv", data), "--size", "15", "--seed", "3", "--replace"
    )
    assert from_xlsx["records"] == from_csv["records"] and len(from_csv["records"]) == 15


def test_a_different_seed_draws_another_sample(r03, qam, tmp_path):
    frame = write_csv(tmp_path / "frame.csv", rows())
    a = draw(qam, frame, "--size", "20", "--seed", "1")
    b = draw(qam, frame, "--size", "20", "--seed", "2", "--replace")
    assert {r["id"] for r in a["records"]} != {r["id"] for r in b["records"]}


def test_a_bad_frame_names_every_problem_and_keeps_nothing(r03, qam, tmp_path, store):
    data = rows()
    data.insert(5, list(data[2]))  # a record listed twice
    data[9][0] = ""  # a record without an id
    frame = write_csv(tmp_path / "frame.csv", data)
    result = qam(
        "sample", "draw", "R03", "--frame", str(frame), "--id-column", "Custody Record No.",
        "--stratum-column", "Suite", "--per-stratum", "5", "--seed", "1",
    )  # fmt: skip
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: frame.csv") and "listed twice" in line and "empty record" in line
    assert store.conn.execute("SELECT count(*) FROM record_sample").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seed", "1"], "exactly one of --per-stratum N and --size N"),
        (["--seed", "1", "--size", "3", "--per-stratum", "2"], "exactly one of"),
    ],
)
def test_usage_errors_exit_2(r03, qam, tmp_path, args, message):
    frame = write_csv(tmp_path / "frame.csv", rows())
    result = qam("sample", "draw", "R03", "--frame", str(frame), *args)
    assert result.exit_code == 2 and message in result.stderr


def test_a_stratified_draw_needs_the_stratum_column(r03, qam, tmp_path):
    frame = write_csv(tmp_path / "frame.csv", rows())
    result = qam(
        "sample", "draw", "R03", "--frame", str(frame), "--per-stratum", "5", "--seed", "1"
    )
    assert result.exit_code == 2 and "--stratum-column" in result.stderr
