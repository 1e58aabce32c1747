"""Aggregates: one cell per ISO week × canonical payer × procedure code.

Nothing here identifies a patient or a claim. Cells of 1–10 lines are never sent
(small-cell suppression); the server rejects such items too.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from shared.models.base import ClientId, PayerName, ProcedureCode, WireModel

IsoWeek = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$")]
Money = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]
Days = Annotated[float, Field(ge=0, le=3650, allow_inf_nan=False)]

SMALL_CELL_MAX_LINES = 10


class AggregateItem(WireModel):
    kind: Literal["aggregate"] = "aggregate"
    item_id: ClientId
    week: IsoWeek
    payer: PayerName
    cpt: ProcedureCode | None = Field(description="null for a payer-wide cell")
    lines: Annotated[int, Field(ge=0, le=10_000_000)]
    denied_lines: Annotated[int, Field(ge=0, le=10_000_000)]
    billed: Money
    allowed: Money
    paid: Money
    days_to_pay_p50: Days | None
    days_to_pay_p90: Days | None

    @model_validator(mode="after")
    def _quantiles_ordered(self) -> AggregateItem:
        p50, p90 = self.days_to_pay_p50, self.days_to_pay_p90
        if p50 is not None and p90 is not None and p90 < p50:
            raise ValueError("days_to_pay_p90 must not be below days_to_pay_p50")
        return self
