"""An open store: its engine, who it belongs to, and sessions scoped to one action."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class CustomerInfo:
    id: str
    name: str
    created_at: str


class Store:
    """A store unlocked by one of its secrets. Close it (or use ``with``) when done.

    ``read()`` gives a session for looking; ``write()`` gives one that takes the
    write lock at its start and commits everything at its end, or nothing.
    """

    def __init__(
        self,
        path: Path,
        engine: Engine,
        *,
        store_id: str,
        customer: CustomerInfo,
        schema_revision: str,
    ) -> None:
        self.path = path
        self.engine = engine
        self.store_id = store_id
        self.customer = customer
        self.schema_revision = schema_revision
        self._write_engine = engine.execution_options(upstream_begin="IMMEDIATE")

    @contextmanager
    def read(self) -> Iterator[Session]:
        # Closing (not rolling back) ends the read transaction and keeps the loaded
        # objects usable after the session is gone.
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
            except BaseException:
                session.rollback()
                raise
            session.commit()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
