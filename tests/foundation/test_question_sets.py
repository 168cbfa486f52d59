"""Question sets: every shipped set loads, and every broken one is named precisely."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qam import question_sets
from qam.errors import QuestionSetError

VALID = """\
id: demo-set
version: 2
title: A small set
framework: paf
scale: five_tier
questions:
  - id: vul-1
    area: Protecting vulnerable people
    text: How good is the force at protecting vulnerable people?
    probes: ["What happens at handover?"]
    methods: [interview, direct_observation]
    enablers: [leadership, culture]
    themes: [custody, vulnerability]
  - id: inv-1
    area: Investigating crime
    text: How good is the force at investigating crime?
    graded: false
"""


@pytest.mark.parametrize("path", question_sets.shipped_paths(), ids=lambda p: p.name)
def test_every_shipped_set_loads(path):
    qs = question_sets.load_file(path)
    assert qs.questions and qs.digest
    for q in qs.questions:
        assert q.text and q.area and q.enablers and q.themes


def test_shipped_sets_cover_both_eras():
    sets = {qs.id: qs for qs in question_sets.shipped()}
    assert sets["peel-2018"].scale == "four_tier" and sets["peel-2018"].framework == "pillar"
    assert {q.pillar for q in sets["peel-2018"].questions} == {
        "Effectiveness",
        "Efficiency",
        "Legitimacy",
    }
    assert sets["paf-2023"].scale == "five_tier" and "adequate" in sets["paf-2023"].grades
    assert any(q.characteristics for q in sets["paf-2023"].questions)


def test_a_valid_set_parses():
    qs = question_sets.parse(VALID.encode(), "demo-set.yaml")
    assert [q.id for q in qs.questions] == ["vul-1", "inv-1"]
    assert qs.questions[1].graded is False


def _error(text: str) -> str:
    with pytest.raises(QuestionSetError) as info:
        question_sets.parse(text.encode(), "s.yaml")
    return str(info.value)


def test_duplicate_ids_name_the_question_and_line():
    message = _error(VALID.replace("id: inv-1", "id: vul-1"))
    assert message.startswith("s.yaml, question vul-1, line 14")
    assert "used twice" in message


def test_ids_differing_only_in_case_cannot_coexist():
    assert "lowercase" in _error(VALID.replace("id: inv-1", "id: Vul-1"))


def test_unknown_scale_is_refused_with_suggestion():
    message = _error(VALID.replace("five_tier", "five_tierr"))
    assert "line 5" in message and "did you mean 'five_tier'" in message


def test_unknown_method_names_question_and_line():
    message = _error(VALID.replace("direct_observation", "observation"))
    assert "question vul-1" in message and "line 11" in message and "observation" in message


def test_misspelt_key_is_an_error_not_ignored():
    message = _error(VALID.replace("probes:", "probs:"))
    assert (
        "unknown key 'probs'" in message
        and "did you mean 'probes'" in message
        and "line 10" in message
    )


def test_missing_text_is_named():
    message = _error(VALID.replace("    text: How good is the force at investigating crime?\n", ""))
    assert "question inv-1" in message and "no 'text'" in message


def test_reserved_and_invalid_ids():
    assert "reserved" in _error(VALID.replace("id: inv-1", "id: meta"))
    assert "must start with a letter" in _error(VALID.replace("id: inv-1", "id: 1 bad"))


def test_python_object_tags_are_rejected():
    assert "not valid YAML" in _error("!!python/object/apply:os.system ['echo hi']\n")


def test_empty_binary_and_utf16_files(tmp_path):
    with pytest.raises(QuestionSetError, match="empty"):
        question_sets.parse(b"", "e.yaml")
    with pytest.raises(QuestionSetError, match="zip or Excel"):
        question_sets.parse(b"PK\x03\x04rest", "x.yaml")
    assert question_sets.parse(VALID.encode("utf-16"), "u.yaml").id == "demo-set"
    assert question_sets.parse(b"\xef\xbb\xbf" + VALID.encode(), "bom.yaml").id == "demo-set"


def test_wrong_extension_and_id_mismatch(tmp_path):
    wrong = tmp_path / "demo-set.xlsm"
    wrong.write_text(VALID)
    with pytest.raises(QuestionSetError, match="YAML files"):
        question_sets.load_file(wrong)
    other = tmp_path / "other.yaml"
    other.write_text(VALID)
    with pytest.raises(QuestionSetError, match="must match its file name"):
        question_sets.load_file(other)


def test_oversized_file_is_refused():
    with pytest.raises(QuestionSetError, match="limit"):
        question_sets.parse(b"# " + b"x" * (question_sets.MAX_BYTES + 1), "big.yaml")


def test_dump_round_trips_every_shipped_set():
    for qs in question_sets.shipped():
        assert question_sets.parse(question_sets.dump(qs).encode(), "rt.yaml") == qs


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_question_set_errors(raw):
    try:
        question_sets.parse(raw, "fuzz.yaml")
    except QuestionSetError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=1500))
def test_arbitrary_text_raises_only_question_set_errors(text):
    try:
        question_sets.parse(text.encode("utf-8"), "fuzz.yaml")
    except QuestionSetError:
        pass


@settings(max_examples=150, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=30,
    )
)
def test_arbitrary_yaml_structures_raise_only_question_set_errors(data):
    import yaml

    try:
        question_sets.parse(yaml.safe_dump(data).encode(), "fuzz.yaml")
    except QuestionSetError:
        pass


def test_record_keeps_exact_versions_and_refuses_silent_edits(store):
    from qam.errors import RefusedError

    qs = question_sets.parse(VALID.encode(), "demo-set.yaml")
    assert question_sets.record(store, qs, "tester") is True
    assert question_sets.record(store, qs, "tester") is False
    edited = question_sets.parse(
        VALID.replace("investigating crime?", "investigating crime well?").encode(), "x"
    )
    with pytest.raises(RefusedError, match="raise its 'version' to 3"):
        question_sets.record(store, edited, "tester")
    bumped = question_sets.parse(
        VALID.replace("version: 2", "version: 3")
        .replace("investigating crime?", "investigating crime well?")
        .encode(),
        "x",
    )
    assert question_sets.record(store, bumped, "tester") is True
    from qam.store.question_sets import stored_sets

    rows = stored_sets(store)
    assert [(r["id"], r["version"]) for r in rows] == [("demo-set", 2), ("demo-set", 3)]
    assert question_sets.from_stored(rows[0]["body"]) == qs
