"""The write transaction of one import: ``Store.write()``, without per-row key checks.

SQLite checks every foreign key of every inserted row (three per claim line) unless
told not to, and that costs about as much as a fifth of the insert itself. An
import needs no such check: each line's payer comes from the payer directory of the
same transaction and its import ids are the import's own, inserted first. So the
checks are switched off on the import's connection for the length of its
transaction (SQLite allows that only outside a transaction) and on again after,
whatever happens. Everything else is as ``Store.write()``: ``BEGIN IMMEDIATE``, one
commit at the end, a rollback on any exception. The connection's page cache is
made smaller for the import too, and restored after.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from desktop.store import Store

# An import appends: it needs the pages it is filling and the index path it inserts
# along, not the 64 MiB the analysis connections keep; the rest is memory it can spare.
IMPORT_CACHE_KIB = 24 * 1024


@contextmanager
def import_transaction(store: Store) -> Iterator[Session]:
    with store.engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA foreign_keys = OFF")  # before any BEGIN, or it does nothing
        cache = driver.execute("PRAGMA cache_size").fetchone()[0]
        driver.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        try:
            connection.execution_options(upstream_begin="IMMEDIATE")
            with Session(bind=connection, expire_on_commit=False) as session:
                try:
                    yield session
                except BaseException:
                    session.rollback()
                    raise
                session.commit()
        finally:
            if connection.in_transaction():
                connection.rollback()
            driver.execute("PRAGMA foreign_keys = ON")
            driver.execute(f"PRAGMA cache_size = {int(cache)}")
