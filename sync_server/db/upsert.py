"""``INSERT … ON CONFLICT DO NOTHING`` for the backend in use."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignoring_conflicts(session: Session, table: Any, conflict_columns: list[str]) -> Any:
    """An INSERT statement on ``table`` that skips rows conflicting on ``conflict_columns``."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=conflict_columns)
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=conflict_columns)
    raise RuntimeError(f"unsupported database {dialect!r}")
