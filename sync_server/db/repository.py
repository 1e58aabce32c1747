"""The base of every tenant-scoped repository: every method takes ``tenant_id``.

``readable(tenant_id)`` is the one statement every read starts from, so a row of
another tenant is simply not there (404, exactly like a missing one).
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from sync_server.db.base import TenantScoped

M = TypeVar("M", bound=TenantScoped)


class TenantScopedRepository(Generic[M]):
    model: ClassVar[type[Any]]

    def __init__(self, session: Session) -> None:
        self.session = session

    def readable(self, tenant_id: str) -> Select[M]:
        if not tenant_id:
            raise ValueError("a tenant-scoped query needs a tenant id")
        statement: Select[M] = select(self.model).where(self.model.tenant_id == tenant_id)
        return statement
