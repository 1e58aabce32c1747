"""Key handling for the encrypted store.

The store file is encrypted by SQLCipher under a random 256-bit *data key* used as a
raw key (so SQLCipher's own PBKDF2 never runs). The data key is never written
anywhere in clear; the *key file* beside the store (``<store>.keys``) holds it wrapped
under each secret that may open the store:

- the passphrase: Argon2id (memory-hard, RFC 9106 parameters) -> AES-256-GCM;
- the recovery key: shown once at creation; Argon2id turns it into an X25519 private
  key whose public half stays in the key file, and the data key is *sealed* to that
  public key. Sealing needs no secret, so a rekey can re-seal a new data key for
  the recovery key without anybody typing it;
- optionally the OS keychain: a random secret kept by the keychain wraps the data key.

While a rekey is in flight the key file lists two data keys (``current`` and
``next``); each secret unwraps only its own, and only one of them opens the file, so
a process killed at any moment leaves a store that opens with exactly one of the
old and new passphrases.

Every ciphertext is bound (AES-GCM associated data) to the store id, the key id and
its purpose, so entries cannot be swapped between stores or roles.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop.errors import NotAnUpstreamStore, WrongPassphrase

KEY_FILE_SUFFIX = ".keys"
KEY_FILE_FORMAT = "upstream-store-keys"
KEY_FILE_VERSION = 1
DATA_KEY_BYTES = 32
RECOVERY_KEY_BYTES = 20  # 160 bits: 32 base32 characters, 8 groups of 4
_B32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

KeyState = Literal["current", "next"]


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default is RFC 9106's second recommended option."""

    iterations: int = 3
    memory_kib: int = 64 * 1024
    lanes: int = 4

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        return Argon2id(
            salt=salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        ).derive(secret)

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": "argon2id",
            "iterations": self.iterations,
            "memory_kib": self.memory_kib,
            "lanes": self.lanes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KdfParams:
        if data.get("algorithm") != "argon2id":
            raise NotAnUpstreamStore(f"unknown key derivation {data.get('algorithm')!r}")
        return cls(int(data["iterations"]), int(data["memory_kib"]), int(data["lanes"]))


@dataclass(frozen=True)
class Sealed:
    """An AES-GCM ciphertext, with the ephemeral public key when it was sealed."""

    nonce: bytes
    ciphertext: bytes
    salt: bytes = b""
    ephemeral_public: bytes = b""

    def to_json(self) -> dict[str, str]:
        out = {"nonce": _b64(self.nonce), "ciphertext": _b64(self.ciphertext)}
        if self.salt:
            out["salt"] = _b64(self.salt)
        if self.ephemeral_public:
            out["ephemeral_public"] = _b64(self.ephemeral_public)
        return out

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Sealed:
        return cls(
            nonce=_unb64(data["nonce"]),
            ciphertext=_unb64(data["ciphertext"]),
            salt=_unb64(data.get("salt", "")),
            ephemeral_public=_unb64(data.get("ephemeral_public", "")),
        )


@dataclass(frozen=True)
class WrappedDataKey:
    """One data key, wrapped under each secret that may open the store."""

    key_id: str
    state: KeyState
    passphrase: Sealed
    recovery: Sealed
    keychain: Sealed | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "state": self.state,
            "passphrase": self.passphrase.to_json(),
            "recovery": self.recovery.to_json(),
            "keychain": self.keychain.to_json() if self.keychain else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WrappedDataKey:
        state = data["state"]
        if state not in ("current", "next"):
            raise NotAnUpstreamStore(f"unknown key state {state!r} in the key file")
        return cls(
            key_id=str(data["key_id"]),
            state=state,
            passphrase=Sealed.from_json(data["passphrase"]),
            recovery=Sealed.from_json(data["recovery"]),
            keychain=Sealed.from_json(data["keychain"]) if data.get("keychain") else None,
        )


