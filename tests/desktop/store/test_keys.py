from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.errors import NotAnUpstreamStore, WrongPassphrase
from desktop.store import keys
from tests.conftest import FAST_KDF


def test_passphrase_wraps_and_unwraps_the_data_key() -> None:
    data_key = keys.new_data_key()
    key_file, _ = keys.new_key_file("store-1", data_key, "pässwörd", FAST_KDF)
    (found,) = keys.unwrap_with_passphrase(key_file, "pässwörd")
    assert found.data_key == data_key
    assert found.state == "current"
    assert keys.unwrap_with_passphrase(key_file, "password") == []


def test_passphrase_is_unicode_normalised() -> None:
    data_key = keys.new_data_key()
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    key_file, _ = keys.new_key_file("store-1", data_key, composed, FAST_KDF)
    assert keys.unwrap_with_passphrase(key_file, decomposed)[0].data_key == data_key


def test_recovery_key_opens_and_accepts_sloppy_typing() -> None:
    data_key = keys.new_data_key()
    key_file, recovery_key = keys.new_key_file("store-1", data_key, "pw", FAST_KDF)
    assert len(recovery_key.split("-")) == 8
    sloppy = " ".join(recovery_key.lower().split("-"))
    assert keys.unwrap_with_recovery(key_file, sloppy)[0].data_key == data_key


def test_another_recovery_key_is_refused() -> None:
    key_file, _ = keys.new_key_file("store-1", keys.new_data_key(), "pw", FAST_KDF)
    with pytest.raises(WrongPassphrase, match="does not belong"):
        keys.unwrap_with_recovery(key_file, keys.new_recovery_key())
    with pytest.raises(WrongPassphrase, match="not a recovery key"):
        keys.unwrap_with_recovery(key_file, "ABCD-EFGH")


def test_recovery_seal_needs_no_secret() -> None:
    data_key, new_key = keys.new_data_key(), keys.new_data_key()
    key_file, recovery_key = keys.new_key_file("store-1", data_key, "pw", FAST_KDF)
    entry = keys.wrap_data_key(key_file, new_key, "next", "new-pw", keychain_secret=None)
    key_file = key_file.with_keys((*key_file.keys, entry))
    unwrapped = {k.state: k.data_key for k in keys.unwrap_with_recovery(key_file, recovery_key)}
    assert unwrapped == {"current": data_key, "next": new_key}


def test_entries_are_bound_to_their_store() -> None:
    data_key = keys.new_data_key()
    key_file, _ = keys.new_key_file("store-1", data_key, "pw", FAST_KDF)
    moved = replace(key_file, store_id="store-2")
    assert keys.unwrap_with_passphrase(moved, "pw") == []


def test_key_file_round_trips_and_never_holds_the_key(tmp_path: Path) -> None:
    store = tmp_path / "s.upstream"
    store.write_bytes(b"\x01" * 4096)
    data_key = keys.new_data_key()
    key_file, _ = keys.new_key_file("store-1", data_key, "pw", FAST_KDF)
    keys.write_key_file(store, key_file)
    raw = keys.key_file_path(store).read_bytes()
    assert data_key.hex().encode() not in raw and data_key not in raw
    assert keys.read_key_file(store) == key_file
    assert keys.key_file_path(store).stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "content",
    [b"", b"not json", json.dumps({"format": "something-else"}).encode(), b'{"format": 1}'],
)
def test_damaged_key_file_is_refused(tmp_path: Path, content: bytes) -> None:
    store = tmp_path / "s.upstream"
    store.write_bytes(b"\x01" * 4096)
    keys.key_file_path(store).write_bytes(content)
    with pytest.raises(NotAnUpstreamStore):
        keys.read_key_file(store)


def test_newer_key_file_version_names_the_fix(tmp_path: Path) -> None:
    store = tmp_path / "s.upstream"
    store.write_bytes(b"\x01" * 4096)
    key_file, _ = keys.new_key_file("store-1", keys.new_data_key(), "pw", FAST_KDF)
    document = key_file.to_json() | {"version": 99}
    keys.key_file_path(store).write_text(json.dumps(document))
    with pytest.raises(NotAnUpstreamStore, match="newer Upstream"):
        keys.read_key_file(store)
