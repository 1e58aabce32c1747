"""Keeping a store's key in the OS keychain ("remember on this computer") and forgetting it."""

from __future__ import annotations

import secrets
from dataclasses import replace
from pathlib import Path

from desktop.clock import Clock, utc_now
from desktop.store import audit, keychain, keys, lifecycle


def remember_in_keychain(path: Path, passphrase: str, *, clock: Clock = utc_now) -> None:
    """Let this computer's keychain open the store without the passphrase."""
    with lifecycle.open_store(path, passphrase, clock=clock) as store:
        key_file = keys.read_key_file(path)
        (current,) = keys.unwrap_with_passphrase(key_file, passphrase)
        account = key_file.store_id
        secret = secrets.token_bytes(32)
        keychain.save_secret(account, secret)  # refuses plainly where there is no keychain
        sealed = keys.seal_with_secret(
            current.data_key, secret, keys.aad_for(key_file.store_id, current.key_id, "keychain")
        )
        entries = tuple(
            replace(k, keychain=sealed) if k.key_id == current.key_id else k for k in key_file.keys
        )
        with store.write() as session:
            audit.append(
                session, "store.keychain_remembered", "store", store.store_id, {}, clock=clock
            )
        keys.write_key_file(path, replace(key_file, keys=entries, keychain_account=account))


def forget_keychain(path: Path, passphrase: str, *, clock: Clock = utc_now) -> None:
    """Remove the keychain's key; the passphrase (and recovery key) still open the store."""
    with lifecycle.open_store(path, passphrase, clock=clock) as store:
        key_file = keys.read_key_file(path)
        if key_file.keychain_account is not None:
            keychain.delete_secret(key_file.keychain_account)
        entries = tuple(replace(k, keychain=None) for k in key_file.keys)
        keys.write_key_file(path, replace(key_file, keys=entries, keychain_account=None))
        with store.write() as session:
            audit.append(
                session, "store.keychain_forgotten", "store", store.store_id, {}, clock=clock
            )
