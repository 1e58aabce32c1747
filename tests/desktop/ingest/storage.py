"""Reading what an import left in a store, for assertions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from desktop.store import Store, audit


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
