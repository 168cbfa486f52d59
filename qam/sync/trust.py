"""Whose bundles this store accepts: enrolling a store's key, revoking it, listing them.

A store accepts a bundle only when it is signed by a key enrolled here (or by its own key).
A key is enrolled three ways, each recorded in the trail:

- importing a base bundle into a new, empty store (a laptop made from the programme's
  bundle) enrols the store that signed it: the laptop trusts the programme it came from;
- `qam sync trust BUNDLE-OR-KEY-FILE` enrols the signer of a bundle, or a public key file
  written by `qam sync key --out FILE`, after a person compared its fingerprint;
- enrolling a revoked key again (the same command) lifts the revocation.

`qam sync keys --revoke FINGERPRINT` revokes one: its bundles are refused from then on.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qam.errors import ImportFileError, NotFoundError, RefusedError
from qam.files import PUBLIC_KEY, is_folder, output_mode, write_atomic
from qam.store import audit, settings
from qam.store import carried as carried_db
from qam.store import keys as keys_db
from qam.sync import signing
from qam.sync.bundle import FORMAT, MAX_BYTES, Manifest, Refused, read_seal

if TYPE_CHECKING:
    from qam.store import Store

KEY_FORMAT = "qam-sync-key"
BASE_BUNDLE = "base bundle"
TRUSTED = "qam sync trust"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def trust_command(path: Path | str) -> str:
    return f"qam sync trust {Path(path).name}"


# ----------------------------------------------------------------------------- importing


def is_new_store(store: Store) -> bool:
    """A store nothing has been put into yet but its question sets (just made by `qam init`
    or by the import itself), and that trusts no one yet: the laptop a base bundle makes."""
    return keys_db.count(store) == 0 and not carried_db.holds_work(store)


def check_signer(store: Store, manifest: Manifest, path: Path) -> bool:
    """Refuse a bundle whose signer this store does not accept; True when the signer is to be
    enrolled by this import (a base bundle into a new, empty store)."""
    if manifest.signer == signing.own_public(store):
        return False
    known = keys_db.signer(store, manifest.fingerprint)
    shown = signing.shown(manifest.fingerprint)
    if known and known["revoked_at"]:
        raise Refused(
            f"it is signed by {known['label']} (key {shown}), whose key was revoked on "
            f"{known['revoked_at'][:10]} by {known['revoked_by']} ({known['revoked_reason']}). "
            f"If the store has a new key, enrol it with `qam sync trust`."
        )
    if known and known["store_id"] and known["store_id"] != manifest.store_id:
        raise Refused(
            f"it is signed by {known['label']} (key {shown}), enrolled as store "
            f"{known['store_id'][:8]}, but says it comes from store {manifest.store_id[:8]}: "
            "a store signs only its own bundles."
        )
    if known:
        return False
    _refuse_a_second_key(store, manifest, shown)
    if is_new_store(store):
        return True
    raise Refused(
        f"it is signed by a store this store does not trust (key {shown}, store "
        f"{manifest.store_id[:8]}, exported by {manifest.exported_by}). Check the fingerprint "
        f"with the laptop's owner (`qam sync key` on the laptop shows it), then enrol it with "
        f"`{trust_command(path)}` and import it again."
    )


def _refuse_a_second_key(store: Store, manifest: Manifest, shown: str) -> None:
    """A bundle naming a store this store knows (itself, or one enrolled) but signed by
    another key is a forgery until that store's owner says it has a new key: say so, rather
    than inviting a person to enrol it."""
    if manifest.store_id == settings.store_id(store):
        raise Refused(
            f"it claims to come from this very store ({manifest.store_id[:8]}) but is signed "
            f"by another key ({shown}): it was not written here. Do not enrol it."
        )
    for row in keys_db.signers(store):
        if row["store_id"] == manifest.store_id and not row["revoked_at"]:
            raise Refused(
                f"it names store {manifest.store_id[:8]} ({row['label']}), which this store "
                f"trusts with key {signing.shown(row['fingerprint'])}, but it is signed by "
                f"another key ({shown}). Unless that store's owner confirms a new key (then "
                "revoke the old one with `qam sync keys --revoke` and enrol the new), it is "
                "forged."
            )


def enrol(
    store: Store,
    *,
    key: str,
    store_id: str | None,
    label: str,
    how: str,
    actor: str,
    reason: str,
) -> dict:
    """Enrol a key with its event in the trail (inside the caller's transaction, or its own)."""
    fp = signing.fingerprint(key)
    if key == signing.own_public(store):
        raise RefusedError(
            f"Key {signing.shown(fp)} is this store's own key; its bundles are always accepted."
        )
    row = {
        "fingerprint": fp,
        "public_key": key,
        "store_id": store_id,
        "label": label.strip() or f"store {(store_id or fp)[:8]}",
        "how": how,
        "enrolled_at": _now(),
        "enrolled_by": actor,
    }
    with store.transaction():
        keys_db.enrol(store, row)
        audit.append_event(
            store,
            actor=actor,
            entity="signer",
            entity_id=fp,
            action="trust",
            new={"label": row["label"], "store_id": store_id, "how": how},
            reason=reason,
        )
    return {**row, "shown": signing.shown(fp)}


# ----------------------------------------------------------------------------- trusting a file


def read_candidate(path: Path | str) -> dict:
    """Who signed a bundle (its signature checked whole), or whose key a key file holds:
    {"key", "fingerprint", "shown", "store_id", "label", "kind", "exported_by"}."""
    path = Path(path)
    try:
        if not path.is_file():
            raise ImportFileError(
                f"{path}: no such file; give a bundle or a key file (`qam sync key --out FILE`)."
                if not path.exists()
                else f"{path} is not a regular file; give a bundle or a key file."
            )
        if path.stat().st_size > MAX_BYTES:
            raise ImportFileError(f"{path} is over {MAX_BYTES:,} bytes; it is not a bundle.")
        with path.open("rb") as fh:
            head = fh.read(32)
            fh.seek(0)
            if head.startswith(b'{"format":"' + KEY_FORMAT.encode()):
                return _key_file(path, fh.read(4096))
            first, digest, last = read_seal(fh)
    except Refused as err:
        raise ImportFileError(f"{path} cannot be trusted: {err}") from None
    return _bundle_signer(path, first, digest, last)


def _key_file(path: Path, data: bytes) -> dict:
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, ValueError):
        doc = None
    if not (isinstance(doc, dict) and doc.get("format") == KEY_FORMAT) or not signing.valid_public(
        doc.get("key")
    ):
        raise ImportFileError(f"{path} is not a readable QAM key file; write it again.")
    fp = signing.fingerprint(doc["key"])
    if doc.get("fingerprint") not in (None, fp):
        raise ImportFileError(f"{path}: its fingerprint does not match its key; write it again.")
    return {
        "key": doc["key"],
        "fingerprint": fp,
        "shown": signing.shown(fp),
        "store_id": str(doc.get("store_id") or "")[:64] or None,
        "label": str(doc.get("label") or "")[:200],
        "kind": "key file",
        "exported_by": None,
    }


