"""Transactions whose statements travel together: one round trip per step on PostgreSQL.

The push path is a few dependent steps of several statements each. Under load every
round trip costs a wait for the database and, in a threaded worker, a wait for the
interpreter lock; and the statement that hands out a tenant's change numbers locks
the tenant's row until commit. So on PostgreSQL a step's statements go out in
psycopg's pipeline mode: BEGIN and the row-level-security keys ride with the first
step, COMMIT rides with the last, and a lock taken in the last step is held only
while the server runs it, never while Python works. On SQLite the same statements
run one after another (writers take the lock up front, ``BEGIN IMMEDIATE``).

Statements are ``text()`` clauses compiled once per dialect; on PostgreSQL their
parameters go to the driver as they are (aware datetimes, str, int), so they must
not rely on SQLAlchemy bind processing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from weakref import WeakKeyDictionary

import psycopg
from sqlalchemy import Connection, Dialect, Engine, Executable
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import TextClause, TextualSelect

Compilable = TextClause | TextualSelect  # plain SQL, optionally with typed result columns
Params = Mapping[str, Any]


class Pending:
    """The rows a queued statement returns, readable once its step was sent."""

    __slots__ = ("_rows",)

    def __init__(self) -> None:
        self._rows: Sequence[Sequence[Any]] | None = None

    @classmethod
    def empty(cls) -> Pending:
        """The answer of a statement that had nothing to do and was never sent."""
        pending = cls()
        pending._set([])
        return pending

    def _set(self, rows: Sequence[Sequence[Any]]) -> None:
        self._rows = rows

    def all(self) -> Sequence[Sequence[Any]]:
        if self._rows is None:
            raise RuntimeError("the statement's step was not sent yet")
        return self._rows

    def first(self) -> Sequence[Any] | None:
        rows = self.all()
        return rows[0] if rows else None

    def scalars(self) -> list[Any]:
        return [row[0] for row in self.all()]


class PipelinedTransaction(ABC):
    """Queue statements with :meth:`add`; :meth:`flush` or :meth:`commit` sends them."""

    backend: str
    dialect: Dialect

    @abstractmethod
    def add(self, statement: Compilable, params: Params) -> Pending:
        """Queue a statement (SQLite runs it at once); its rows once its step was sent."""

    @abstractmethod
    def add_many(self, statement: Executable, rows: Sequence[Params]) -> Pending:
        """One statement over many parameter sets (SQLite only: PostgreSQL sends JSON)."""

    @abstractmethod
    def flush(self) -> None:
        """Send the queued statements and wait for their answers."""

    @abstractmethod
    def commit(self) -> None:
        """Send the queued statements and COMMIT, together."""


class _SerialTransaction(PipelinedTransaction):
    """SQLite: each statement runs when added; commit ends the transaction."""

    def __init__(self, connection: Connection) -> None:
        self.backend = connection.dialect.name
        self.dialect = connection.dialect
        self._connection = connection
        self._transaction = connection.begin()
        self.committed = False

    def add(self, statement: Compilable, params: Params) -> Pending:
        return self._run(statement, dict(params))

    def add_many(self, statement: Executable, rows: Sequence[Params]) -> Pending:
        return self._run(statement, [dict(row) for row in rows])

    def _run(self, statement: Executable, params: dict[str, Any] | list[dict[str, Any]]) -> Pending:
        result = self._connection.execute(statement, params)
        pending = Pending()
        pending._set(result.all() if result.returns_rows else [])
        return pending

    def flush(self) -> None:
        return None

    def commit(self) -> None:
        self._transaction.commit()
        self.committed = True

    def rollback_unless_committed(self) -> None:
        if not self.committed:
            self._transaction.rollback()


# PostgreSQL SQL text per statement, compiled on first use (statements are module constants)
_COMPILED: WeakKeyDictionary[Compilable, str] = WeakKeyDictionary()


def _compiled(statement: Compilable, engine: Engine) -> str:
    sql = _COMPILED.get(statement)
    if sql is None:
        sql = _COMPILED[statement] = str(statement.compile(dialect=engine.dialect))
    return sql


class _PostgresPipeline(PipelinedTransaction):
    """PostgreSQL: queued statements go out together in psycopg's pipeline mode."""

    backend = "postgresql"

    def __init__(self, engine: Engine, driver: psycopg.Connection[Any]) -> None:
        self._engine = engine
        self.dialect = engine.dialect
        self._driver = driver
        self._queue: list[tuple[str, Params, Pending]] = []
        self.committed = False

    def add(self, statement: Compilable, params: Params) -> Pending:
        if self.committed:
            raise RuntimeError("the transaction is already committed")
        pending = Pending()
        self._queue.append((_compiled(statement, self._engine), params, pending))
        return pending

    def add_many(self, statement: Executable, rows: Sequence[Params]) -> Pending:
        raise TypeError("on PostgreSQL send many rows as one JSON document")

    def flush(self) -> None:
        self._send(commit=False)

    def commit(self) -> None:
        self._send(commit=True)
        self.committed = True

    def _send(self, *, commit: bool) -> None:
        queue, self._queue = self._queue, []
        cursors = []
        try:
            with self._driver.pipeline():
                for sql, params, pending in queue:
                    cursor = self._driver.cursor()
                    cursor.execute(sql, params)
                    cursors.append((cursor, pending))
                if commit:
                    self._driver.commit()
            for cursor, pending in cursors:
                pending._set(cursor.fetchall() if cursor.description is not None else [])
                cursor.close()
        except psycopg.Error as error:
            sent = "; ".join([sql for sql, _, _ in queue] + (["COMMIT"] if commit else []))
            raise DBAPIError.instance(
                sent, None, error, psycopg.Error, hide_parameters=True
            ) from error


@contextmanager
def pipelined(
    engine: Engine, scope_statement: Compilable | None, scope_params: Params
) -> Iterator[PipelinedTransaction]:
    """A transaction on ``engine``; ``scope_statement`` (PostgreSQL) leads its first step.

    Leaving the block without :meth:`PipelinedTransaction.commit` rolls back.
    """
    with engine.connect() as connection:
        if engine.dialect.name != "postgresql":
            serial = _SerialTransaction(connection)
            try:
                yield serial
            finally:
                serial.rollback_unless_committed()
            return
        driver = connection.connection.driver_connection
        if not isinstance(driver, psycopg.Connection):
            raise RuntimeError("the PostgreSQL engine must use the psycopg driver")
        pipeline = _PostgresPipeline(engine, driver)
        if scope_statement is not None:
            pipeline.add(scope_statement, scope_params)
        try:
            yield pipeline
        finally:
            if driver.broken:
                connection.invalidate()  # never hand a dead connection back to the pool
            elif not pipeline.committed:
                driver.rollback()
