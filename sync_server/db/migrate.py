"""Create or upgrade the server database, as the owner of its tables.

On PostgreSQL the application should connect as another role: after the upgrade the
owner grants that role (the user of ``database_url``) the least it needs — no
ownership, so it can neither drop the row-level-security policies nor escape them,
and only SELECT and INSERT on the append-only audit trail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, inspect, make_url, pool, text

from sync_server.db.base import Base
from sync_server.db.engine import create_database_engine, describe
from sync_server.errors import BackendUnavailable, ConfigurationRefused
from sync_server.settings import ServerSettings

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
HEAD_REVISION = "0004_audit"


@dataclass(frozen=True)
class MigrationResult:
    from_revision: str | None
    to_revision: str
    granted_to: str | None


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def script_head() -> str:
    heads = ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the server migrations have {len(heads)} heads: {heads}")
    return heads[0]


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def application_role(settings: ServerSettings) -> str | None:
    """The role to grant to: the app's user when it differs from the migration user."""
    app = make_url(settings.effective_database_url)
    owner = make_url(settings.effective_migration_url)
    if app.get_backend_name() != "postgresql" or app.username == owner.username:
        return None
    return app.username


def upgrade(settings: ServerSettings) -> MigrationResult:
    url = settings.effective_migration_url
    engine: Engine
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_database_engine(url, pool_size=1, max_overflow=0)
        runner: Engine = engine.execution_options(upstream_begin="IMMEDIATE")
    else:
        engine = create_engine(url, poolclass=pool.NullPool)
        runner = engine
    try:
        with runner.connect() as connection, connection.begin():
            before = current_revision(connection)
            command.upgrade(alembic_config(connection), "head")
            after = current_revision(connection)
            role = application_role(settings)
            if role is not None:
                grant_application_role(connection, role)
    except OSError as error:
        raise BackendUnavailable(f"cannot migrate {describe(url)}: {error}") from None
    finally:
        engine.dispose()
    if after is None:
        raise RuntimeError("the migration left no schema revision")
    log.info("server schema of %s migrated from %s to %s", describe(url), before, after)
    return MigrationResult(before, after, role)


def grant_application_role(connection: Connection, role: str) -> None:
    quote = connection.dialect.identifier_preparer.quote
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    grantee = quote(role)
    connection.execute(text(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {grantee}"))
    connection.execute(text(f"GRANT SELECT ON alembic_version TO {grantee}"))
    for table in Base.metadata.sorted_tables:
        rights = "SELECT, INSERT" if table.info.get("append_only") else "SELECT, INSERT, UPDATE"
        connection.execute(text(f"GRANT {rights} ON {quote(table.name)} TO {grantee}"))
    connection.execute(
        text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {grantee}")
    )


def require_head(connection: Connection) -> None:
    """Refuse to serve a database that is not at this version's schema."""
    revision = current_revision(connection)
    if revision != HEAD_REVISION:
        raise ConfigurationRefused(
            f"the server database is at schema revision {revision!r}, this version needs "
            f"{HEAD_REVISION!r}: run `upstream-server migrate`"
        )
