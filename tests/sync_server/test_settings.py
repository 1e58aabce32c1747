"""Settings fail fast: unsafe production settings and unreachable backends stop startup."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sync_server.app import build_state
from sync_server.db.migrate import upgrade
from sync_server.errors import BackendUnavailable, ConfigurationRefused
from sync_server.settings import load_settings, secret_weakness
from tests.helpers.cli import run_cli
from tests.sync_server.client import ADMIN_TOKEN, SECRET_KEY
from tests.sync_server.conftest import ServerDb, make_settings

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("CONFIG_FILE", "DEBUG", "REDIS_URL", "DATABASE_MIGRATION_URL"):
        monkeypatch.delenv(f"UPSTREAM_SERVER_{key}", raising=False)
    monkeypatch.setenv("UPSTREAM_SERVER_ENVIRONMENT", "production")
    monkeypatch.setenv("UPSTREAM_SERVER_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("UPSTREAM_SERVER_ADMIN_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("UPSTREAM_SERVER_DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")


@pytest.mark.usefixtures("production_env")
def test_safe_production_settings_load() -> None:
    settings = load_settings()
    assert settings.environment == "production"
    assert settings.debug is False


@pytest.mark.usefixtures("production_env")
@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("DEBUG", "true", "debug is on"),
        ("SECRET_KEY", None, "SECRET_KEY is not set"),
        ("SECRET_KEY", "short-secret", "SECRET_KEY is weak: shorter than 32"),
        ("SECRET_KEY", "changeme-changeme-changeme-changeme-1234567", "placeholder word"),
        ("SECRET_KEY", "a" * 40, "distinct characters"),
        ("ADMIN_TOKEN", None, "ADMIN_TOKEN is not set"),
        ("DATABASE_URL", None, "DATABASE_URL is not set"),
        ("FORWARDED_ALLOW_IPS", "*", "trusts every peer"),
    ],
)
def test_production_refuses_unsafe_settings(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str | None, complaint: str
) -> None:
    if value is None:
        monkeypatch.delenv(f"UPSTREAM_SERVER_{variable}")
    else:
        monkeypatch.setenv(f"UPSTREAM_SERVER_{variable}", value)
    with pytest.raises(ConfigurationRefused, match=complaint):
        load_settings()


def test_production_refusal_stops_the_command(tmp_path: Path) -> None:
    result = run_cli(
        "serve",
        "--port",
        "1",
        program="upstream-server",
        env={"UPSTREAM_SERVER_ENVIRONMENT": "production", "UPSTREAM_SERVER_DEBUG": "1"},
    )
    assert result.returncode == 2
    assert "production mode refuses to start" in result.stderr
    assert "debug is on" in result.stderr


def test_a_config_file_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "server.toml"
    config.write_text('rate_limit_device = "5/minute"\nmax_body_bytes = 65536\n')
    monkeypatch.setenv("UPSTREAM_SERVER_CONFIG_FILE", str(config))
    monkeypatch.setenv("UPSTREAM_SERVER_MAX_BODY_BYTES", "131072")
    settings = load_settings()
    assert settings.rate_limit_device == "5/minute"
    assert settings.max_body_bytes == 131072
    config.write_text('rate_limt_device = "5/minute"\n')
    with pytest.raises(ConfigurationRefused, match="rate_limt_device"):
        load_settings()


def test_weak_secrets_are_named() -> None:
    assert secret_weakness(SECRET_KEY) is None
    assert secret_weakness("password" + "x1y2z3w4v5u6t7s8r9q0p") is not None


def test_an_unreachable_redis_is_a_startup_error(sqlite_db: ServerDb) -> None:
    settings = make_settings(sqlite_db, redis_url=UNREACHABLE_REDIS)
    upgrade(settings)
    with pytest.raises(BackendUnavailable, match="redis at 127.0.0.1:1"):
        build_state(settings)


def test_the_serve_command_refuses_an_unreachable_redis(sqlite_db: ServerDb) -> None:
    result = run_cli(
        "serve",
        "--port",
        "1",
        program="upstream-server",
        env={
            "UPSTREAM_SERVER_DATABASE_URL": sqlite_db.url,
            "UPSTREAM_SERVER_REDIS_URL": UNREACHABLE_REDIS,
        },
    )
    assert result.returncode == 5, result.stderr
    assert "rate-limit backend (redis at 127.0.0.1:1/0) cannot be reached" in result.stderr


def test_a_database_not_migrated_is_refused(sqlite_db: ServerDb) -> None:
    with pytest.raises(ConfigurationRefused, match="upstream-server migrate"):
        build_state(make_settings(sqlite_db))


def test_startup_logs_the_backends(sqlite_db: ServerDb, caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(sqlite_db)
    upgrade(settings)
    with caplog.at_level(logging.INFO, logger="sync_server"):
        build_state(settings).db.dispose()
    assert "storage: sqlite" in caplog.text
    assert "rate limits: memory (counters per process)" in caplog.text


def test_production_refuses_an_application_role_that_owns_the_tables(
    postgres_db: ServerDb,
) -> None:
    owner_as_app = ServerDb("postgresql", postgres_db.migration_url, postgres_db.migration_url)
    upgrade(make_settings(owner_as_app))
    settings = make_settings(owner_as_app, environment="production")
    with pytest.raises(ConfigurationRefused, match="the application role owns devices"):
        build_state(settings)


@pytest.mark.expect_log
def test_development_warns_when_row_level_security_is_weakened(
    postgres_db: ServerDb, caplog: pytest.LogCaptureFixture
) -> None:
    owner_as_app = ServerDb("postgresql", postgres_db.migration_url, postgres_db.migration_url)
    upgrade(make_settings(owner_as_app))
    build_state(make_settings(owner_as_app)).db.dispose()
    assert "row-level security is weakened: the application role owns" in caplog.text
