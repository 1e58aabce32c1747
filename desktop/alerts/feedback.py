"""Operator feedback on alerts: recorded, audited, queued for sync, merged by clock.

A verdict (real, noise, resolved) is stored as a ``feedback`` row keyed by the alert's
fingerprint, with a hybrid-logical-clock stamp; in the same transaction it is written
to the audit trail and queued in the sync outbox (the wire ``FeedbackItem`` without
``device_id``, which the sync client adds). Rows pulled from the other devices of the
customer arrive with ``origin = 'remote'``. The verdict in force for a fingerprint is
the latest over all origins, ordered by (hlc, device id): last writer wins, and the
suppression policy sees only that one.

``effect_at_feedback`` is the effect this store showed when the verdict took effect
here: the alert's effect for a local verdict; for a pulled one (the wire does not
carry effects) the first evaluation that uses it fills it in from the alert.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.alerts.errors import AlertNotFound
from desktop.alerts.suppression import (
    FeedbackView,
    Verdict,
    after_feedback,
    load_params,
)
from desktop.clock import Clock, iso_utc, utc_now
from desktop.errors import InvalidInput
from desktop.store import Store, audit
from desktop.store.models import Alert, Feedback, SyncState
from desktop.sync.hlc import Hlc, next_hlc
from desktop.sync.outbox import enqueue
from shared.models.feedback import FeedbackItem

VERDICTS: tuple[Verdict, ...] = ("real", "noise", "resolved")
PLACEHOLDER_DEVICE = "local-device"  # validates the wire shape; never sent


@dataclass(frozen=True)
class FeedbackRecord:
    id: str
    fingerprint: str
    verdict: Verdict
    note: str | None
    actor: str
    device_id: str | None
    hlc: str
    origin: str
    effect_at_feedback: float | None

    @property
    def at(self) -> datetime:
        """When the verdict was given (the wall part of its clock stamp, UTC)."""
        return datetime.fromisoformat(Hlc.parse(self.hlc).wall.replace("Z", "+00:00"))

    def view(self) -> FeedbackView:
        return FeedbackView(self.verdict, self.at, self.effect_at_feedback)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "verdict": self.verdict,
            "note": self.note,
            "actor": self.actor,
            "origin": self.origin,
            "device_id": self.device_id,
            "hlc": self.hlc,
            "at": iso_utc(self.at),
        }


@dataclass(frozen=True)
class FeedbackResult:
    """What ``record_feedback`` changed."""

    feedback: FeedbackRecord
    alert_id: str
    state_before: str
    state_after: str
    suppressed_reason: str | None
    outbox_item_id: str


def _record(row: Feedback) -> FeedbackRecord:
    return FeedbackRecord(
        row.id,
        row.fingerprint,
        cast(Verdict, row.verdict),
        row.note,
        row.actor,
        row.device_id,
        row.hlc,
        row.origin,
        row.effect_at_feedback,
    )


def _wire_payload(
    item_id: str, fingerprint: str, verdict: str, note: str | None, hlc: str
) -> dict[str, object]:
    try:
        item = FeedbackItem(
            item_id=item_id,
            fingerprint=fingerprint,
            verdict=verdict,
            note=note,
            hlc=hlc,
            device_id=PLACEHOLDER_DEVICE,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise InvalidInput(f"this feedback cannot be recorded: {problems}") from None
    return item.model_dump(mode="json", exclude={"device_id"})


def record_feedback(
    target: Store | Session,
    alert_id: str,
    verdict: str,
    note: str | None = None,
    *,
    actor: str | None = None,
    clock: Clock = utc_now,
) -> FeedbackResult:
    """Record a verdict on an alert (in the caller's write transaction if given a session)."""
    if isinstance(target, Store):
        with target.write() as session:
            return record_feedback(session, alert_id, verdict, note, actor=actor, clock=clock)
    session = target
    if verdict not in VERDICTS:
        raise InvalidInput(f"a verdict is one of {list(VERDICTS)}, not {verdict!r}")
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise AlertNotFound(alert_id)
    if note is not None and not note.strip():
        note = None
    feedback_id = str(uuid.uuid4())
    hlc = next_hlc(session, clock=clock)
    payload = _wire_payload(feedback_id, alert.fingerprint, verdict, note, hlc)
    sync = session.get(SyncState, 1)
    who = actor or audit.current_actor()
    row = Feedback(
        id=feedback_id,
        fingerprint=alert.fingerprint,
        verdict=verdict,
        note=note,
        effect_at_feedback=alert.effect,
        actor=who,
        device_id=None if sync is None else sync.device_id,
        hlc=hlc,
        created_at=iso_utc(clock()),
        origin="local",
    )
    session.add(row)
    session.flush()
    record = _record(row)
    before = alert.state
    _follow_verdict_in_force(session, alert, clock)
    item = enqueue(session, "feedback", payload, item_id=feedback_id, clock=clock)
    audit.append(
        session,
        "alert.feedback",
        "alert",
        alert.id,
        {
            "feedback_id": feedback_id,
            "fingerprint": alert.fingerprint,
            "verdict": verdict,
            "has_note": note is not None,
            "state_before": before,
            "state_after": alert.state,
        },
        actor=who,
        clock=clock,
    )
    session.flush()
    return FeedbackResult(record, alert.id, before, alert.state, alert.suppressed_reason, item.id)


def _follow_verdict_in_force(session: Session, alert: Alert, clock: Clock) -> None:
    """Set the alert's state from the verdict in force, which may be another device's."""
    in_force = effective_feedback(session, [alert.fingerprint])[alert.fingerprint]
    change = after_feedback(
        alert.state,
        alert.suppressed_reason,
        alert.suppressed_by,
        in_force.view(),
        load_params(session),
    )
    alert.state = change.state
    alert.suppressed_reason = change.suppressed_reason
    alert.suppressed_by = change.suppressed_by
    alert.updated_at = iso_utc(clock())


def apply_remote_feedback(session: Session, feedback_id: str, clock: Clock) -> str | None:
    """Let a verdict pulled from another device act here at once, as a local one would.

    The pulled row is already stored. If this store has the alert, it takes the effect
    shown now (so "noise unless the effect grows" compares against this store's figure)
    and its state follows the verdict in force; the change is audited. Returns the
    alert's id when one changed state, else None (no alert here, or no change).
    """
    row = session.get(Feedback, feedback_id)
    if row is None:
        raise InvalidInput(f"no stored feedback {feedback_id!r} to apply")
    alert = session.scalar(select(Alert).where(Alert.fingerprint == row.fingerprint))
    if alert is None:
        return None
    fill_effect(session, feedback_id, alert.effect)
    before = alert.state
    _follow_verdict_in_force(session, alert, clock)
    if alert.state == before:
        return None
    audit.append(
        session,
        "alert.remote_feedback",
        "alert",
        alert.id,
        {
            "feedback_id": feedback_id,
            "fingerprint": alert.fingerprint,
            "verdict": row.verdict,
            "device_id": row.device_id,
            "state_before": before,
            "state_after": alert.state,
        },
        actor=row.actor,
        clock=clock,
    )
    return alert.id


def _order(row: Feedback) -> tuple[str, str]:
    return (row.hlc, row.device_id or "")


def effective_feedback(session: Session, fingerprints: Iterable[str]) -> dict[str, FeedbackRecord]:
    """The verdict in force per fingerprint over all origins (absent: no feedback)."""
    wanted = sorted(set(fingerprints))
    latest: dict[str, Feedback] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for row in session.scalars(select(Feedback).where(Feedback.fingerprint.in_(chunk))):
            best = latest.get(row.fingerprint)
            if best is None or _order(row) > _order(best):
                latest[row.fingerprint] = row
    return {fp: _record(row) for fp, row in latest.items()}


def fill_effect(session: Session, feedback_id: str, effect: float | None) -> None:
    """Give a pulled verdict the effect this store showed when it first applied it."""
    row = session.get(Feedback, feedback_id)
    if row is not None and row.effect_at_feedback is None and effect is not None:
        row.effect_at_feedback = effect


def feedback_history(session: Session, fingerprint: str) -> list[FeedbackRecord]:
    """Every verdict on a fingerprint, newest (in clock order) first."""
    rows = list(session.scalars(select(Feedback).where(Feedback.fingerprint == fingerprint)))
    rows.sort(key=_order, reverse=True)
    return [_record(row) for row in rows]
