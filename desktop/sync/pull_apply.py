"""Applying one pulled page: alert rules, payer mappings and other devices' feedback.

Runs in one write transaction together with the new cursor, so a page is applied
whole or not at all and is never applied twice. Every rule and mapping change is
written to the audit trail (mappings through the payer mapping service, which audits
and re-keys the stored lines itself).

Feedback from the tenant's other devices is stored as ``origin = "remote"`` rows and
its clock observed, so this device's next feedback orders after it. Which judgment
holds for a fingerprint is decided when read: the latest by (hlc, device id), last
writer wins; the alert with that fingerprint, if this store has it, follows the judgment
in force at once (audited), so noise marked on one device suppresses it on the others.
A row already stored (the same item pulled again) and this device's own feedback echoed
back are skipped, so nothing is duplicated.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.alerts.feedback import apply_remote_feedback
from desktop.clock import Clock, iso_utc
from desktop.ingest.payer_keys import payer_key
from desktop.ingest.payers import remove_payer_mapping, set_payer_mapping
from desktop.store import audit
from desktop.store.models import AlertRule, Feedback, PayerMapping
from desktop.sync.hlc import observe_hlc
from desktop.sync.state import read_value, write_value
from shared.models import AlertRuleChange, FeedbackChange, PayerMappingChange, PullResponse

RULE_IDS_KEY = "sync.server_rule_ids"  # server rule id -> local alert_rule.id
FEEDBACK_ID_NAMESPACE = uuid.UUID("8f6a1d3c-2b7e-4c59-a0d4-6e5f7a8b9c0d")


@dataclass(frozen=True)
class Applied:
    rules_set: int = 0
    rules_removed: int = 0
    mappings_set: int = 0
    mappings_removed: int = 0
    feedback_added: int = 0
    feedback_skipped: int = 0

    def __add__(self, other: Applied) -> Applied:
        return Applied(*(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__))

    @property
    def anything(self) -> bool:
        return any(getattr(self, f) for f in self.__dataclass_fields__)


def apply_page(session: Session, page: PullResponse, own_device: str, clock: Clock) -> Applied:
    done = Applied()
    for rule in page.rules:
        done += _apply_rule(session, rule, clock)
    for mapping in page.mappings:
        done += _apply_mapping(session, mapping, clock)
    for change in page.feedback:
        done += _apply_feedback(session, change, own_device, clock)
    return done


# --- rules ----------------------------------------------------------------------------


def _rule_ids(session: Session) -> dict[str, int]:
    value = read_value(session, RULE_IDS_KEY)
    return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _free_name(session: Session, wanted: str, rule_id: str, own: int | None) -> str:
    """The rule's name, unless a rule of this device already has it."""
    holder = session.scalar(select(AlertRule.id).where(AlertRule.name == wanted))
    return wanted if holder is None or holder == own else f"{wanted} (server rule {rule_id})"


def _apply_rule(session: Session, change: AlertRuleChange, clock: Clock) -> Applied:
    ids = _rule_ids(session)
    now = iso_utc(clock())
    local = session.get(AlertRule, ids[change.rule_id]) if change.rule_id in ids else None
    before = None if local is None else _rule_summary(local)
    if change.deleted:
        if local is None:
            return Applied()
        session.delete(local)
        ids.pop(change.rule_id)
        write_value(session, RULE_IDS_KEY, ids, now)
        _audit_rule(session, "alert_rule.removed", change, before, None, clock)
        return Applied(rules_removed=1)
    name = _free_name(session, change.name, change.rule_id, None if local is None else local.id)
    if local is None:
        local = AlertRule(source="server", name=name)
        session.add(local)
    local.name = name
    local.metrics_json = json.dumps(change.metrics)
    local.min_severity = change.min_severity
    local.min_effect = change.min_effect
    local.min_monthly_impact = change.min_monthly_impact
    local.payer = change.payer
    local.cpt = change.cpt
    local.enabled = change.enabled
    local.source = "server"
    local.updated_at = now
    session.flush()
    ids[change.rule_id] = local.id
    write_value(session, RULE_IDS_KEY, ids, now)
    _audit_rule(session, "alert_rule.set", change, before, _rule_summary(local), clock)
    return Applied(rules_set=1)


def _rule_summary(rule: AlertRule) -> dict[str, object]:
    return {
        "name": rule.name,
        "metrics": json.loads(rule.metrics_json),
        "min_severity": rule.min_severity,
        "min_effect": rule.min_effect,
        "min_monthly_impact": rule.min_monthly_impact,
        "payer": rule.payer,
        "cpt": rule.cpt,
        "enabled": rule.enabled,
    }


def _audit_rule(
    session: Session,
    action: str,
    change: AlertRuleChange,
    before: dict[str, object] | None,
    after: dict[str, object] | None,
    clock: Clock,
) -> None:
    audit.append(
        session,
        action,
        "alert_rule",
        change.rule_id,
        {"source": "server", "version": change.version, "before": before, "after": after},
        clock=clock,
    )


# --- payer mappings ---------------------------------------------------------------------


def _apply_mapping(session: Session, change: PayerMappingChange, clock: Clock) -> Applied:
    if not change.deleted:
        set_payer_mapping(
            session, change.raw_name, change.canonical_payer, source="server", clock=clock
        )
        return Applied(mappings_set=1)
    key = payer_key(change.raw_name)
    current = session.scalar(select(PayerMapping).where(PayerMapping.raw_key == key))
    # Only a mapping the server set goes away with it; one a person set here stays.
    if current is None or current.source != "server":
        return Applied()
    remove_payer_mapping(session, change.raw_name, clock=clock)
    return Applied(mappings_removed=1)


# --- feedback -----------------------------------------------------------------------------


def feedback_row_id(device_id: str, item_id: str) -> str:
    """The local id of a pulled item (the wire id when it fits, else derived from it)."""
    if len(item_id) <= 36:
        return item_id
    return str(uuid.uuid5(FEEDBACK_ID_NAMESPACE, f"{device_id}\x1f{item_id}"))


def _apply_feedback(
    session: Session, change: FeedbackChange, own_device: str, clock: Clock
) -> Applied:
    item = change.feedback
    row_id = feedback_row_id(item.device_id, item.item_id)
    if item.device_id == own_device or session.get(Feedback, row_id) is not None:
        return Applied(feedback_skipped=1)
    session.add(
        Feedback(
            id=row_id,
            fingerprint=item.fingerprint,
            verdict=str(item.verdict),
            note=item.note,
            effect_at_feedback=None,
            actor=f"device {item.device_id}",
            device_id=item.device_id,
            hlc=item.hlc,
            created_at=iso_utc(clock()),
            origin="remote",
        )
    )
    session.flush()
    observe_hlc(session, item.hlc, clock=clock)
    # The verdict acts on this device's alert now, not only at the next analysis run.
    apply_remote_feedback(session, row_id, clock)
    return Applied(feedback_added=1)
