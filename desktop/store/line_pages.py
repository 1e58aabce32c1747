"""Claim lines a page at a time, by id, for tables that scroll through millions of lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop.engines.windows import from_day
from desktop.store.models.claims import ClaimStatus

LINE_SELECT = """
    SELECT l.id, l.claim_id, l.line_number, p.name, l.cpt, l.date_of_service,
           l.submitted_date, l.decision_date, l.paid_date, l.billed_cents,
           l.allowed_cents, l.paid_cents, l.status, l.carc_codes
    FROM claim_line AS l JOIN payer AS p ON p.id = l.payer_id
"""
PAGE_SQL = text(
    LINE_SELECT
    + """
    WHERE l.id > :after
    ORDER BY l.id
    LIMIT :limit
    """
)


@dataclass(frozen=True)
class LineRow:
    id: int
    claim_id: str
    line_number: int
    payer: str
    cpt: str
    date_of_service: str
    submitted_date: str
    decision_date: str | None
    paid_date: str | None
    billed: float
    allowed: float | None
    paid: float | None
    status: str
    carc_codes: str | None


def day_text(value: int | None) -> str | None:
    return None if value is None else from_day(value).isoformat()


def dollars(cents: int | None) -> float | None:
    return None if cents is None else cents / 100.0


def read_line_page(session: Session, *, after_id: int, limit: int) -> list[LineRow]:
    """Up to ``limit`` lines with ids above ``after_id``, in id order."""
    rows = session.execute(PAGE_SQL, {"after": after_id, "limit": limit}).all()
    return [line_row(r) for r in rows]


def line_row(r: Any) -> LineRow:
    """A row selected with ``LINE_SELECT`` as a ``LineRow``."""
    return LineRow(
        id=r[0],
        claim_id=r[1],
        line_number=r[2],
        payer=r[3],
        cpt=r[4],
        date_of_service=day_text(r[5]) or "",
        submitted_date=day_text(r[6]) or "",
        decision_date=day_text(r[7]),
        paid_date=day_text(r[8]),
        billed=r[9] / 100.0,
        allowed=dollars(r[10]),
        paid=dollars(r[11]),
        status=ClaimStatus(r[12]).name.lower(),
        carc_codes=r[13],
    )


def line_count(session: Session) -> int:
    """How many lines there are (one index scan: run it off the GUI thread)."""
    return int(session.execute(text("SELECT count(*) FROM claim_line")).scalar_one())
