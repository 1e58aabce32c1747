"""Schema migrations of the store, applied automatically when a store opens.

One Alembic migration per domain (core, claims, quality, alerts, sync, then later
changes). Alembic runs on the already-keyed connection; a store whose revision this
version does not know was written by a newer Upstream and is refused, untouched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from desktop.errors import StoreTooNew

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest revision. Checked against Alembic's own head by a test, and compared on
# every open so that an up-to-date store costs one query instead of an Alembic load.
HEAD_REVISION = "sync_device_name"
KNOWN_REVISIONS = (
    "0001_core",
    "0002_claims",
    "0003_quality",
    "0004_alerts",
    "0005_sync",
    "engines_claim_columns",
    "engines_dirty_marks",
    "alerts_default_rules",
    "sync_device_name",
)


@dataclass(frozen=True)
class MigrationResult:
    from_revision: str | None
    to_revision: str

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def script_head() -> str:
    heads = ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the store migrations have {len(heads)} heads: {heads}")
    return heads[0]


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def upgrade(engine: Engine, target: str = "head") -> MigrationResult:
    """Bring the store to ``target`` (default: head) in one transaction."""
    with engine.connect() as connection:
        before = current_revision(connection)
        if target == "head" and before == HEAD_REVISION:
            return MigrationResult(before, before)
        if before is not None and before not in KNOWN_REVISIONS:
            raise StoreTooNew(
                f"this store has schema revision {before!r}, which this version of Upstream "
                "does not know: it was written by a newer Upstream. Install that version."
            )
    writer = engine.execution_options(upstream_begin="IMMEDIATE")
    with writer.connect() as connection, connection.begin():
        command.upgrade(alembic_config(connection), target)
        after = current_revision(connection)
    if after is None:
        raise RuntimeError("the migration left no schema revision")
    log.info("store schema migrated from %s to %s", before, after)
    return MigrationResult(before, after)
