"""``INSERT … ON CONFLICT DO NOTHING`` for the backend in use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
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


def insert_new_rows(
    session: Session,
    table: Any,
    rows: list[dict[str, Any]],
    conflict_columns: list[str],
    returning: str,
) -> list[Any]:
    """Insert ``rows`` skipping conflicts; the ``returning`` values of the rows inserted.

    On PostgreSQL the rows travel as one array per column through ``unnest``, so the
    statement text is the same for every batch size: psycopg keeps it prepared and the
    cost does not grow with a long multi-row VALUES list.
    """
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        statement = insert_ignoring_conflicts(session, table, conflict_columns)
        return list(session.scalars(statement.returning(table.c[returning]), rows))
    columns = sorted(rows[0])
    dialect = session.get_bind().dialect
    arrays = ", ".join(
        f"CAST(:{name} AS {table.c[name].type.compile(dialect=dialect)}[])" for name in columns
    )
    sql = text(
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays})"
        f" ON CONFLICT ({', '.join(conflict_columns)}) DO NOTHING RETURNING {returning}"
    )
    params = {name: [row[name] for row in rows] for name in columns}
    return list(session.execute(sql, params).scalars())