@dataclass(frozen=True)
class KeyFile:
    """The contents of ``<store>.keys``: everything needed to unwrap the data key."""

    store_id: str
    kdf: KdfParams
    recovery_public: bytes
    recovery_salt: bytes
    keys: tuple[WrappedDataKey, ...]
    keychain_account: str | None = None
    pending_rekey: dict[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": KEY_FILE_FORMAT,
            "version": KEY_FILE_VERSION,
            "store_id": self.store_id,
            "kdf": self.kdf.to_json(),
            "recovery": {
                "public_key": _b64(self.recovery_public),
                "salt": _b64(self.recovery_salt),
            },
            "keychain_account": self.keychain_account,
            "pending_rekey": self.pending_rekey,
            "keys": [k.to_json() for k in self.keys],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyFile:
        if data.get("format") != KEY_FILE_FORMAT:
            raise NotAnUpstreamStore("the key file is not an Upstream key file")
        if data.get("version") != KEY_FILE_VERSION:
            raise NotAnUpstreamStore(
                f"the key file has version {data.get('version')!r}; this Upstream reads "
                f"version {KEY_FILE_VERSION}. Install the newer Upstream that wrote it."
            )
        return cls(
            store_id=str(data["store_id"]),
            kdf=KdfParams.from_json(data["kdf"]),
            recovery_public=_unb64(data["recovery"]["public_key"]),
            recovery_salt=_unb64(data["recovery"]["salt"]),
            keys=tuple(WrappedDataKey.from_json(k) for k in data["keys"]),
            keychain_account=data.get("keychain_account"),
            pending_rekey=data.get("pending_rekey"),
        )

    def with_keys(self, keys: tuple[WrappedDataKey, ...]) -> KeyFile:
        return replace(self, keys=keys)


@dataclass(frozen=True)
class UnwrappedKey:
    """A data key in memory, with the id and state it has in the key file."""

    key_id: str
    state: KeyState
    data_key: bytes = field(repr=False)


# --- paths and atomic file I/O -------------------------------------------------------


def key_file_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + KEY_FILE_SUFFIX)


def read_key_file(store_path: Path) -> KeyFile:
    """Read the key file beside ``store_path``; refuse plainly when there is none."""
    path = key_file_path(store_path)
    if not store_path.exists():
        raise NotAnUpstreamStore(f"{store_path} does not exist")
    if not store_path.is_file():
        raise NotAnUpstreamStore(f"{store_path} is not a file")
    if _is_plaintext_sqlite(store_path):
        raise NotAnUpstreamStore(
            f"{store_path} is a plaintext SQLite database, not an encrypted Upstream store"
        )
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotAnUpstreamStore(
            f"{store_path} is not an Upstream store: its key file {path.name} is missing "
            "(an Upstream store is the pair of files STORE and STORE.keys; copy both)"
        ) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise NotAnUpstreamStore(f"the key file {path} is damaged (not valid JSON)") from None
    try:
        return KeyFile.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise NotAnUpstreamStore(f"the key file {path} is damaged ({exc})") from None


def write_key_file(store_path: Path, key_file: KeyFile) -> None:
    """Replace the key file atomically: a reader sees the old or the new one, never half."""
    write_atomically(
        key_file_path(store_path),
        (json.dumps(key_file.to_json(), indent=2, sort_keys=True) + "\n").encode("utf-8"),
    )


