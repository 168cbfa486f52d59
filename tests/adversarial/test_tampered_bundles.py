"""Tampered bundles, every hash recomputed: each refused whole, the programme store unchanged.

Two adversaries. One edits the file and recomputes every hash by hand but has no key the
programme store trusts: the signature stops them (RELIABILITY 21). The other has the
laptop's own key (a stolen laptop, or a laptop whose store was edited in a DB browser) and
signs what they made: every rule the commands apply stops them (RELIABILITY 22).
"""

from __future__ import annotations

import json
import uuid

import pytest
from bundle_tools import (
    add_row,
    bundle_parts,
    canonical,
    columns,
    rows,
    set_value,
    sign_as,
    store_key,
    write_bundle,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qam.errors import ImportFileError, RefusedError
from qam.store import Store
from qam.sync.merge import import_bundle
from qam.trail import text_fingerprint


def _import(world, path) -> dict:
    with Store.open(world.programme) as store:
        return import_bundle(store, path, actor="liaison.lead")


def _refused(world, path, *expected: str) -> str:
    """Import `path`: refused whole, naming what `expected` says, the store unchanged."""
    before = canonical(world.programme)
    with pytest.raises(ImportFileError) as err:
        _import(world, path)
    message = str(err.value)
    assert "refused whole, nothing imported" in message
    for part in expected:
        assert part in message, message
    assert "\n" not in message and "IntegrityError" not in message
    assert canonical(world.programme) == before
    return message


def _event(manifest, parts, **values) -> dict:
    """A trail event made to look like QAM's (hashes fixed later by write_bundle(chain=True))."""
    event = {c: None for c in columns(manifest, "audit_log")}
    event.update(event_id=str(uuid.uuid4()), at="2025-06-05T10:00:00+00:00", prev_hash="", hash="")
    event.update(values)
    return event


def _finding_index(manifest, parts, notes_start: str) -> int:
    found = rows(manifest, parts, "finding")
    return next(i for i, f in enumerate(found) if (f["notes"] or "").startswith(notes_start))


def test_the_untouched_bundle_merges(world):
    receipt = _import(world, world.bundle)
    assert receipt["added"]["finding"] == 4 and receipt["added"]["status_decision"] == 1


# ----------------------------------------------------------------------------- no trusted key


def _as_stranger(world, tmp_path, edit, name, chain=False):
    manifest, parts = bundle_parts(world.bundle)
    edit(manifest, parts)
    path = tmp_path / f"{name}.qam-bundle"
    write_bundle(path, manifest, parts, chain=chain)  # hashes right, signed by nobody trusted
    return path


def _add_closing_decision(manifest, parts, approver=None):
    decision_id = str(uuid.uuid4())
    event = _event(
        manifest,
        parts,
        actor="sgt.a",
        entity="register_item",
        entity_id="REC-HANDOVER",
        action="status",
        old=json.dumps("awaiting_review"),
        new=json.dumps(
            {
                "status": "no_further_action",
                "evidence": None,
                "approver": approver,
                "source": "cli",
                "decision_id": decision_id,
            },
            sort_keys=True,
        ),
        reason="closing it",
    )
    add_row(manifest, parts, "audit_log", event)
    add_row(
        manifest,
        parts,
        "status_decision",
        {
            "id": decision_id,
            "item_ref": "REC-HANDOVER",
            "old_status": "awaiting_review",
            "new_status": "no_further_action",
            "reason": "closing it",
            "approver": approver,
            "actor": "sgt.a",
            "decided_at": event["at"],
            "source": "cli",
            "event_id": event["event_id"],
        },
    )


def _rewrite_note(manifest, parts):
    set_value(manifest, parts, "finding", 0, "notes", "Handover briefing never happened")


def _rename_actor(manifest, parts):
    names = columns(manifest, "audit_log")
    for row in parts["audit_log"]:
        if row[names.index("actor")] == "sgt.a":
            row[names.index("actor")] = "pc.scapegoat"
    for row in parts["finding"]:
        row[columns(manifest, "finding").index("reviewer")] = "pc.scapegoat"


@pytest.mark.parametrize(
    "edit, chain",
    [(_add_closing_decision, True), (_rewrite_note, False), (_rename_actor, True)],
    ids=["add a decision", "rewrite a note", "rename an actor"],
)
def test_an_edit_with_every_hash_recomputed_fails_the_signature(world, tmp_path, edit, chain):
    path = _as_stranger(world, tmp_path, edit, edit.__name__, chain)
    _refused(world, path, "signature does not verify")
    assert _import(world, world.bundle)["added"]["finding"] == 4  # the real one still merges


def test_a_bundle_signed_by_an_unenrolled_key_is_refused_naming_its_fingerprint(world, tmp_path):
    from qam.sync.signing import fingerprint, public_text, shown

    stranger = Ed25519PrivateKey.generate()
    manifest, parts = bundle_parts(world.bundle)
    sign_as(manifest, stranger)
    manifest["store_id"] = "5a1e5a1e-0000-4000-8000-000000000000"  # a store never seen here
    path = tmp_path / "stranger.qam-bundle"
    write_bundle(path, manifest, parts, stranger)
    fp = shown(fingerprint(public_text(stranger)))
    _refused(world, path, "does not trust", fp, "qam sync trust stranger.qam-bundle")


def test_a_trusted_store_s_bundle_signed_by_another_key_is_called_forged(world, tmp_path):
    from qam.sync.signing import fingerprint, public_text, shown
    from qam.sync.trust import read_candidate, trust

    stranger = Ed25519PrivateKey.generate()
    manifest, parts = bundle_parts(world.bundle)
    sign_as(manifest, stranger)
    path = tmp_path / "forged.qam-bundle"
    write_bundle(path, manifest, parts, stranger)
    fp = shown(fingerprint(public_text(stranger)))
    _refused(world, path, "signed by another key", fp, "forged")
    # Nor can a person enrol the forged key beside the laptop's real one by mistake.
    with Store.open(world.programme) as store, pytest.raises(RefusedError, match="revoke"):
        trust(store, read_candidate(path), actor="liaison.lead")
    # Nor can a bundle claim to come from the programme store itself.
    with Store.open(world.programme) as store:
        from qam.store import settings

        manifest["store_id"] = settings.store_id(store)
    write_bundle(path, manifest, parts, stranger)
    _refused(world, path, "this very store", fp)


def test_a_damaged_signature_is_refused(world, tmp_path):
    lines = world.bundle.read_bytes().splitlines(keepends=True)
    doc = json.loads(lines[-1])
    sig = doc["signature"]["ed25519"]
    doc["signature"]["ed25519"] = ("B" if sig[0] != "B" else "C") + sig[1:]
    path = tmp_path / "damaged.qam-bundle"
    path.write_bytes(b"".join(lines[:-1]) + json.dumps(doc).encode() + b"\n")
    _refused(world, path, "signature does not verify")
    path.write_bytes(b"".join(lines[:-1]))  # no signature at all
    _refused(world, path, "signature")


def test_a_revoked_key_is_refused_and_the_revocation_is_in_the_trail(world):
    from qam.store import audit
    from qam.sync import trust

    with Store.open(world.programme) as store:
        [row] = trust.listing(store)
        trust.revoke(store, row["fingerprint"][:8], actor="liaison.lead", reason="laptop lost")
        assert audit.events(store, entity="signer")[-1]["action"] == "revoke"
    _refused(world, world.bundle, "revoked", "laptop lost")


# ----------------------------------------------------------------------------- the laptop's key


def _signed_by_laptop(world, tmp_path, edit, name, chain=False):
    manifest, parts = bundle_parts(world.bundle)
    edit(manifest, parts)
    path = tmp_path / f"{name}.qam-bundle"
    write_bundle(path, manifest, parts, store_key(world.laptop), chain=chain)
    return path


def _drop_finding(manifest, parts):
    i = _finding_index(manifest, parts, "Victim contact")
    fid = parts["finding"][i][0]
    del parts["finding"][i]
    parts["finding_link"] = [r for r in parts["finding_link"] if r[0] != fid]


def _cut_trail(manifest, parts):
    parts["audit_log"] = parts["audit_log"][:-5]  # from the last answer on


def _empty_trail(manifest, parts):
    parts["audit_log"], parts["synced_event"] = [], []


def _supersede_silently(manifest, parts):
    """A new finding replacing a finalised one, recorded as a plain answer with no reason."""
    names = columns(manifest, "finding")
    old = dict(zip(names, parts["finding"][0], strict=True))
    new = {**old, "id": str(uuid.uuid4()), "notes": "nothing seen", "supersedes": old["id"]}
    add_row(manifest, parts, "finding", new)
    add_row(
        manifest,
        parts,
        "audit_log",
        _event(
            manifest,
            parts,
            actor=old["reviewer"],
            entity="finding",
            entity_id=new["id"],
            action="record",
            new=json.dumps(
                {
                    "question": old["question_id"],
                    "grade": old["grade"],
                    "good_practice": False,
                    "sources": old["sources"],
                    "links": [],
                    "notes_sha256": text_fingerprint("nothing seen"),
                },
                sort_keys=True,
            ),
            reason="answer captured",
        ),
    )


def _value(table, column, value, row=0):
    def edit(manifest, parts):
        set_value(manifest, parts, table, row, column, value)

    edit.__name__ = f"{table}_{column}"
    return edit


def _forge_question_set(manifest, parts):
    """A new version of a question set with a question made up, its digest left as it was."""
    names = columns(manifest, "question_set")
    qs = dict(zip(names, parts["question_set"][0], strict=True))
    body = json.loads(qs["body"])
    body["version"] = 2
    body["questions"][0]["text"] = "Is everything outstanding? (answer yes)"
    add_row(
        manifest,
        parts,
        "question_set",
        {**qs, "version": 2, "body": json.dumps(body, sort_keys=True, ensure_ascii=False)},
    )


def _new_item_of_no_type(manifest, parts):
    item = rows(manifest, parts, "register_item")[0]
    add_row(
        manifest,
        parts,
        "register_item",
        {**item, "id": str(uuid.uuid4()), "ref": "REC-NEW", "type": "wish"},
    )


def _schema_999(manifest, parts):
    manifest["schema"] = 999
    manifest["qam"] = "9.9.0"


def _add_decision_without_event(manifest, parts):
    _add_closing_decision(manifest, parts, approver="Supt Smith")
    parts["audit_log"].pop()


def _add_decision_without_reason(manifest, parts):
    _add_closing_decision(manifest, parts, approver="Supt Smith")
    set_value(manifest, parts, "status_decision", -1, "reason", " ")


def _add_decision_to_unknown_item(manifest, parts):
    _add_closing_decision(manifest, parts, approver="Supt Smith")
    set_value(manifest, parts, "status_decision", -1, "item_ref", "REC-NOWHERE")


def _double_event(manifest, parts):
    parts["audit_log"].insert(14, list(parts["audit_log"][14]))


def _other_store(manifest, parts):
    manifest["store_id"] = "0ther000-0000-4000-8000-000000000000"


CASES = [
    (_other_store, False, "enrolled as store", "signs only its own bundles"),
    (_value("status_decision", "evidence", "audit seen"), False, "status_decision", "no event"),
    (_double_event, True, "audit_log", "same row twice"),
    (_add_decision_without_event, True, "status_decision", "no event for it"),
    (_add_closing_decision, True, "status_decision", "needs an approver"),
    (_add_decision_without_reason, True, "status_decision", "gives no reason"),
    (_add_decision_to_unknown_item, True, "status_decision", "REC-NOWHERE"),
    (_rewrite_note, False, "finding", "no event that made it"),
    (_rename_actor, True, "", "no event"),
    (_drop_finding, False, "'record' event for finding", "dropped"),
    (_cut_trail, True, "finding", "no event that made it"),
    (_empty_trail, True, "capture_session", "trail"),
    (_supersede_silently, True, "finding", "no event that made it"),
    (_forge_question_set, False, "question_set paf", "digest does not match"),
    (_value("finding", "grade", "superb-not-a-grade"), False, "finding", "not on its question set"),
    (_value("finding", "sources", -3), False, "finding", "cannot be negative"),
    (_value("finding", "notes", "nul\x00byte"), False, "finding", "NUL or control character"),
    # Every control character JSON escapes, and DEL (written as itself), in any text column.
    *(
        (_value("finding", "notes", f"a{chr(c)}b"), False, "finding", "control character")
        for c in (1, 8, 11, 12, 27, 31, 127)
    ),
    (_value("finding", "participant_role", "sgt\x1b[2J"), False, "participant role", "control"),
    (_value("finding", "reviewer", "sgt\x07"), False, "finding", "reviewer holds a NUL"),
    (_value("finding", "notes", "lone \ud800"), False, "table finding row 1", "not plain text"),
    (_value("finding", "review_id", "R-NOWHERE"), False, "finding", "R-NOWHERE"),
    (_value("finding", "question_id", "made-up-1"), False, "finding", "made-up-1"),
    (_value("finding_link", "item_ref", "REC-NOWHERE"), False, "finding_link", "REC-NOWHERE"),
    (_value("finding", "method", "hearsay"), False, "finding", "hearsay"),
    (
        _value("status_decision", "new_status", "sort_of_done"),
        False,
        "status_decision",
        "sort_of_done",
    ),
    (_value("status_decision", "source", "magic"), False, "status_decision", "magic"),
    (_value("capture_session", "head_count", -1), False, "capture_session", "negative"),
    (_new_item_of_no_type, False, "register_item REC-NEW", "wish"),
    (_value("finding", "sources", "many"), False, "finding", "whole number"),
    (_schema_999, False, "written by QAM 9.9.0", "upgrade QAM"),
]


@pytest.mark.parametrize(
    "edit, chain, record, rule", CASES, ids=[c[0].__name__ + f"-{i}" for i, c in enumerate(CASES)]
)
def test_a_rule_the_commands_keep_is_kept_by_the_merge(world, tmp_path, edit, chain, record, rule):
    path = _signed_by_laptop(world, tmp_path, edit, edit.__name__, chain)
    _refused(world, path, record, rule)


def test_the_cli_refuses_with_one_line_and_exit_1(world, tmp_path, qam, monkeypatch):
    monkeypatch.setenv("QAM_DB", str(world.programme))
    before = canonical(world.programme)
    for edit, chain in ((_add_decision_without_event, True), (_rewrite_note, False)):
        for path in (
            _signed_by_laptop(world, tmp_path, edit, f"{edit.__name__}-laptop", chain),
            _as_stranger(world, tmp_path, edit, f"{edit.__name__}-stranger", chain),
        ):
            result = qam("sync", "import", str(path))
            assert result.exit_code == 1, result.stdout
            [line] = result.stderr.strip().splitlines()
            assert line.startswith("Error: ") and "unexpected" not in line
    assert canonical(world.programme) == before
    assert qam("sync", "import", str(world.bundle)).exit_code == 0


def test_the_rules_shared_between_two_connections_name_the_first_breach(world, tmp_path):
    """The rows are checked half on each of two connections (every other row): a breach in
    either half is found, and of two, the one earlier in the bundle is the one named."""
    _, parts = bundle_parts(world.bundle)
    assert len(parts["finding"]) >= 2
    ids = [row[0] for row in parts["finding"][:2]]

    def bad_grade(row):
        return _value("finding", "grade", f"superb-{row}", row=row)

    for row in (0, 1):  # the first row is the checker's, the second this connection's
        path = _signed_by_laptop(world, tmp_path, bad_grade(row), f"grade-{row}")
        _refused(world, path, f"finding {ids[row]}", f"superb-{row}")

    def both(manifest, parts):
        bad_grade(1)(manifest, parts)
        _value("finding", "method", "hearsay", row=0)(manifest, parts)

    path = _signed_by_laptop(world, tmp_path, both, "both")
    message = _refused(world, path, f"finding {ids[0]}", "hearsay")
    assert "superb" not in message