def _bundle_signer(path: Path, first: object, digest: bytes, last: object) -> dict:
    signer = first.get("signer") if isinstance(first, dict) else None
    key = signer.get("key") if isinstance(signer, dict) else None
    if (
        not (isinstance(first, dict) and first.get("format") == FORMAT)
        or not isinstance(key, str)
        or not signing.valid_public(key)
    ):
        raise ImportFileError(f"{path} is not a signed QAM sync bundle or key file.")
    signature = last.get("signature") if isinstance(last, dict) else None
    if not isinstance(signature, dict) or not signing.verifies(
        key, digest, signature.get("ed25519")
    ):
        raise ImportFileError(
            f"{path}: its signature does not verify (changed after it was signed, or damaged); "
            "nothing was enrolled. Ask for the bundle again."
        )
    fp = signing.fingerprint(key)
    by = str(first.get("exported_by") or "")[:100]
    store_id = str(first.get("store_id") or "")[:64]
    return {
        "key": key,
        "fingerprint": fp,
        "shown": signing.shown(fp),
        "store_id": store_id or None,
        "label": f"{by}'s store {store_id[:8]}".strip(),
        "kind": "bundle",
        "exported_by": by,
    }


def trust(store: Store, candidate: dict, *, actor: str, label: str | None = None) -> dict:
    """Enrol the key `read_candidate` found (after a person compared its fingerprint); a
    store already trusted with another key must have that key revoked first (one live key a
    store, so a forged bundle's key is never enrolled beside the real one by mistake)."""
    for row in keys_db.signers(store):
        same_store = candidate["store_id"] and row["store_id"] == candidate["store_id"]
        if same_store and not row["revoked_at"] and row["fingerprint"] != candidate["fingerprint"]:
            raise RefusedError(
                f"Store {row['store_id'][:8]} is already trusted here as {row['label']} with "
                f"key {signing.shown(row['fingerprint'])}. If its owner confirms a new key, "
                "revoke the old one first: qam sync keys --revoke "
                f'{row["fingerprint"][:8]} --reason "new key".'
            )
    return enrol(
        store,
        key=candidate["key"],
        store_id=candidate["store_id"],
        label=label or candidate["label"],
        how=TRUSTED,
        actor=actor,
        reason=f"enrolled from a {candidate['kind']} after comparing its fingerprint",
    )


