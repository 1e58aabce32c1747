"""Reading what an import left in a store, for assertions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop.store import Store, audit, open_connection
from tests.conftest import PASSPHRASE


def query(store: Store, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with store.read() as session:
        return [tuple(row) for row in session.execute(text(sql), params)]


def scalar(store: Store, sql: str, **params: Any) -> Any:
    rows = query(store, sql, **params)
    return rows[0][0] if rows else None


def actions(store: Store) -> list[str]:
    with store.read() as session:
        return [entry.action for entry in audit.entries(session)]


def audit_is_intact(store: Store) -> bool:
    with store.read() as session:
        return audit.verify(session).ok


def all_stored_text(path: Path) -> str:
    """Every text value of every table of the decrypted store, one per line."""
    con = open_connection(path, PASSPHRASE)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]
        values: list[str] = []
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 - names from the schema
                values.extend(str(v) for v in row if v is not None)
        return "\n".join(values)
    finally:
        con.close()
