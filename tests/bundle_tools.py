"""Taking a bundle apart and putting it back together, as an adversary with a text editor
would: every count, hash and chain link recomputed, and signed with whichever key the test
chooses (the laptop's own, stolen; a stranger's; none that matches).

Used by the sync tests and the adversarial suite (`tests/adversarial/`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from qam.sync.bundle import Writer
from qam.trail import GENESIS_HASH, event_hash


class _Writer(Writer):
    """QAM's writer, but a value UTF-8 cannot carry (a lone surrogate) is written as JSON
    escapes, as a hand-made bundle may hold it."""

    def line(self, value) -> None:
        try:
            super().line(value)
        except UnicodeEncodeError:
            data = json.dumps(value, separators=(",", ":")).encode("ascii") + b"\n"
            self.digest.update(data)
            self.fh.write(data)


def bundle_parts(path) -> tuple[dict, dict[str, list[list]]]:
    """A bundle's manifest and each section's rows (lists in the section's column order)."""
    lines = Path(path).read_bytes().splitlines()
    manifest, parts, at = json.loads(lines[0]), {}, 1
    for section in manifest["sections"]:
        parts[section["name"]] = [json.loads(line) for line in lines[at : at + section["rows"]]]
        at += section["rows"]
    return manifest, parts


def columns(manifest: dict, table: str) -> list[str]:
    [section] = [s for s in manifest["sections"] if s["name"] == table]
    return section["columns"]


def rows(manifest: dict, parts: dict, table: str) -> list[dict]:
    """A section's rows as dicts (copies: change them through `set_value`)."""
    names = columns(manifest, table)
    return [dict(zip(names, row, strict=True)) for row in parts[table]]


def set_value(manifest: dict, parts: dict, table: str, row: int, column: str, value) -> None:
    """Change one value of one row of a bundle's parts."""
    parts[table][row][columns(manifest, table).index(column)] = value


def add_row(manifest: dict, parts: dict, table: str, values: dict) -> None:
    parts[table].append([values.get(c) for c in columns(manifest, table)])


def rechain(manifest: dict, parts: dict) -> None:
    """Renumber the trail and recompute every event's link and hash (after events changed)."""
    names = columns(manifest, "audit_log")
    prev = GENESIS_HASH
    for seq, row in enumerate(parts["audit_log"], start=1):
        event = dict(zip(names, row, strict=True))
        event["seq"], event["prev_hash"] = seq, prev
        try:
            event["hash"] = prev = event_hash(event)
        except UnicodeEncodeError:  # a lone surrogate: no hash QAM makes; any will do
            event["hash"] = prev = hashlib.sha256(json.dumps(row).encode()).hexdigest()
        parts["audit_log"][seq - 1] = [event[c] for c in names]


def write_bundle(
    path, manifest: dict, parts: dict[str, list[list]], key=None, *, chain: bool = False
) -> None:
    """Write a bundle from its parts with every count and hash correct (and with `chain`,
    every trail link and the manifest's head too), signed by `key`: an Ed25519 private key,
    or None for a stranger's key made on the spot (a signature that cannot verify)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from qam.sync import signing

    if chain:
        rechain(manifest, parts)
    for section in manifest["sections"]:
        section["rows"] = len(parts[section["name"]])
    trail = parts.get("audit_log") or []
    head = trail[-1][columns(manifest, "audit_log").index("hash")] if trail else GENESIS_HASH
    manifest["trail"] = {"events": len(trail), "head": head}
    key = key or Ed25519PrivateKey.generate()
    with open(path, "wb") as fh:
        writer = _Writer(fh)
        writer.line(manifest)
        for section in manifest["sections"]:
            writer.rows(iter(parts[section["name"]]))
        writer.end()
        writer.sign(lambda digest: signing.sign(key, digest))


def store_key(db_path):
    """The signing key kept beside a store (as a thief who copied the laptop has it)."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from qam.sync.signing import key_path

    return load_pem_private_key(key_path(db_path).read_bytes(), password=None)


def sign_as(manifest: dict, key) -> None:
    """Name `key` as the bundle's signer in its manifest (a stranger claiming to sign)."""
    from qam.sync import signing

    public = signing.public_text(key)
    manifest["signer"] = {"key": public, "fingerprint": signing.fingerprint(public)}


def canonical(path: Path) -> str:
    """A hash of everything a store holds, table by table, row by row (sorted): equal
    before and after means nothing in it changed."""
    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        for table in tables:
            rows = sorted(
                json.dumps(r, default=repr) for r in conn.execute(f'SELECT * FROM "{table}"')
            )
            digest.update(json.dumps([table, rows]).encode())
        return digest.hexdigest()
    finally:
        conn.close()
