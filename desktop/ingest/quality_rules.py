"""The store's data-quality rules: built-ins seeded per store, plus the office's own.

Built-in rules are written into ``quality_rule`` the first time they are needed, so
an office can change their severity or switch them off like any other rule. Office
rules take one of four simple forms (required, range, regex, compare) and may be
scoped to a payer and/or a CPT code. Every change is audited.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import Clock, iso_utc, utc_now
from desktop.engines.quality import (
    BUILTIN_CODES,
    BUILTIN_RULES,
    OFFICE_KINDS,
    Rule,
    RuleBook,
    RuleKind,
    Severity,
    compile_check,
)
from desktop.engines.quality_custom import RuleDefinitionError
from desktop.ingest.errors import RuleError
from desktop.ingest.payer_keys import payer_key
from desktop.store import audit
from desktop.store.models import Payer, QualityRule

_CODE = re.compile(r"[a-z][a-z0-9_]{2,63}")
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class OfficeRuleSpec:
    code: str
    kind: str  # required | range | regex | compare
    field: str
    severity: str = "warning"
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    scope_payer: str | None = None  # a canonical payer's name
    scope_cpt: str | None = None
    description: str = ""


@dataclass(frozen=True)
class QualityRuleInfo:
    code: str
    kind: str
    field: str | None
    params: dict[str, Any]
    severity: str
    scope_payer: str | None
    scope_cpt: str | None
    enabled: bool
    description: str


@dataclass(frozen=True)
class RuleChange:
    code: str
    action: str  # added | updated | removed | unchanged
    before: QualityRuleInfo | None
    after: QualityRuleInfo | None


def ensure_builtin_rules(session: Session, *, clock: Clock = utc_now) -> int:
    """Write the built-in rules this store lacks; returns how many were added."""
    present = set(session.scalars(select(QualityRule.code).where(QualityRule.kind == "builtin")))
    now = iso_utc(clock())
    added = 0
    for builtin in BUILTIN_RULES:
        if builtin.code not in present:
            session.add(
                QualityRule(
                    code=builtin.code,
                    kind="builtin",
                    field=None,
                    params_json="{}",
                    severity=builtin.severity,
                    enabled=True,
                    description=builtin.description,
                    updated_at=now,
                )
            )
            added += 1
    if added:
        session.flush()
    return added


def load_rule_book(session: Session) -> RuleBook:
    """The enabled rules of this store, compiled (call ``ensure_builtin_rules`` first)."""
    rules = [_rule(row) for row in session.scalars(select(QualityRule).order_by(QualityRule.id))]
    return RuleBook(rules)


def list_quality_rules(session: Session) -> list[QualityRuleInfo]:
    """Every rule, built-ins first (those not yet seeded shown with their defaults)."""
    payers = {row.id: row.name for row in session.execute(select(Payer.id, Payer.name))}
    stored = {row.code: _info(row, payers) for row in session.scalars(select(QualityRule))}
    builtin = [
        stored.get(b.code)
        or QualityRuleInfo(b.code, "builtin", None, {}, b.severity, None, None, True, b.description)
        for b in BUILTIN_RULES
    ]
    office = sorted((i for c, i in stored.items() if c not in BUILTIN_CODES), key=lambda i: i.code)
    return builtin + office


def add_office_rule(
    session: Session, spec: OfficeRuleSpec, *, clock: Clock = utc_now
) -> RuleChange:
    if not _CODE.fullmatch(spec.code) or spec.code in BUILTIN_CODES:
        raise RuleError(
            f"{spec.code!r} cannot name a rule: use 3 to 64 lower-case letters, digits and "
            "underscores, and not the name of a built-in rule"
        )
    if session.scalar(select(QualityRule.id).where(QualityRule.code == spec.code)):
        raise RuleError(f"there is already a rule named {spec.code!r}")
    if spec.kind not in OFFICE_KINDS:
        raise RuleError(f"an office rule is one of {', '.join(OFFICE_KINDS)}, not {spec.kind!r}")
    severity = _severity(spec.severity)
    payer_id = None if spec.scope_payer is None else _payer_id(session, spec.scope_payer)
    cpt = None if spec.scope_cpt is None else spec.scope_cpt.strip().upper()
    rule = Rule(
        spec.code,
        cast(RuleKind, spec.kind),
        severity,
        spec.field,
        dict(spec.params),
        payer_id,
        cpt,
        spec.description,
    )
    try:
        compile_check(rule)
    except RuleDefinitionError as exc:
        raise RuleError(f"rule {spec.code!r}: {exc}") from exc
    row = QualityRule(
        code=spec.code,
        kind=spec.kind,
        field=spec.field,
        params_json=json.dumps(dict(spec.params), sort_keys=True),
        severity=severity,
        scope_payer_id=payer_id,
        scope_cpt=cpt,
        enabled=True,
        description=spec.description,
        updated_at=iso_utc(clock()),
    )
    session.add(row)
    session.flush()
    after = _info(row, _payer_names(session))
    audit.append(
        session, "quality_rule.added", "quality_rule", spec.code, _audit(after), clock=clock
    )
    return RuleChange(spec.code, "added", None, after)


def update_rule(
    session: Session,
    code: str,
    *,
    severity: str | None = None,
    enabled: bool | None = None,
    clock: Clock = utc_now,
) -> RuleChange:
    """Change a rule's severity or switch it on or off (built-in rules included)."""
    ensure_builtin_rules(session, clock=clock)
    row = _row(session, code)
    payers = _payer_names(session)
    before = _info(row, payers)
    if severity is not None:
        row.severity = _severity(severity)
    if enabled is not None:
        row.enabled = enabled
    after = _info(row, payers)
    if after == before:
        return RuleChange(code, "unchanged", before, after)
    row.updated_at = iso_utc(clock())
    session.flush()
    audit.append(
        session,
        "quality_rule.updated",
        "quality_rule",
        code,
        {"before": _audit(before), "after": _audit(after)},
        clock=clock,
    )
    return RuleChange(code, "updated", before, after)


