"""Enrolment code rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from sync_server.db.repository import TenantScopedRepository
from sync_server.enrolment.models import EnrolmentCode


class EnrolmentCodeRepository(TenantScopedRepository[EnrolmentCode]):
    model = EnrolmentCode

    def create(
        self,
        tenant_id: str,
        code_id: str,
        code_hash: str,
        max_uses: int,
        now: datetime,
        expires_at: datetime,
    ) -> EnrolmentCode:
        code = EnrolmentCode(
            id=code_id,
            tenant_id=tenant_id,
            code_hash=code_hash,
            max_uses=max_uses,
            uses=0,
            created_at=now,
            expires_at=expires_at,
        )
        self.session.add(code)
        self.session.flush()
        return code

    def list(self, tenant_id: str) -> Sequence[EnrolmentCode]:
        return self.session.scalars(
            self.readable(tenant_id).order_by(EnrolmentCode.created_at.desc())
        ).all()


def consume_code(session: Session, code_hash: str, now: datetime) -> str | None:
    """Use up one use of a live code; the code's tenant, or None when no live code matches.

    One conditional UPDATE, so two desktops racing for the last use cannot both win.
    """
    tenant_id = session.scalar(
        update(EnrolmentCode)
        .where(
            EnrolmentCode.code_hash == code_hash,
            EnrolmentCode.uses < EnrolmentCode.max_uses,
            EnrolmentCode.expires_at > now,
        )
        .values(uses=EnrolmentCode.uses + 1)
        .returning(EnrolmentCode.tenant_id)
    )
    return None if tenant_id is None else str(tenant_id)
