"""Changing the passphrase (rekey) and recovering a store with its recovery key.

Both re-encrypt the whole file under a fresh data key, so an old passphrase, or a
copy of the old key file, opens nothing that is written afterwards. The sequence is
crash-safe:

1. the key file gains the new data key beside the old one (atomic replace), marked
   as a pending rekey; each secret unwraps only its own key;
2. SQLCipher re-encrypts the file in one transaction (after a WAL checkpoint, in
   rollback-journal mode, which its rekey needs); a killed process leaves a hot
   journal that rolls the file back to the old key on the next open;
3. the audit trail records the change, and the key file drops the old key.

Whatever moment a process dies, exactly one data key opens the file, and the next
open (see ``lifecycle.finish_interrupted_rekey``) completes step 3 for it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from desktop.clock import Clock, iso_utc, utc_now
from desktop.errors import KeychainUnavailable, UsageError
from desktop.store import audit, engine, keychain, keys, lifecycle
from desktop.store.keys import KeyFile, UnwrappedKey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RekeyResult:
    store_id: str
    old_key_id: str
    new_key_id: str
    keychain_kept: bool


class StoreBusy(UsageError):
    """Another program holds the store open, so it cannot be re-encrypted now."""


def rekey_store(
    path: Path, passphrase: str, new_passphrase: str, *, clock: Clock = utc_now
) -> RekeyResult:
    """Re-encrypt the store under a new data key wrapped by ``new_passphrase``."""
    _check_new_passphrase(new_passphrase)
    store, working = lifecycle.unlock_with_passphrase(path, passphrase, clock)
    store.close()  # opening also finished any rekey an earlier process left half done
    return _reencrypt(path, keys.read_key_file(path), working, new_passphrase, "rekey", clock)


def recover_store(
    path: Path, recovery_key: str, new_passphrase: str, *, clock: Clock = utc_now
) -> RekeyResult:
    """Open with the recovery key, then re-encrypt under a new passphrase."""
    _check_new_passphrase(new_passphrase)
    store, working = lifecycle.unlock_with_recovery_key(path, recovery_key, clock)
    store.close()
    return _reencrypt(path, keys.read_key_file(path), working, new_passphrase, "recover", clock)


def _reencrypt(
    path: Path,
    key_file: KeyFile,
    working: UnwrappedKey,
    new_passphrase: str,
    reason: str,
    clock: Clock,
) -> RekeyResult:
    keychain_secret, keychain_kept = _keychain_secret(key_file)
    new_key = keys.new_data_key()
    next_entry = keys.wrap_data_key(key_file, new_key, "next", new_passphrase, keychain_secret)
    (current_entry,) = [k for k in key_file.keys if k.key_id == working.key_id]
    pending = replace(
        key_file,
        keys=(replace(current_entry, state="current"), next_entry),
        keychain_account=key_file.keychain_account if keychain_kept else None,
        pending_rekey={
            "id": str(uuid.uuid4()),
            "reason": reason,
            "started_at": iso_utc(clock()),
            "actor": audit.current_actor(),
        },
    )
    keys.write_key_file(path, pending)  # step 1

    try:
        _rekey_file(path, working.data_key, new_key)  # step 2
    except StoreBusy:
        keys.write_key_file(path, key_file)  # the file was not touched: undo step 1
        raise

    # step 3: the same code that finishes a rekey interrupted by a crash
    lifecycle.open_store_after_rekey(
        path, pending, UnwrappedKey(next_entry.key_id, "next", new_key), clock
    ).close()
    log.info("store %s re-encrypted (%s)", path, reason)
    return RekeyResult(key_file.store_id, working.key_id, next_entry.key_id, keychain_kept)


def _rekey_file(path: Path, old_key: bytes, new_key: bytes) -> None:
    con = engine.connect(path, old_key, autocommit=True)
    try:
        con.execute("PRAGMA busy_timeout = 0")
        try:
            busy, _, _ = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy:
                raise StoreBusy("the store is open in another program; close it and try again")
            mode = con.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        except sqlcipher.OperationalError as exc:
            raise StoreBusy(
                f"the store is open in another program; close it and try again ({exc})"
            ) from exc
        if str(mode).lower() != "delete":
            raise StoreBusy("the store is open in another program; close it and try again")
        con.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        con.execute("PRAGMA journal_mode = WAL")
    finally:
        con.close()


def _keychain_secret(key_file: KeyFile) -> tuple[bytes | None, bool]:
    """The keychain secret to wrap the new key with, and whether the keychain stays in use."""
    if key_file.keychain_account is None:
        return None, False
    try:
        return keychain.load_secret(key_file.keychain_account), True
    except KeychainUnavailable as exc:
        log.warning("the keychain no longer holds this store's key (%s); it is dropped", exc)
        return None, False


def _check_new_passphrase(new_passphrase: str) -> None:
    if not new_passphrase:
        raise UsageError("the new passphrase is empty")
