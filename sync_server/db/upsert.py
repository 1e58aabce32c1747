"""``INSERT … ON CONFLICT DO NOTHING`` for the backend in use."""

from __future__ import annotations

import json
from datetime import datetime
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

    On PostgreSQL the rows travel as one JSON document expanded by ``jsonb_to_recordset``:
    the statement text is the same for every batch size (the driver keeps it prepared)
    and encoding the rows costs one ``json.dumps`` instead of per-value adaptation.
    """
    if not rows:
        return []
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        statement = insert_ignoring_conflicts(session, table, conflict_columns)
        return list(session.scalars(statement.returning(table.c[returning]), rows))
    columns = sorted(rows[0])
    record = ", ".join(f"{name} {table.c[name].type.compile(dialect=dialect)}" for name in columns)
    names = ", ".join(columns)
    sql = text(
        f"INSERT INTO {table.name} ({names}) SELECT {names}"
        f" FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r({record})"
        f" ON CONFLICT ({', '.join(conflict_columns)}) DO NOTHING RETURNING {returning}"
    )
    document = json.dumps(rows, default=_json_value)
    return list(session.execute(sql, {"rows": document}).scalars())


def _json_value(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} as JSON")
