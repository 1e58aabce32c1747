"""Keyed SQLCipher connections and the SQLAlchemy engine built on them.

The key is applied on every new connection before any other statement, and is
followed by a test read: SQLCipher's ``PRAGMA key`` never fails by itself, only the
first read does. Nothing is written to the file until that read succeeded, so a
wrong key leaves the file untouched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from desktop.errors import NotAnUpstreamStore, WrongPassphrase

BUSY_TIMEOUT_MS = 10_000
# Random page reads on an encrypted file are several times slower with the default
# 2 MB cache; analysis reads whole tables, so give each connection 64 MiB.
CACHE_SIZE_KIB = 64 * 1024

DBAPI = sqlcipher


class KeyDoesNotOpen(WrongPassphrase):
    """A key unwrapped from the key file does not decrypt the store file."""


def apply_key(con: sqlcipher.Connection, data_key: bytes) -> None:
    """Key a fresh connection and prove the key with a read; raise if it is wrong."""
    if len(data_key) != 32:
        raise ValueError("a data key has 32 bytes")
    # Hex digits only, so formatting into the PRAGMA cannot inject anything.
    con.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
    # SQLCipher would also print its own "hmac check failed" lines to stderr for a
    # wrong key; the KeyDoesNotOpen raised below is the one report of that.
    con.execute("PRAGMA cipher_log_level = NONE")
    try:
        con.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except sqlcipher.DatabaseError:
        raise KeyDoesNotOpen(
            "the key does not open this file: wrong passphrase, or not an Upstream store"
        ) from None


def configure(con: sqlcipher.Connection) -> None:
    """Per-connection settings, applied after the key was proven."""
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    con.execute("PRAGMA foreign_keys = ON")
    # Rows that INSERT OR REPLACE deletes fire delete triggers only with this on; the
    # claim-column snapshots rely on those triggers to know a line changed.
    con.execute("PRAGMA recursive_triggers = ON")
    con.execute(f"PRAGMA cache_size = -{CACHE_SIZE_KIB}")
    # Temporary tables and sort spills stay in memory rather than in temp files.
    con.execute("PRAGMA temp_store = MEMORY")


def connect(path: Path, data_key: bytes, *, autocommit: bool = False) -> sqlcipher.Connection:
    """A keyed, configured connection. ``autocommit`` is what SQLAlchemy wants."""
    if not path.is_file():
        raise NotAnUpstreamStore(f"{path} does not exist or is not a file")
    con = sqlcipher.connect(
        str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
        isolation_level=None,
    )
    try:
        apply_key(con, data_key)
        configure(con)
    except BaseException:
        con.close()
        raise
    if not autocommit:
        con.isolation_level = ""  # DB-API default: implicit transactions before writes
    return con


def create_store_engine(path: Path, data_key: bytes, *, pool_size: int = 4) -> Engine:
    """An engine whose every pooled connection is keyed by ``data_key``.

    Transactions are begun explicitly (``BEGIN`` or ``BEGIN IMMEDIATE`` chosen by the
    ``upstream_begin`` execution option) instead of pysqlite's implicit ones, so a
    unit of work that will write takes the write lock up front and cannot fail
    half-way on a lock upgrade.
    """

    def creator() -> sqlcipher.Connection:
        return connect(path, data_key, autocommit=True)

    engine = create_engine(
        "sqlite://",
        creator=creator,
        module=sqlcipher,
        poolclass=QueuePool,
        pool_size=pool_size,
        max_overflow=4,
        pool_pre_ping=False,
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("upstream_begin", "DEFERRED")
        if mode not in ("DEFERRED", "IMMEDIATE"):
            raise ValueError(f"unknown begin mode {mode!r}")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