# ----------------------------------------------------------------------------- listing, revoking


def listing(store: Store) -> list[dict]:
    """Every key enrolled here, with whether it is revoked."""
    return [
        {**row, "shown": signing.shown(row["fingerprint"]), "revoked": bool(row["revoked_at"])}
        for row in keys_db.signers(store)
    ]


def find(store: Store, typed: str) -> dict:
    """The enrolled key a typed fingerprint (whole, or its first 8 digits or more) names."""
    wanted = signing.normalised(typed)
    if len(wanted) < 8:
        raise RefusedError(
            f"'{typed}' is too short to name a key; give at least its first 8 hex digits "
            "(`qam sync keys` lists them)."
        )
    matches = [r for r in keys_db.signers(store) if r["fingerprint"].startswith(wanted)]
    if not matches:
        raise NotFoundError(f"No enrolled key {typed}; `qam sync keys` lists them.")
    if len(matches) > 1:
        raise RefusedError(f"'{typed}' names {len(matches)} keys; give more of the fingerprint.")
    return matches[0]


def revoke(store: Store, typed: str, *, actor: str, reason: str) -> dict:
    """Revoke an enrolled key (its bundles are refused from now on), with a trail event."""
    if not (reason or "").strip():
        raise RefusedError('Revoking a key needs a reason (--reason "..."); it goes in the trail.')
    row = find(store, typed)
    if row["revoked_at"]:
        raise RefusedError(
            f"Key {signing.shown(row['fingerprint'])} ({row['label']}) was already revoked on "
            f"{row['revoked_at'][:10]}."
        )
    at = _now()
    with store.transaction():
        keys_db.revoke(store, row["fingerprint"], at=at, by=actor, reason=reason.strip())
        audit.append_event(
            store,
            actor=actor,
            entity="signer",
            entity_id=row["fingerprint"],
            action="revoke",
            old={"label": row["label"], "store_id": row["store_id"]},
            reason=reason.strip(),
        )
    return {
        **row,
        "revoked_at": at,
        "revoked_by": actor,
        "shown": signing.shown(row["fingerprint"]),
    }


# ----------------------------------------------------------------------------- this store's key


def own(store: Store, label: str | None = None, *, actor: str) -> dict:
    """This store's public key: {"key", "fingerprint", "shown", "store_id", "label"}."""
    key = signing.own_public(store)
    fp = signing.fingerprint(key)
    sid = settings.store_id(store)
    return {
        "format": KEY_FORMAT,
        "key": key,
        "fingerprint": fp,
        "shown": signing.shown(fp),
        "store_id": sid,
        "label": label or f"{actor}'s store {sid[:8]}",
    }


def write_public_key(
    store: Store, path: Path | str, *, actor: str, label: str | None = None, overwrite: bool = False
) -> dict:
    """Write this store's public key to a file another store can enrol (`qam sync trust`)."""
    doc = own(store, label, actor=actor)
    doc.pop("shown")
    line = json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
    path = Path(path)
    if is_folder(path):
        path = path / f"qam-{doc['store_id'][:8]}.qam-key"
    # A public key is no secret: readable by everyone, like a public report.
    write_atomic(
        path, line, mode=output_mode(store.path, public=True), kind=PUBLIC_KEY, overwrite=overwrite
    )
    return {**doc, "file": str(path), "shown": signing.shown(doc["fingerprint"])}
