"""What an admin sends to set an alert rule or a payer mapping."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.models.base import PLAIN_TEXT

Metric = Literal[
    "denial_rate",
    "allowed_per_unit",
    "paid_to_allowed",
    "denial_reason_mix",
    "days_to_pay_median",
    "days_to_pay_p90",
]
PlainName = Annotated[
    str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True, pattern=PLAIN_TEXT)
]
RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]


class AlertRuleInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: PlainName
    metrics: Annotated[list[Metric], Field(min_length=1, max_length=6)]
    min_severity: Literal["low", "medium", "high"] = "low"
    min_effect: Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)] = 0.0
    min_monthly_impact: Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)] = 0.0
    payer: PlainName | None = None
    cpt: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{5}$")] | None = None
    enabled: bool = True

    def metrics_json(self) -> str:
        return json.dumps(list(self.metrics))


class PayerMappingInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    raw_name: PlainName
    canonical_payer: PlainName
