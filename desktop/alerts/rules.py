"""Alert rules: which findings may become alerts (list, add, update, remove, enable).

A rule names the metrics it covers, a minimum severity, a minimum effect (in the
metric's own unit: a share for rates, a relative change for allowed per unit, days
for days to pay), a minimum monthly impact in dollars, and optionally one payer
and/or one procedure code. Every change runs in the caller's write transaction and
is written to the audit trail with before and after. Default rules ship with every
store (migration ``alerts_default_rules``, ``source = 'default'``); the sync server's
rules arrive with ``source = 'server'``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.alerts.metrics import KNOWN_METRICS, SEVERITIES
from desktop.clock import Clock, iso_utc, utc_now
from desktop.errors import InvalidInput
from desktop.store import audit
from desktop.store.models import AlertRule


class RuleNotFound(InvalidInput):
    """No alert rule has this id."""


@dataclass(frozen=True)
class RuleSpec:
    """What a rule says; validated on construction."""

    name: str
    metrics: tuple[str, ...]
    min_severity: str = "low"
    min_effect: float = 0.0
    min_monthly_impact: float = 0.0
    payer: str | None = None
    cpt: str | None = None
    enabled: bool = True

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("an alert rule needs a name")
        if not self.metrics:
            raise InvalidInput(f"alert rule {self.name!r} covers no metric")
        unknown = [m for m in self.metrics if m not in KNOWN_METRICS]
        if unknown:
            raise InvalidInput(f"unknown metric(s) {unknown}; known: {list(KNOWN_METRICS)}")
        if self.min_severity not in SEVERITIES:
            raise InvalidInput(f"min_severity is one of {list(SEVERITIES)}")
        for field, value in (
            ("min_effect", self.min_effect),
            ("min_monthly_impact", self.min_monthly_impact),
        ):
            if not math.isfinite(value) or value < 0:
                raise InvalidInput(f"{field} must be a finite number of at least 0, not {value}")
        if self.cpt is not None and not (len(self.cpt) == 5 and self.cpt.isalnum()):
            raise InvalidInput(f"a procedure code has 5 letters or digits, not {self.cpt!r}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "metrics": list(self.metrics),
            "min_severity": self.min_severity,
            "min_effect": self.min_effect,
            "min_monthly_impact": self.min_monthly_impact,
            "payer": self.payer,
            "cpt": self.cpt,
            "enabled": self.enabled,
        }


@dataclass(frozen=True)
class RuleInfo:
    id: int
    spec: RuleSpec
    source: str  # default | user | server
    updated_at: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, **self.spec.as_dict(), "source": self.source}


@dataclass(frozen=True)
class RuleChange:
    """What a rule operation did (``before``/``after`` are None for add/remove)."""

    rule_id: int
    before: RuleSpec | None
    after: RuleSpec | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _spec(row: AlertRule) -> RuleSpec:
    return RuleSpec(
        name=row.name,
        metrics=tuple(json.loads(row.metrics_json)),
        min_severity=row.min_severity,
        min_effect=row.min_effect,
        min_monthly_impact=row.min_monthly_impact,
        payer=row.payer,
        cpt=row.cpt,
        enabled=bool(row.enabled),
    )


def _info(row: AlertRule) -> RuleInfo:
    return RuleInfo(row.id, _spec(row), row.source, row.updated_at)


def list_rules(session: Session, *, enabled_only: bool = False) -> list[RuleInfo]:
    stmt = select(AlertRule).order_by(AlertRule.id)
    if enabled_only:
        stmt = stmt.where(AlertRule.enabled.is_(True))
    return [_info(row) for row in session.scalars(stmt)]


def _row(session: Session, rule_id: int) -> AlertRule:
    row = session.get(AlertRule, rule_id)
    if row is None:
        raise RuleNotFound(f"there is no alert rule {rule_id}")
    return row


def _name_free(session: Session, name: str, own: int | None) -> None:
    holder = session.scalar(select(AlertRule.id).where(AlertRule.name == name))
    if holder is not None and holder != own:
        raise InvalidInput(f"an alert rule named {name!r} exists already")


def _write(row: AlertRule, spec: RuleSpec, now: str) -> None:
    row.name = spec.name
    row.metrics_json = json.dumps(list(spec.metrics))
    row.min_severity = spec.min_severity
    row.min_effect = spec.min_effect
    row.min_monthly_impact = spec.min_monthly_impact
    row.payer = spec.payer
    row.cpt = spec.cpt
    row.enabled = spec.enabled
    row.updated_at = now


def _audit(session: Session, action: str, change: RuleChange, source: str, clock: Clock) -> None:
    audit.append(
        session,
        action,
        "alert_rule",
        str(change.rule_id),
        {
            "source": source,
            "before": None if change.before is None else change.before.as_dict(),
            "after": None if change.after is None else change.after.as_dict(),
        },
        clock=clock,
    )


def add_rule(session: Session, spec: RuleSpec, *, clock: Clock = utc_now) -> RuleChange:
    _name_free(session, spec.name, None)
    row = AlertRule(source="user")
    _write(row, spec, iso_utc(clock()))
    session.add(row)
    session.flush()
    change = RuleChange(row.id, None, spec)
    _audit(session, "alert_rule.added", change, "user", clock)
    return change


def update_rule(
    session: Session, rule_id: int, spec: RuleSpec, *, clock: Clock = utc_now
) -> RuleChange:
    """Replace what rule ``rule_id`` says; a rule edited here becomes the user's own."""
    row = _row(session, rule_id)
    before = _spec(row)
    if before == spec:
        return RuleChange(rule_id, before, spec)
    _name_free(session, spec.name, rule_id)
    _write(row, spec, iso_utc(clock()))
    row.source = "user"
    session.flush()
    change = RuleChange(rule_id, before, spec)
    _audit(session, "alert_rule.updated", change, "user", clock)
    return change


def set_rule_enabled(
    session: Session, rule_id: int, enabled: bool, *, clock: Clock = utc_now
) -> RuleChange:
    row = _row(session, rule_id)
    return update_rule(session, rule_id, replace(_spec(row), enabled=enabled), clock=clock)


def remove_rule(session: Session, rule_id: int, *, clock: Clock = utc_now) -> RuleChange:
    row = _row(session, rule_id)
    change = RuleChange(rule_id, _spec(row), None)
    source = row.source
    session.delete(row)
    session.flush()
    _audit(session, "alert_rule.removed", change, source, clock)
    return change
