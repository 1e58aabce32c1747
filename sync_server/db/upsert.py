"""``INSERT … ON CONFLICT DO NOTHING`` for the backend in use, queued in a pipelined step."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Dialect, Table, TextClause, text
from sqlalchemy.dialects import sqlite

from sync_server.db.pipeline import Pending, PipelinedTransaction


def queue_insert_new_rows(
    transaction: PipelinedTransaction,
    table: Table,
    rows: list[dict[str, Any]],
    conflict_columns: tuple[str, ...],
    returning: str,
) -> Pending:
    """Queue the insert of ``rows`` skipping conflicts; it returns the ``returning`` values
    of the rows inserted.

    On PostgreSQL the rows travel as one JSON document expanded by ``jsonb_to_recordset``:
    the statement text is the same for every batch size (the driver keeps it prepared)
    and encoding the rows costs one ``json.dumps`` instead of per-value adaptation.
    """
    if not rows:
        return Pending.empty()
    if transaction.backend == "postgresql":
        statement = _postgres_insert(
            transaction.dialect, table, tuple(sorted(rows[0])), conflict_columns, returning
        )
        return transaction.add(statement, {"rows": json.dumps(rows, default=_json_value)})
    insert = sqlite.insert(table).on_conflict_do_nothing(index_elements=list(conflict_columns))
    return transaction.add_many(insert.returning(table.c[returning]), rows)


@cache
def _postgres_insert(
    dialect: Dialect,
    table: Table,
    columns: tuple[str, ...],
    conflict_columns: tuple[str, ...],
    returning: str,
) -> TextClause:
    record = ", ".join(f"{name} {table.c[name].type.compile(dialect=dialect)}" for name in columns)
    names = ", ".join(columns)
    return text(
        f"INSERT INTO {table.name} ({names}) SELECT {names}"
        f" FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r({record})"
        f" ON CONFLICT ({', '.join(conflict_columns)}) DO NOTHING RETURNING {returning}"
    )


def _json_value(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} as JSON")
