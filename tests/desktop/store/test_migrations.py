from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from desktop.store import engine, keys, migrate, open_store
from desktop.store.models import Base
from tests.helpers.stores import copy_store

DATA = Path(__file__).parents[2] / "data" / "stores"
DOMAIN_TABLES = {
    "0001_core": {"customer", "store_meta", "setting", "audit_log"},
    "0002_claims": {"payer", "payer_mapping", "import_batch", "claim_line", "column_mapping"},
    "0003_quality": {"quality_rule", "quality_issue"},
    "0004_alerts": {"analysis_run", "finding", "alert_rule", "alert", "alert_event", "feedback"},
    "0005_sync": {"sync_state", "outbox"},
    "engines_claim_columns": {"claim_column_block", "claim_column_data", "claim_column_dirty"},
    "engines_dirty_marks": set(),
    "alerts_default_rules": set(),
    "sync_device_name": set(),
}


@pytest.fixture
def empty_encrypted(tmp_path: Path) -> engine.Engine:
    path = tmp_path / "empty.db"
    path.touch()
    store_engine = engine.create_store_engine(path, keys.new_data_key())
    yield store_engine
    store_engine.dispose()


def test_head_constant_matches_alembic() -> None:
    script = ScriptDirectory(str(migrate.MIGRATIONS_DIR))
    assert migrate.script_head() == migrate.HEAD_REVISION
    in_order = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(in_order) == migrate.KNOWN_REVISIONS
    assert list(DOMAIN_TABLES) == in_order


def test_each_domain_migration_adds_its_tables(empty_encrypted: engine.Engine) -> None:
    seen: set[str] = set()
    for revision, tables in DOMAIN_TABLES.items():
        result = migrate.upgrade(empty_encrypted, revision)
        assert result.to_revision == revision
        with empty_encrypted.connect() as connection:
            now = set(inspect(connection).get_table_names()) - {"alembic_version"}
        assert now - seen == tables
        seen = now


def test_models_match_the_migrations(empty_encrypted: engine.Engine) -> None:
    migrate.upgrade(empty_encrypted)
    with empty_encrypted.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_migrations_go_down_and_up_again(empty_encrypted: engine.Engine) -> None:
    migrate.upgrade(empty_encrypted)
    with empty_encrypted.connect() as connection, connection.begin():
        command.downgrade(migrate.alembic_config(connection), "base")
    with empty_encrypted.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    assert migrate.upgrade(empty_encrypted).to_revision == migrate.HEAD_REVISION


@pytest.mark.parametrize("fixture", sorted(DATA.glob("*.upstream")), ids=lambda p: p.name)
def test_stores_of_released_schemas_open_and_upgrade(fixture: Path, tmp_path: Path) -> None:
    copy = copy_store(fixture, tmp_path / fixture.name)
    passphrase = (DATA / "PASSPHRASE").read_text().strip()
    with open_store(copy, passphrase) as store:
        assert store.customer.name == "Fixture Billing Office"
        assert store.schema_revision == migrate.HEAD_REVISION


def test_there_is_a_store_of_the_current_schema() -> None:
    assert (DATA / f"schema-{migrate.HEAD_REVISION}.upstream").exists()


def test_store_from_a_newer_version_is_refused(
    tmp_path: Path, empty_encrypted: engine.Engine
) -> None:
    migrate.upgrade(empty_encrypted)
    with empty_encrypted.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(migrate.StoreTooNew, match="newer Upstream"):
        migrate.upgrade(empty_encrypted)
