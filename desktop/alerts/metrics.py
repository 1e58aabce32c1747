"""The names alert rules and findings share: metrics, directions and severities."""

from __future__ import annotations

DRIFT_METRICS = ("denial_rate", "allowed_per_unit", "paid_to_allowed", "denial_reason_mix")
DELAY_METRICS = ("days_to_pay_median", "days_to_pay_p90")
KNOWN_METRICS = DRIFT_METRICS + DELAY_METRICS
# Metrics whose claim lines behind a finding are the denied ones.
DENIAL_METRICS = ("denial_rate", "denial_reason_mix")
SEVERITIES = ("low", "medium", "high")
DIRECTIONS = ("up", "down")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)