def write_atomically(path: Path, content: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    """Make a rename durable. Windows cannot open directories; there it is a no-op."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _is_plaintext_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


# --- creating and unwrapping -----------------------------------------------------------


def new_data_key() -> bytes:
    return secrets.token_bytes(DATA_KEY_BYTES)


def key_id_of(data_key: bytes) -> str:
    return hashlib.sha256(b"upstream-data-key-id\x00" + data_key).hexdigest()[:16]


def new_recovery_key() -> str:
    """A fresh recovery key as the person will see it: 8 groups of 4 base32 characters."""
    text = base64.b32encode(secrets.token_bytes(RECOVERY_KEY_BYTES)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalize_recovery_key(text: str) -> bytes:
    """Parse a recovery key typed by a person: case, spaces and hyphens do not matter."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans("018", "OIB"))  # digits misread as letters
    if len(cleaned) != 32 or any(ch not in _B32_ALPHABET for ch in cleaned):
        raise WrongPassphrase(
            "that is not a recovery key: it has 32 letters and digits in 8 groups of 4"
        )
    return base64.b32decode(cleaned)


def recovery_private_key(recovery_key: str, salt: bytes, kdf: KdfParams) -> X25519PrivateKey:
    seed = kdf.derive(normalize_recovery_key(recovery_key), salt)
    return X25519PrivateKey.from_private_bytes(seed)


def public_bytes(public_key: X25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def normalize_passphrase(passphrase: str) -> bytes:
    # NFC so that the same passphrase typed on two systems derives the same key
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def seal_with_passphrase(data_key: bytes, passphrase: str, kdf: KdfParams, aad: bytes) -> Sealed:
    salt = secrets.token_bytes(16)
    kek = kdf.derive(normalize_passphrase(passphrase), salt)
    nonce = secrets.token_bytes(12)
    return Sealed(nonce=nonce, ciphertext=AESGCM(kek).encrypt(nonce, data_key, aad), salt=salt)


def open_with_passphrase(sealed: Sealed, passphrase: str, kdf: KdfParams, aad: bytes) -> bytes:
    kek = kdf.derive(normalize_passphrase(passphrase), sealed.salt)
    return _aes_open(kek, sealed, aad)


def seal_to_recovery(data_key: bytes, recovery_public: bytes, aad: bytes) -> Sealed:
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = public_bytes(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recovery_public))
    kek = _seal_kek(shared, ephemeral_public, recovery_public)
    nonce = secrets.token_bytes(12)
    return Sealed(
        nonce=nonce,
        ciphertext=AESGCM(kek).encrypt(nonce, data_key, aad),
        ephemeral_public=ephemeral_public,
    )


def open_with_recovery(sealed: Sealed, private_key: X25519PrivateKey, aad: bytes) -> bytes:
    recovery_public = public_bytes(private_key.public_key())
    shared = private_key.exchange(X25519PublicKey.from_public_bytes(sealed.ephemeral_public))
    return _aes_open(_seal_kek(shared, sealed.ephemeral_public, recovery_public), sealed, aad)


def seal_with_secret(data_key: bytes, secret: bytes, aad: bytes) -> Sealed:
    nonce = secrets.token_bytes(12)
    return Sealed(nonce=nonce, ciphertext=AESGCM(secret).encrypt(nonce, data_key, aad))


def open_with_secret(sealed: Sealed, secret: bytes, aad: bytes) -> bytes:
    return _aes_open(secret, sealed, aad)


def aad_for(store_id: str, key_id: str, purpose: str) -> bytes:
    return f"upstream-store\x00{store_id}\x00{key_id}\x00{purpose}".encode()


def wrap_data_key(
    key_file: KeyFile,
    data_key: bytes,
    state: KeyState,
    passphrase: str,
    keychain_secret: bytes | None,
) -> WrappedDataKey:
    """Wrap ``data_key`` under the passphrase, the recovery public key and the keychain."""
    key_id = key_id_of(data_key)
    store_id = key_file.store_id
    return WrappedDataKey(
        key_id=key_id,
        state=state,
        passphrase=seal_with_passphrase(
            data_key, passphrase, key_file.kdf, aad_for(store_id, key_id, "passphrase")
        ),
        recovery=seal_to_recovery(
            data_key, key_file.recovery_public, aad_for(store_id, key_id, "recovery")
        ),
        keychain=(
            seal_with_secret(data_key, keychain_secret, aad_for(store_id, key_id, "keychain"))
            if keychain_secret is not None
            else None
        ),
    )


def unwrap_with_passphrase(key_file: KeyFile, passphrase: str) -> list[UnwrappedKey]:
    """Every data key the passphrase unwraps (one, or none when it is wrong)."""
    found = []
    for entry in key_file.keys:
        aad = aad_for(key_file.store_id, entry.key_id, "passphrase")
        try:
            data_key = open_with_passphrase(entry.passphrase, passphrase, key_file.kdf, aad)
        except WrongPassphrase:
            continue
        found.append(UnwrappedKey(entry.key_id, entry.state, data_key))
    return found


def unwrap_with_recovery(key_file: KeyFile, recovery_key: str) -> list[UnwrappedKey]:
    private_key = recovery_private_key(recovery_key, key_file.recovery_salt, key_file.kdf)
    if public_bytes(private_key.public_key()) != key_file.recovery_public:
        raise WrongPassphrase("that recovery key does not belong to this store")
    found = []
    for entry in key_file.keys:
        aad = aad_for(key_file.store_id, entry.key_id, "recovery")
        data_key = open_with_recovery(entry.recovery, private_key, aad)
        found.append(UnwrappedKey(entry.key_id, entry.state, data_key))
    return found


def unwrap_with_keychain_secret(key_file: KeyFile, secret: bytes) -> list[UnwrappedKey]:
    found = []
    for entry in key_file.keys:
        if entry.keychain is None:
            continue
        aad = aad_for(key_file.store_id, entry.key_id, "keychain")
        try:
            data_key = open_with_secret(entry.keychain, secret, aad)
        except WrongPassphrase:
            continue
        found.append(UnwrappedKey(entry.key_id, entry.state, data_key))
    return found


def new_key_file(
    store_id: str, data_key: bytes, passphrase: str, kdf: KdfParams
) -> tuple[KeyFile, str]:
    """A key file for a new store, and the recovery key to show once."""
    recovery_key = new_recovery_key()
    recovery_salt = secrets.token_bytes(16)
    private_key = recovery_private_key(recovery_key, recovery_salt, kdf)
    key_file = KeyFile(
        store_id=store_id,
        kdf=kdf,
        recovery_public=public_bytes(private_key.public_key()),
        recovery_salt=recovery_salt,
        keys=(),
    )
    entry = wrap_data_key(key_file, data_key, "current", passphrase, keychain_secret=None)
    return key_file.with_keys((entry,)), recovery_key


# --- helpers ---------------------------------------------------------------------------


def _seal_kek(shared: bytes, ephemeral_public: bytes, recovery_public: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"upstream-recovery-seal\x00" + ephemeral_public + recovery_public,
    ).derive(shared)


def _aes_open(kek: bytes, sealed: Sealed, aad: bytes) -> bytes:
    try:
        return AESGCM(kek).decrypt(sealed.nonce, sealed.ciphertext, aad)
    except InvalidTag:
        raise WrongPassphrase("the passphrase does not open this store") from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True) if text else b""
