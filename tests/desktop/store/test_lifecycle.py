from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.errors import NotAnUpstreamStore, UsageError, WrongPassphrase
from desktop.store import keys, migrate, open_connection, open_store
from desktop.store.models import Customer
from tests.conftest import PASSPHRASE, StoreFactory


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_store_is_bound_to_one_customer(make_store: StoreFactory) -> None:
    created = make_store(customer="  Lakeside Orthopedics  ")
    with open_store(created.path, PASSPHRASE) as store, store.read() as session:
        (customer,) = session.scalars(select(Customer)).all()
    assert customer.name == "Lakeside Orthopedics"
    assert customer.id == created.customer_id == store.customer.id
    assert customer.created_at.endswith("Z")
    assert store.schema_revision == migrate.HEAD_REVISION
    assert store.store_id == created.store_id


def test_store_is_two_files_and_nothing_else(make_store: StoreFactory, tmp_path: Path) -> None:
    created = make_store()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        created.path.name,
        created.path.name + ".keys",
    ]


def test_creating_over_an_existing_path_is_refused(make_store: StoreFactory) -> None:
    created = make_store()
    before = digest(created.path)
    with pytest.raises(UsageError, match="already exists"):
        make_store(path=created.path)
    assert digest(created.path) == before


def test_wrong_passphrase_leaves_the_files_byte_identical(store_path: Path) -> None:
    key_path = keys.key_file_path(store_path)
    before = (digest(store_path), digest(key_path), sorted(os.listdir(store_path.parent)))
    with pytest.raises(WrongPassphrase):
        open_store(store_path, "not the passphrase")
    assert (digest(store_path), digest(key_path), sorted(os.listdir(store_path.parent))) == before


def test_plaintext_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE claim (id TEXT)")
        con.execute("INSERT INTO claim VALUES ('A-1')")
    con.close()
    before = digest(path)
    with pytest.raises(NotAnUpstreamStore, match="plaintext SQLite"):
        open_store(path, PASSPHRASE)
    assert digest(path) == before


@pytest.mark.parametrize("content", [b"", os.urandom(8192), b"hello, world\n" * 40])
def test_other_files_are_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "file.upstream"
    path.write_bytes(content)
    with pytest.raises(NotAnUpstreamStore):
        open_store(path, PASSPHRASE)
    assert path.read_bytes() == content
    assert sorted(os.listdir(tmp_path)) == ["file.upstream"]


def test_random_file_with_a_borrowed_key_file_is_refused(
    make_store: StoreFactory, tmp_path: Path
) -> None:
    created = make_store()
    impostor = tmp_path / "impostor.upstream"
    impostor.write_bytes(os.urandom(16384))
    keys.key_file_path(impostor).write_bytes(keys.key_file_path(created.path).read_bytes())
    with pytest.raises(NotAnUpstreamStore, match="does not match its key file"):
        open_store(impostor, PASSPHRASE)


def test_key_file_of_another_store_is_refused(make_store: StoreFactory) -> None:
    first, second = make_store(), make_store()
    keys.key_file_path(first.path).write_bytes(keys.key_file_path(second.path).read_bytes())
    with pytest.raises(NotAnUpstreamStore):
        open_store(first.path, PASSPHRASE)


def test_missing_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotAnUpstreamStore, match="does not exist"):
        open_store(tmp_path / "nothing.upstream", PASSPHRASE)


def test_open_connection_is_keyed_and_ready(store_path: Path) -> None:
    con = open_connection(store_path, PASSPHRASE)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        (revision,) = con.execute("SELECT version_num FROM alembic_version").fetchone()
        assert revision == migrate.HEAD_REVISION
    finally:
        con.close()


def test_open_connection_raises_the_exit_3_error(store_path: Path, tmp_path: Path) -> None:
    with pytest.raises(WrongPassphrase):
        open_connection(store_path, "nope")
    other = tmp_path / "other.bin"
    other.write_bytes(b"\0" * 100)
    with pytest.raises(NotAnUpstreamStore):
        open_connection(str(other), PASSPHRASE)


def test_a_copy_with_its_key_file_opens(make_store: StoreFactory, tmp_path: Path) -> None:
    created = make_store()
    copy_dir = tmp_path / "backup"
    copy_dir.mkdir()
    copy = copy_dir / created.path.name
    copy.write_bytes(created.path.read_bytes())
    keys.key_file_path(copy).write_bytes(keys.key_file_path(created.path).read_bytes())
    with open_store(copy, PASSPHRASE) as store:
        assert store.customer.id == created.customer_id


def test_a_copy_without_its_key_file_says_what_is_missing(
    make_store: StoreFactory, tmp_path: Path
) -> None:
    created = make_store()
    copy = tmp_path / "lonely.upstream"
    copy.write_bytes(created.path.read_bytes())
    with pytest.raises(NotAnUpstreamStore, match=r"key file lonely\.upstream\.keys is missing"):
        open_store(copy, PASSPHRASE)