def remove_office_rule(session: Session, code: str, *, clock: Clock = utc_now) -> RuleChange:
    if code in BUILTIN_CODES:
        raise RuleError(f"{code!r} is a built-in rule: switch it off instead of removing it")
    row = _row(session, code)
    before = _info(row, _payer_names(session))
    session.delete(row)
    session.flush()
    audit.append(session, "quality_rule.removed", "quality_rule", code, _audit(before), clock=clock)
    return RuleChange(code, "removed", before, None)


# --- internals ------------------------------------------------------------------------


def _rule(row: QualityRule) -> Rule:
    kind: RuleKind = row.kind  # type: ignore[assignment]
    severity: Severity = row.severity  # type: ignore[assignment]
    return Rule(
        code=row.code,
        kind=kind,
        severity=severity,
        field=row.field,
        params=json.loads(row.params_json),
        scope_payer_id=row.scope_payer_id,
        scope_cpt=row.scope_cpt,
        description=row.description if row.kind != "builtin" else "",
        enabled=row.enabled,
    )


def _info(row: QualityRule, payers: Mapping[int, str]) -> QualityRuleInfo:
    return QualityRuleInfo(
        code=row.code,
        kind=row.kind,
        field=row.field,
        params=json.loads(row.params_json),
        severity=row.severity,
        scope_payer=None if row.scope_payer_id is None else payers.get(row.scope_payer_id),
        scope_cpt=row.scope_cpt,
        enabled=bool(row.enabled),
        description=row.description,
    )


def _audit(info: QualityRuleInfo) -> dict[str, Any]:
    return {
        "kind": info.kind,
        "field": info.field,
        "params": info.params,
        "severity": info.severity,
        "scope_payer": info.scope_payer,
        "scope_cpt": info.scope_cpt,
        "enabled": info.enabled,
    }


def _row(session: Session, code: str) -> QualityRule:
    row = session.scalar(select(QualityRule).where(QualityRule.code == code))
    if row is None:
        raise RuleError(f"there is no quality rule named {code!r}")
    return row


def _severity(value: str) -> Severity:
    if value not in SEVERITIES:
        raise RuleError(f"severity is 'error' or 'warning', not {value!r}")
    return value  # type: ignore[return-value]


def _payer_names(session: Session) -> dict[int, str]:
    return {row.id: row.name for row in session.execute(select(Payer.id, Payer.name))}


def _payer_id(session: Session, name: str) -> int:
    for payer_id, payer_name in _payer_names(session).items():
        if payer_key(payer_name) == payer_key(name):
            return payer_id
    raise RuleError(f"there is no payer named {name!r} to scope the rule to")
