"""PostgreSQL fixtures' plumbing: throwaway roles and schemas in the `test` database.

The owner role runs migrations; the application role neither owns the tables nor
bypasses row-level security, exactly as in production. Both are dropped at the end.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import psycopg

ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"


def _url(role: str, schema: str) -> str:
    return f"postgresql+psycopg://{role}@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"


@dataclass(frozen=True)
class PgRoles:
    owner: str
    app: str

    @classmethod
    def create(cls) -> PgRoles:
        suffix = secrets.token_hex(4)
        roles = cls(owner=f"upstream_owner_{suffix}", app=f"upstream_app_{suffix}")
        with psycopg.connect(ADMIN_DSN, autocommit=True) as con:
            con.execute(f"CREATE ROLE {roles.owner} LOGIN NOSUPERUSER NOBYPASSRLS")
            con.execute(f"CREATE ROLE {roles.app} LOGIN NOSUPERUSER NOBYPASSRLS")
            con.execute(f"GRANT CREATE ON DATABASE test TO {roles.owner}")
        return roles

    def drop(self) -> None:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as con:
            for role in (self.app, self.owner):
                con.execute(f"DROP OWNED BY {role} CASCADE")
            con.execute(f"REVOKE CREATE ON DATABASE test FROM {self.owner}")
            con.execute(f"DROP ROLE {self.app}")
            con.execute(f"DROP ROLE {self.owner}")


@dataclass(frozen=True)
class PgSchema:
    name: str
    owner_url: str
    app_url: str

    @classmethod
    def create(cls, roles: PgRoles) -> PgSchema:
        name = f"upstream_test_{secrets.token_hex(6)}"
        with psycopg.connect(ADMIN_DSN, autocommit=True) as con:
            con.execute(f"CREATE SCHEMA {name} AUTHORIZATION {roles.owner}")
        return cls(name, _url(roles.owner, name), _url(roles.app, name))

    def drop(self) -> None:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as con:
            con.execute(f"DROP SCHEMA {self.name} CASCADE")
