"""Operator feedback: stored, audited and queued for sync in one transaction; merged LWW."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from desktop.alerts.errors import AlertNotFound
from desktop.alerts.feedback import effective_feedback, record_feedback
from desktop.errors import InvalidInput
from desktop.store import audit, open_store
from desktop.store.models import Feedback, OutboxItem, SyncState
from desktop.sync.outbox import pending_count
from shared.models.feedback import FeedbackItem
from tests.conftest import PASSPHRASE, StoreFactory
from tests.desktop.alerts.scenario import Scenario, Spec
from tests.helpers.stubs import MovableClock

A = Spec()
START = datetime(2026, 11, 2, 10, 15, tzinfo=UTC)


@pytest.fixture
def scenario(make_store: StoreFactory) -> Iterator[Scenario]:
    clock = MovableClock(START)
    with open_store(make_store().path, PASSPHRASE, clock=clock) as store:
        s = Scenario(store, clock)
        s.run(A)
        yield s


def test_a_verdict_is_stored_audited_and_queued_with_the_wire_shape(scenario: Scenario) -> None:
    alert = scenario.alert(A)
    result = scenario.feedback(A, "noise", "seasonal dip")
    with scenario.store.read() as session:
        row = session.get(Feedback, result.feedback.id)
        item = session.get(OutboxItem, result.feedback.id)
        trail = [e for e in audit.entries(session) if e.action == "alert.feedback"]
    assert row is not None and item is not None
    assert (row.origin, row.device_id, row.actor, row.effect_at_feedback) == (
        "local", None, "tester", 0.10,
    )  # fmt: skip
    payload = json.loads(item.payload_json)
    assert item.kind == "feedback" and "device_id" not in payload
    wire = FeedbackItem(**payload, device_id="device-0001")
    assert wire.item_id == row.id and wire.fingerprint == alert.fingerprint == A.fingerprint
    assert (wire.verdict, wire.note, wire.hlc) == ("noise", "seasonal dip", row.hlc)
    assert row.hlc.startswith("2026-11-02T10:15:00.000Z-")
    assert trail[-1].object_id == alert.id and trail[-1].details["verdict"] == "noise"
    assert (result.state_before, result.state_after) == ("open", "suppressed")


def test_an_enrolled_device_stamps_its_id(scenario: Scenario) -> None:
    with scenario.store.write() as session:
        session.add(
            SyncState(
                id=1, server_url="http://127.0.0.1:9", device_id="dev-42abc", tenant_id="t-1",
                device_token="x", enrolled_at="2026-11-01T00:00:00Z", pull_cursor=0,
            )
        )  # fmt: skip
    result = scenario.feedback(A, "real")
    assert result.feedback.device_id == "dev-42abc"


def test_unknown_alerts_and_bad_notes_store_nothing(scenario: Scenario) -> None:
    with pytest.raises(AlertNotFound, match="no alert 'nope'"):
        record_feedback(scenario.store, "nope", "noise")
    alert_id = scenario.alert(A).id
    with pytest.raises(InvalidInput, match="note"):
        record_feedback(scenario.store, alert_id, "noise", "x" * 2001)
    with pytest.raises(InvalidInput, match="verdict"):
        record_feedback(scenario.store, alert_id, "maybe")
    with scenario.store.read() as session:
        assert session.scalar(select(func.count()).select_from(Feedback)) == 0
        assert pending_count(session) == 0


def _remote(session: object, fp: str, verdict: str, hlc: str, device: str) -> None:
    session.add(  # type: ignore[attr-defined]
        Feedback(
            id=f"r-{device}-{hlc[-6:]}-{verdict}", fingerprint=fp, verdict=verdict, note=None,
            effect_at_feedback=None, actor=f"device {device}", device_id=device, hlc=hlc,
            created_at="2026-11-02T11:00:00Z", origin="remote",
        )
    )  # fmt: skip


def test_the_latest_verdict_over_all_devices_wins(scenario: Scenario) -> None:
    scenario.feedback(A, "noise")  # local, 10:15 on 2 November
    fp = A.fingerprint
    with scenario.store.write() as session:
        _remote(session, fp, "real", "2026-11-02T10:14:00.000Z-0000-aaaa", "dev-a")
        assert effective_feedback(session, [fp])[fp].verdict == "noise"
        _remote(session, fp, "resolved", "2026-11-02T10:16:00.000Z-0000-bbbb", "dev-b")
        _remote(session, fp, "real", "2026-11-02T10:16:00.000Z-0000-bbbb", "dev-c")
        latest = effective_feedback(session, [fp])[fp]
    assert (latest.verdict, latest.device_id) == ("real", "dev-c")  # tie: device id breaks it


def test_a_remote_noise_verdict_holds_and_learns_the_effect_it_applied_at(
    scenario: Scenario,
) -> None:
    fp = A.fingerprint
    with scenario.store.write() as session:
        _remote(session, fp, "noise", "2026-11-02T10:20:00.000Z-0000-cccc", "dev-c")
    scenario.clock.advance(timedelta(days=1))
    held = scenario.run(A)
    scenario.clock.advance(timedelta(days=1))
    grew = scenario.run(Spec(effect=0.2))
    with scenario.store.read() as session:
        effect = session.scalars(select(Feedback.effect_at_feedback)).one()
    assert [(o.outcome.value, o.reason) for o in (*held.outcomes, *grew.outcomes)] == [
        ("suppressed", "feedback_noise"),
        ("raised", "effect_grew_after_noise"),
    ]
    assert effect == 0.10
