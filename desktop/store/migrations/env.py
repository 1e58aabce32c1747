"""Alembic environment for the encrypted store.

Migrations always run on the caller's already-keyed connection, passed in
``config.attributes["connection"]``; this module never opens the store itself.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from desktop.store.models import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "store migrations run only through desktop.store.migrate on a keyed connection"
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
    compare_type=True,
    include_object=context.config.attributes.get("include_object"),
)
with context.begin_transaction():
    context.run_migrations()
