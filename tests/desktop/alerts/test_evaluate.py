"""Alert evaluation in the standard analysis of a demo office, and its explicit outcomes."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import TypeAdapter
from sqlalchemy import func, select

from desktop.alerts.evaluate import run_outcome_counts, run_outcome_reasons
from desktop.alerts.fingerprint import fingerprint
from desktop.alerts.rules import list_rules, set_rule_enabled
from desktop.analysis import AnalysisRequest
from desktop.analysis.wiring import run_standard_analysis
from desktop.store import open_store
from desktop.store.models import Alert, AlertEvent, Finding
from shared.models.base import Fingerprint
from tests.conftest import PASSPHRASE, StoreFactory
from tests.desktop.alerts.scenario import Scenario, Spec
from tests.helpers.stubs import MovableClock

REQUEST = AnalysisRequest(as_of=date(2026, 10, 31))
INJECTED = {
    ("Acme Health", "99213", "denial_rate"),
    ("Northwind Health Plan", "99214", "allowed_per_unit"),
    ("Brightwater Mutual", None, "days_to_pay_median"),
    ("Federal Senior Care Program", None, "denial_reason_mix"),
    ("Kestrel Benefit Trust", None, "paid_to_allowed"),
}


def test_fingerprints_are_stable_hex_and_ignore_how_the_payer_is_spelled() -> None:
    fp = fingerprint("Acme Health", "99213", "denial_rate", "up")
    assert TypeAdapter(Fingerprint).validate_python(fp) == fp
    assert fp == fingerprint("  ACME   health ", "99213", "denial_rate", "up")
    assert fp == fingerprint("Acme Health", "99213", "denial_rate", "up")  # every run
    others = {
        fingerprint("Acme Health", "99213", "denial_rate", "down"),
        fingerprint("Acme Health", None, "denial_rate", "up"),
        fingerprint("Acme Health", "99214", "denial_rate", "up"),
        fingerprint("Acme Health", "99213", "paid_to_allowed", "up"),
        fingerprint("Acme Health Plan", "99213", "denial_rate", "up"),
    }
    assert fp not in others and len(others) == 5
    # Frozen: a device on another version must compute the same id.
    assert fp == "53b65b11e7f6dfdecf556da2725d647692834d550caf615e0d3f5d2dc81d384f"


def test_the_demo_changes_are_raised_then_held_by_the_cooldown(
    demo_store: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = MovableClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    caplog.set_level(logging.INFO, logger="desktop.alerts")
    with open_store(demo_store, PASSPHRASE, clock=clock) as store:
        first = run_standard_analysis(store, REQUEST, clock=clock)
        clock.advance(timedelta(days=1))
        second = run_standard_analysis(store, REQUEST, clock=clock)
        with store.read() as session:
            alerts = session.scalars(select(Alert)).all()
            found = {(a.payer, a.cpt, a.metric) for a in alerts}
            counts = run_outcome_counts(session, second.run_id)
            first_counts = run_outcome_counts(session, first.run_id)
            reasons = run_outcome_reasons(session, second.run_id)
            findings = session.scalar(select(func.count()).select_from(Finding))
            events = session.scalar(
                select(func.count())
                .select_from(AlertEvent)
                .where(AlertEvent.finding_id.is_not(None))
            )
    assert found == INJECTED
    assert {a.state for a in alerts} == {"open"}
    assert first_counts == {"raised": 5, "suppressed": {}, "no_rule": 0, "invalid": 0, "cleared": 0}
    assert counts == {
        "raised": 0, "suppressed": {"cooldown": 5}, "no_rule": 0, "invalid": 0, "cleared": 0,
    }  # fmt: skip
    assert reasons == {"suppressed": {"cooldown": 5}}
    assert events == findings == 10  # exactly one outcome per finding of each run
    assert [a.state for a in second.alerts] == ["open"] * 5
    logged = [r.getMessage() for r in caplog.records if r.name == "desktop.alerts.evaluate"]
    assert sum(": raised, new: first time found" in m for m in logged) == 5
    assert sum(": suppressed, cooldown:" in m for m in logged) == 5


def test_a_disabled_rule_means_no_rule_and_the_alert_clears(demo_store: Path) -> None:
    clock = MovableClock(datetime(2026, 11, 2, tzinfo=UTC))
    with open_store(demo_store, PASSPHRASE, clock=clock) as store:
        run_standard_analysis(store, REQUEST, clock=clock)
        with store.write() as session:
            (rule,) = [r for r in list_rules(session) if r.spec.name == "Denying more"]
            set_rule_enabled(session, rule.id, False, clock=clock)
        clock.advance(timedelta(days=1))
        outcome = run_standard_analysis(store, REQUEST, clock=clock)
        with store.read() as session:
            reasons = run_outcome_reasons(session, outcome.run_id)
            acme = session.scalars(select(Alert).where(Alert.metric == "denial_rate")).one()
            no_rule = session.scalars(
                select(AlertEvent).where(
                    AlertEvent.run_id == outcome.run_id, AlertEvent.outcome == "no_rule"
                )
            ).one()
    assert reasons["no_rule"] == {"no_rule_for_metric": 1}
    assert reasons["cleared"] == {"not_found": 1}
    assert acme.state == "closed"
    assert no_rule.reason == (
        "no_rule_for_metric: no enabled rule covers denial_rate for Acme Health / 99213"
    )


@pytest.mark.parametrize(
    ("spec", "outcome", "reason"),
    [
        (Spec(), "raised", "new"),
        (Spec(metric="mystery"), "invalid", "unknown_metric"),
        (Spec(effect=float("inf")), "invalid", "not_finite"),
        (Spec(direction="sideways"), "invalid", "unknown_direction"),
        (Spec(cpt="9921"), "invalid", "bad_code"),
        (Spec(payer=" "), "invalid", "no_payer"),
        (Spec(kind="quality"), "invalid", "unknown_kind"),
        (Spec(effect=0.01), "no_rule", "below_min_effect"),
        (Spec(metric="paid_to_allowed", impact=100.0), "no_rule", "below_min_impact"),
        (
            Spec(metric="days_to_pay_median", kind="delay", effect=2.0),
            "no_rule",
            "below_min_effect",
        ),
    ],
)
def test_every_path_has_an_explicit_outcome_and_reason(
    spec: Spec, outcome: str, reason: str, make_store: StoreFactory
) -> None:
    clock = MovableClock(datetime(2026, 11, 2, tzinfo=UTC))
    with open_store(make_store().path, PASSPHRASE, clock=clock) as store:
        result = Scenario(store, clock).run(spec)
        with store.read() as session:
            (event,) = session.scalars(select(AlertEvent)).all()
            alerts = session.scalar(select(func.count()).select_from(Alert))
    (got,) = result.outcomes
    assert (got.outcome.value, got.reason) == (outcome, reason)
    assert (event.outcome, (event.reason or "").split(":")[0]) == (outcome, reason)
    assert event.decided_by
    assert alerts == (1 if outcome == "raised" else 0)


def test_the_same_alert_twice_in_one_run_is_one_alert(make_store: StoreFactory) -> None:
    clock = MovableClock(datetime(2026, 11, 2, tzinfo=UTC))
    with open_store(make_store().path, PASSPHRASE, clock=clock) as store:
        result = Scenario(store, clock).run(Spec(), Spec(payer="ACME HEALTH"))
    assert [(o.outcome.value, o.reason) for o in result.outcomes] == [
        ("raised", "new"),
        ("invalid", "duplicate_in_run"),
    ]
    assert result.outcomes[0].fingerprint == result.outcomes[1].fingerprint
