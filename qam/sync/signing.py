"""A store's signing key, and signing and checking bundles with it (Ed25519, `cryptography`).

Each store has its own Ed25519 key, made on `qam init` (or the first time a store made before
needs it, e.g. on `qam sync export`) and kept in a file beside the store
(`<store>.signing-key`, PKCS#8 PEM, owner-only permissions): never inside the store, so a copy
of the database or a bundle never carries it. A bundle carries only the public key; its last
line is a signature over the SHA-256 of every byte before that line (the whole bundle, end
line included), so one changed byte anywhere, hashes recomputed or not, fails it.

A key is named by its fingerprint: the first 128 bits of the SHA-256 of the raw public key, as
32 hex digits, shown in groups of four for a person to read out and compare.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from qam.errors import RefusedError, StoreError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    from qam.store import Store

KEY_SUFFIX = ".signing-key"
KEY_PREFIX = "ed25519:"
# What a signature covers is a digest, so a two-gigabyte bundle is signed without holding it
# in memory; the prefix keeps a bundle signature from ever being valid for anything else.
SIGNED_PREFIX = b"qam-sync-bundle signature v1\n"
OWNER_ONLY = 0o600


def key_path(store_path: Path | str) -> Path:
    """Where a store's signing key lives: beside the store file."""
    return Path(f"{store_path}{KEY_SUFFIX}")


def _load(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise RefusedError(
            f"The signing key {path} can be read by other users; make it yours alone with "
            f"`chmod 600 {path}` (and if others may have copied it, revoke it where it is "
            "trusted and make a new one by moving it aside)."
        )
    try:
        key = load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError):
        raise StoreError(
            f"{path} is not a QAM signing key (damaged?); move it aside and a new key is made, "
            "then enrol the new key where this store's bundles go (`qam sync key --out FILE`)."
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise StoreError(f"{path} is not an Ed25519 signing key; move it aside.")
    return key


def _create(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        # O_EXCL: two commands making the key at once never overwrite each other's.
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except FileExistsError:
        return _load(path)
    except OSError as err:
        raise StoreError(
            f"Cannot make the store's signing key {path} ({err.strerror}); "
            "the store's folder must be writable."
        ) from None
    with os.fdopen(handle, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    return key


def own_key(store: Store) -> Ed25519PrivateKey:
    """This store's signing key, made now if the store has none yet."""
    path = key_path(store.path)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise StoreError(f"{path} should be the store's signing key file; move it aside.")
    return _load(path) if path.exists() else _create(path)


def public_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """A public key as bundles and key files carry it: 'ed25519:' and base64 of its 32 bytes."""
    from cryptography.hazmat.primitives import serialization

    public = key.public_key() if hasattr(key, "public_key") else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return KEY_PREFIX + base64.b64encode(raw).decode("ascii")


def own_public(store: Store) -> str:
    return public_text(own_key(store))


def _raw(text: object) -> bytes | None:
    if not isinstance(text, str) or not text.startswith(KEY_PREFIX):
        return None
    try:
        raw = base64.b64decode(text[len(KEY_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


def valid_public(text: object) -> bool:
    """True if `text` is a public key written as `public_text` writes one."""
    return _raw(text) is not None


def fingerprint(text: str) -> str:
    """A public key's fingerprint: 32 hex digits (see the module's docstring)."""
    raw = _raw(text)
    if raw is None:
        raise ValueError("not a QAM public key")
    return hashlib.sha256(raw).hexdigest()[:32]


def shown(fp: str) -> str:
    """A fingerprint for a person to read: '3f2a 9c1b 7d4e ...'."""
    return " ".join(fp[i : i + 4] for i in range(0, len(fp), 4))


def normalised(fp: str) -> str:
    """A fingerprint as typed ('3f2a 9c1b...', '3F2A:9C1B...') as stored: hex, lower case."""
    return "".join(c for c in fp.lower() if c in "0123456789abcdef")


def sign(key: Ed25519PrivateKey, digest: bytes) -> str:
    """The signature (base64) over a bundle's digest."""
    return base64.b64encode(key.sign(SIGNED_PREFIX + digest)).decode("ascii")


def verifies(public: str, digest: bytes, signature: object) -> bool:
    """True if `signature` (base64) is `public`'s signature over this digest."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    raw = _raw(public)
    if raw is None or not isinstance(signature, str):
        return False
    try:
        sig = base64.b64decode(signature, validate=True)
        Ed25519PublicKey.from_public_bytes(raw).verify(sig, SIGNED_PREFIX + digest)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
