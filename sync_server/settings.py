"""Server settings: environment ``UPSTREAM_SERVER_*`` over an optional TOML config file.

The file is named by ``UPSTREAM_SERVER_CONFIG_FILE``; environment variables win over
it. Production mode refuses to start with debug on, a missing or weak secret or
admin token, or no explicit database URL.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from sync_server.errors import ConfigurationRefused

CONFIG_FILE_ENV = "UPSTREAM_SERVER_CONFIG_FILE"
MIN_SECRET_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 12
WEAK_MARKERS = ("changeme", "change-me", "secret", "password", "example", "default", "xxxx")


def default_database_url() -> str:
    folder = Path(user_data_dir("upstream-server", appauthor=False))
    return f"sqlite:///{folder / 'upstream-server.sqlite3'}"


def secret_weakness(value: str) -> str | None:
    """Why ``value`` is too weak to be a secret, or None when it is acceptable."""
    if len(value) < MIN_SECRET_LENGTH:
        return f"shorter than {MIN_SECRET_LENGTH} characters"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return f"fewer than {MIN_DISTINCT_CHARACTERS} distinct characters"
    lowered = value.lower()
    for marker in WEAK_MARKERS:
        if marker in lowered:
            return f"contains the placeholder word {marker!r}"
    return None


class ServerSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="UPSTREAM_SERVER_", extra="forbid", frozen=True, hide_input_in_errors=True
    )

    environment: Literal["development", "production"] = "development"
    debug: bool = False
    secret_key: SecretStr | None = Field(
        default=None, description="signs admin session cookies and CSRF tokens"
    )
    admin_token: SecretStr | None = Field(
        default=None, description="the admin credential for the admin API and page"
    )
    database_url: str | None = Field(
        default=None, description="application connection; default: a SQLite file"
    )
    database_migration_url: str | None = Field(
        default=None, description="owner connection used by `migrate` (default: database_url)"
    )
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_max_overflow: int = Field(default=10, ge=0, le=200)
    redis_url: str | None = None
    rate_limit_device: str = "120/minute"
    rate_limit_tenant: str = "600/minute"
    rate_limit_enrol: str = "10/minute"
    rate_limit_admin: str = "60/minute"
    rate_limit_key_prefix: str = Field(
        default="upstream", pattern=r"^[A-Za-z0-9_.-]{1,40}$", description="Redis key prefix"
    )
    max_body_bytes: int = Field(default=1_048_576, ge=1024, le=64 * 1_048_576)
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        pattern=r"^[0-9A-Fa-f.:/, *]{1,1000}$",
        description=(
            "reverse proxies trusted to report the client address (X-Forwarded-For) and"
            " scheme, as uvicorn's --forwarded-allow-ips: comma-separated addresses or"
            " networks; the address they report keys the enrolment and admin rate limits"
        ),
    )
    cookie_secure: bool = True

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get(CONFIG_FILE_ENV)
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config_file)))
        return tuple(sources)

    @model_validator(mode="after")
    def _production_is_safe(self) -> ServerSettings:
        if self.environment != "production":
            return self
        problems: list[str] = []
        if self.debug:
            problems.append("debug is on (UPSTREAM_SERVER_DEBUG)")
        for name, value in (("SECRET_KEY", self.secret_key), ("ADMIN_TOKEN", self.admin_token)):
            if value is None:
                problems.append(f"UPSTREAM_SERVER_{name} is not set")
            elif (weakness := secret_weakness(value.get_secret_value())) is not None:
                problems.append(f"UPSTREAM_SERVER_{name} is weak: {weakness}")
        if not self.database_url:
            problems.append("UPSTREAM_SERVER_DATABASE_URL is not set")
        if "*" in self.forwarded_allow_ips:
            problems.append(
                "UPSTREAM_SERVER_FORWARDED_ALLOW_IPS trusts every peer, so any client could"
                " pick the address its rate limits are counted under; name the proxies"
            )
        if problems:
            raise ValueError("production mode refuses to start: " + "; ".join(problems))
        return self

    @property
    def effective_database_url(self) -> str:
        return self.database_url or default_database_url()

    @property
    def effective_migration_url(self) -> str:
        return self.database_migration_url or self.effective_database_url


def load_settings() -> ServerSettings:
    """Read the settings, or raise :class:`ConfigurationRefused` saying what is wrong."""
    try:
        return ServerSettings()
    except ValidationError as error:
        messages = []
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"])
            text = problem["msg"].removeprefix("Value error, ")
            messages.append(f"{where}: {text}" if where else text)
        raise ConfigurationRefused("; ".join(messages)) from None
    except OSError as error:
        raise ConfigurationRefused(f"cannot read the config file: {error}") from None
