"""The OS keychain (Windows Credential Manager, macOS Keychain, Secret Service).

Only a random secret that wraps the data key is kept there, never the passphrase.
Where no keychain exists the request is refused plainly: the secret is never put in
a file instead, because a key file next to the store would defeat the encryption.
"""

from __future__ import annotations

import base64

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from desktop.errors import KeychainUnavailable

SERVICE = "Upstream store key"


def _backend() -> KeyringBackend:
    backend = keyring.get_keyring()
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        raise KeychainUnavailable(
            "this computer has no keychain Upstream can use (on Linux: install and unlock "
            "a Secret Service keyring such as GNOME Keyring or KWallet). The store still "
            "opens with its passphrase."
        )
    return backend


def keychain_available() -> bool:
    try:
        _backend()
    except KeychainUnavailable:
        return False
    return True


def save_secret(account: str, secret: bytes) -> None:
    backend = _backend()
    try:
        backend.set_password(SERVICE, account, base64.b64encode(secret).decode("ascii"))
    except keyring.errors.KeyringError as exc:
        raise KeychainUnavailable(f"the keychain refused to keep the key: {exc}") from exc


def load_secret(account: str) -> bytes:
    backend = _backend()
    try:
        text = backend.get_password(SERVICE, account)
    except keyring.errors.KeyringError as exc:
        raise KeychainUnavailable(f"the keychain could not be read: {exc}") from exc
    if text is None:
        raise KeychainUnavailable("this computer's keychain holds no key for this store")
    return base64.b64decode(text)


def delete_secret(account: str) -> None:
    backend = _backend()
    try:
        backend.delete_password(SERVICE, account)
    except keyring.errors.PasswordDeleteError:
        return  # already gone: forgetting is idempotent
    except keyring.errors.KeyringError as exc:
        raise KeychainUnavailable(f"the keychain could not forget the key: {exc}") from exc
