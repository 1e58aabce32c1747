from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from desktop.errors import KeychainUnavailable, UsageError, WrongPassphrase
from desktop.store import (
    audit,
    keys,
    open_store,
    open_store_with_keychain,
    open_store_with_recovery_key,
    recover_store,
    rekey_store,
)
from desktop.store.remember import forget_keychain, remember_in_keychain
from tests.conftest import PASSPHRASE, StoreFactory
from tests.helpers.stubs import MemoryKeyring


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    fake = MemoryKeyring()
    keyring.set_keyring(fake)
    try:
        yield fake
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def actions(path: Path, passphrase: str) -> list[str]:
    with open_store(path, passphrase) as store, store.read() as session:
        assert audit.verify(session).ok
        return [e.action for e in audit.entries(session)]


def test_after_rekey_only_the_new_passphrase_opens(store_path: Path) -> None:
    before = store_path.read_bytes()
    result = rekey_store(store_path, PASSPHRASE, "a new passphrase")
    assert result.old_key_id != result.new_key_id
    assert store_path.read_bytes() != before
    with pytest.raises(WrongPassphrase):
        open_store(store_path, PASSPHRASE)
    assert actions(store_path, "a new passphrase") == ["store.created", "store.rekey"]
    assert len(keys.read_key_file(store_path).keys) == 1
    assert keys.read_key_file(store_path).pending_rekey is None


def test_an_old_key_file_copy_opens_nothing_after_rekey(store_path: Path) -> None:
    old_key_file = keys.key_file_path(store_path).read_bytes()
    rekey_store(store_path, PASSPHRASE, "a new passphrase")
    keys.key_file_path(store_path).write_bytes(old_key_file)
    with pytest.raises(Exception, match="does not match its key file"):
        open_store(store_path, PASSPHRASE)


def test_wrong_passphrase_cannot_rekey(store_path: Path) -> None:
    before = store_path.read_bytes()
    with pytest.raises(WrongPassphrase):
        rekey_store(store_path, "guess", "a new passphrase")
    assert store_path.read_bytes() == before


def test_empty_new_passphrase_is_refused(store_path: Path) -> None:
    with pytest.raises(UsageError):
        rekey_store(store_path, PASSPHRASE, "")


def test_recovery_key_opens_after_the_passphrase_is_lost(make_store: StoreFactory) -> None:
    created = make_store()
    with open_store_with_recovery_key(created.path, created.recovery_key) as store:
        assert store.customer.id == created.customer_id
    recover_store(created.path, created.recovery_key, "chosen after the loss")
    with pytest.raises(WrongPassphrase):
        open_store(created.path, PASSPHRASE)
    assert actions(created.path, "chosen after the loss")[-1] == "store.recover"


def test_recovery_key_keeps_working_after_rekeys(make_store: StoreFactory) -> None:
    created = make_store()
    rekey_store(created.path, PASSPHRASE, "second")
    rekey_store(created.path, "second", "third")
    recover_store(created.path, created.recovery_key, "fourth")
    assert actions(created.path, "fourth")[-3:] == ["store.rekey", "store.rekey", "store.recover"]


def test_keychain_opens_the_store_when_remembered(
    store_path: Path, memory_keyring: MemoryKeyring
) -> None:
    remember_in_keychain(store_path, PASSPHRASE)
    assert len(memory_keyring.secrets) == 1
    with open_store_with_keychain(store_path) as store:
        assert store.customer.name
    rekey_store(store_path, PASSPHRASE, "rotated")
    with open_store_with_keychain(store_path):
        pass
    forget_keychain(store_path, "rotated")
    assert memory_keyring.secrets == {}
    with pytest.raises(WrongPassphrase, match="not kept"):
        open_store_with_keychain(store_path)
    assert actions(store_path, "rotated")[-1] == "store.keychain_forgotten"


def test_no_keychain_is_refused_plainly_and_writes_no_key_file(
    store_path: Path, no_keyring: None
) -> None:
    before = sorted(os.listdir(store_path.parent))
    key_file_before = keys.key_file_path(store_path).read_bytes()
    with pytest.raises(KeychainUnavailable, match="no keychain"):
        remember_in_keychain(store_path, PASSPHRASE)
    assert sorted(os.listdir(store_path.parent)) == before
    assert keys.key_file_path(store_path).read_bytes() == key_file_before


def test_store_open_elsewhere_is_not_rekeyed(store_path: Path) -> None:
    with open_store(store_path, PASSPHRASE) as store, store.read() as session:
        session.execute(audit.select(audit.AuditEntry)).all()
        with pytest.raises(UsageError, match="open in another program"):
            rekey_store(store_path, PASSPHRASE, "new one")
    # nothing changed: the old passphrase still opens and the key file is as it was
    assert actions(store_path, PASSPHRASE) == ["store.created"]
    assert keys.read_key_file(store_path).pending_rekey is None
