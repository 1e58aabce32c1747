"""Setting and deleting a tenant's alert rules and payer mappings.

Every change takes the tenant's next change number as its version, so devices see
it on their next pull. Deletions are kept as tombstones for the same reason.
These functions run inside an admin transaction opened (and audited) by the caller.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from shared.models import AlertRuleChange, PayerMappingChange
from sync_server.errors import NotFound
from sync_server.policies.schemas import AlertRuleInput, PayerMappingInput
from sync_server.sync.models import AlertRule, PayerMapping
from sync_server.sync.repository import AlertRuleRepository, PayerMappingRepository
from sync_server.tenants.repository import TenantRepository


def rule_change(row: AlertRule) -> AlertRuleChange:
    return AlertRuleChange(
        rule_id=row.rule_id,
        version=row.version,
        deleted=row.deleted,
        name=row.name,
        metrics=list(json.loads(row.metrics_json)),
        min_severity=row.min_severity,
        min_effect=row.min_effect,
        min_monthly_impact=row.min_monthly_impact,
        payer=row.payer,
        cpt=row.cpt,
        enabled=row.enabled,
    )


def mapping_change(row: PayerMapping) -> PayerMappingChange:
    return PayerMappingChange(
        raw_name=row.raw_name,
        version=row.version,
        deleted=row.deleted,
        canonical_payer=row.canonical_payer,
    )


def _next_version(session: Session, tenant_id: str) -> int:
    return TenantRepository(session).allocate_seqs(tenant_id, 1)[0]


def set_rule(
    session: Session, tenant_id: str, rule_id: str, rule: AlertRuleInput, now: datetime
) -> AlertRuleChange:
    repository = AlertRuleRepository(session)
    row = repository.get(tenant_id, rule_id) or AlertRule(tenant_id=tenant_id, rule_id=rule_id)
    row.version = _next_version(session, tenant_id)
    row.deleted = False
    row.name = rule.name
    row.metrics_json = rule.metrics_json()
    row.min_severity = rule.min_severity
    row.min_effect = rule.min_effect
    row.min_monthly_impact = rule.min_monthly_impact
    row.payer = rule.payer
    row.cpt = rule.cpt
    row.enabled = rule.enabled
    row.updated_at = now
    repository.save(row)
    return rule_change(row)


def delete_rule(session: Session, tenant_id: str, rule_id: str, now: datetime) -> AlertRuleChange:
    repository = AlertRuleRepository(session)
    row = repository.get(tenant_id, rule_id)
    if row is None or row.deleted:
        raise NotFound(f"no alert rule {rule_id}")
    row.version = _next_version(session, tenant_id)
    row.deleted = True
    row.updated_at = now
    repository.save(row)
    return rule_change(row)


def set_mapping(
    session: Session, tenant_id: str, mapping: PayerMappingInput, now: datetime
) -> PayerMappingChange:
    repository = PayerMappingRepository(session)
    row = repository.get(tenant_id, mapping.raw_name) or PayerMapping(
        tenant_id=tenant_id, raw_name=mapping.raw_name
    )
    row.version = _next_version(session, tenant_id)
    row.deleted = False
    row.canonical_payer = mapping.canonical_payer
    row.updated_at = now
    repository.save(row)
    return mapping_change(row)


def delete_mapping(
    session: Session, tenant_id: str, raw_name: str, now: datetime
) -> PayerMappingChange:
    repository = PayerMappingRepository(session)
    row = repository.get(tenant_id, raw_name)
    if row is None or row.deleted:
        raise NotFound(f"no payer mapping for {raw_name!r}")
    row.version = _next_version(session, tenant_id)
    row.deleted = True
    row.updated_at = now
    repository.save(row)
    return mapping_change(row)
