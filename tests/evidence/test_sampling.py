"""Drawing a record audit's sample: reproducible, seed-dependent, quotas met, short strata whole."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qam.errors import RefusedError
from qam.fieldwork.sampling import Frame, draw, draw_sample
from tests.evidence.helpers import review, set_up

SUITES = {"Northgate": 45, "Eastgate": 38, "Westfield": 12}


def frame_records() -> list[tuple[str, str]]:
    return [
        (f"{suite[:2].upper()}-{n:04d}", suite)
        for suite, count in SUITES.items()
        for n in range(count)
    ]


def test_same_frame_options_and_seed_give_the_same_records_in_the_same_order():
    records = frame_records()
    first = draw(records, seed=2027, per_stratum=20)
    shuffled = records[:]
    random.Random(5).shuffle(shuffled)  # the file's row order does not matter
    again = draw(shuffled, seed=2027, per_stratum=20)
    assert first.records == again.records


def test_another_seed_gives_another_sample():
    records = frame_records()
    a = {r["id"] for r in draw(records, seed=1, size=30).records}
    b = {r["id"] for r in draw(records, seed=2, size=30).records}
    assert a != b


def test_stratified_quotas_are_met_exactly_and_a_short_stratum_is_taken_whole():
    drawn = draw(frame_records(), seed=2027, per_stratum=20)
    by = {s["stratum"]: s for s in drawn.strata}
    assert [s["stratum"] for s in drawn.strata] == ["Eastgate", "Northgate", "Westfield"]
    assert (by["Northgate"]["taken"], by["Eastgate"]["taken"]) == (20, 20)
    assert by["Westfield"] == {
        "stratum": "Westfield",
        "frame": 12,
        "quota": 20,
        "taken": 12,
        "whole": True,
    }
    taken = [r for r in drawn.records if r["stratum"] == "Westfield"]
    assert len(taken) == 12 and len({r["id"] for r in drawn.records}) == 52


def test_a_simple_sample_larger_than_the_frame_takes_it_whole():
    drawn = draw(frame_records()[:10], seed=3, size=25)
    assert len(drawn.records) == 10 and all(s["whole"] for s in drawn.strata)


@settings(max_examples=40, deadline=None)
@given(
    ids=st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=60, unique=True),
    seed=st.integers(min_value=0, max_value=2**40),
    size=st.integers(min_value=1, max_value=70),
)
def test_a_simple_sample_is_the_size_asked_without_repeats(ids, seed, size):
    drawn = draw([(i, None) for i in ids], seed=seed, size=size)
    taken = [r["id"] for r in drawn.records]
    assert len(taken) == min(size, len(ids)) and len(set(taken)) == len(taken)
    assert taken == [
        r["id"] for r in draw([(i, None) for i in reversed(ids)], seed=seed, size=size).records
    ]


def test_every_record_is_about_as_likely_to_be_drawn():
    # 2,000 seeds, 10 of 50 records each time: each record should be drawn about 400 times.
    records = [(f"R{n}", None) for n in range(50)]
    counts = dict.fromkeys((r for r, _ in records), 0)
    for seed in range(2000):
        for r in draw(records, seed=seed, size=10).records:
            counts[r["id"]] += 1
    assert min(counts.values()) > 330 and max(counts.values()) < 470


def test_the_draw_is_kept_with_the_review_and_its_fingerprint_in_the_trail(store):
    set_up(store)
    review(store, "R03")
    frame = Frame("custody.csv", "ab" * 32, frame_records(), "Record", "Suite")
    sample = draw_sample(store, "R03", frame, seed=2027, actor="sgt.eastern", per_stratum=20)
    assert len(sample["records"]) == 52 and not sample["unchanged"]
    assert sample["items"][0]["question"] == "vul-1"  # the first graded custody question
    events = store.rows("SELECT new FROM audit_log WHERE entity = 'record_sample'")
    trail = events[0]["new"]
    assert json.loads(trail)["frame_sha256"] == "ab" * 32
    assert json.loads(trail)["strata"] == {"Eastgate": 20, "Northgate": 20, "Westfield": 12}
    assert not any(r["id"] in trail for r in sample["records"])  # record ids stay out
    again = draw_sample(store, "R03", frame, seed=2027, actor="sgt.eastern", per_stratum=20)
    assert again["unchanged"] and again["id"] == sample["id"]
    with pytest.raises(RefusedError, match="add --replace"):
        draw_sample(store, "R03", frame, seed=9, actor="sgt.eastern", per_stratum=20)
    other = draw_sample(
        store, "R03", frame, seed=9, actor="sgt.eastern", per_stratum=20, replace=True
    )
    assert other["replaces"] == sample["id"]


def test_items_can_be_given_and_must_be_distinct(store):
    set_up(store)
    review(store, "R03")
    frame = Frame("custody.csv", "cd" * 32, frame_records(), "Record", "Suite")
    sample = draw_sample(
        store,
        "R03",
        frame,
        seed=1,
        actor="x",
        size=10,
        items=["Joint handover recorded", "  Risk   assessment reviewed "],
    )
    assert [i["item"] for i in sample["items"]] == [
        "Joint handover recorded",
        "Risk assessment reviewed",
    ]
    with pytest.raises(RefusedError, match="given twice"):
        draw_sample(
            store, "R03", frame, seed=2, actor="x", size=10, items=["A", "a ", "A"], replace=True
        )
