"""1,000 random sequences of findings and feedback: exactly one outcome per finding.

Each sequence has its own payers (so its own fingerprints) and a random mix of runs,
verdicts and clock moves (hours to weeks, in changing time zones); findings are
sometimes invalid, sometimes below every rule, sometimes duplicated within a run.
After every run the stored ``alert_event`` rows are checked: one per finding of the
run, a reason on every one, and every suppressed alert has its reason stored.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from desktop.alerts.feedback import record_feedback
from desktop.store import open_store
from desktop.store.models import Alert, AlertEvent
from tests.conftest import PASSPHRASE, StoreFactory
from tests.desktop.alerts.scenario import Scenario, Spec
from tests.helpers.stubs import MovableClock

SEQUENCES = 1_000
METRICS = (
    ("denial_rate", "drift"),
    ("allowed_per_unit", "drift"),
    ("paid_to_allowed", "drift"),
    ("denial_reason_mix", "drift"),
    ("days_to_pay_median", "delay"),
)


def random_spec(rng: random.Random, payer: str) -> Spec:
    metric, kind = rng.choice(METRICS)
    spec = Spec(
        payer=payer,
        cpt=rng.choice([None, "99213", "99214"]),
        metric=metric,
        kind=kind,
        direction=rng.choice(["up", "down"]),
        severity=rng.choice(["low", "medium", "high"]),
        effect=rng.choice([0.01, 0.05, 0.2, 0.4, 5.0, 12.0]),
        impact=rng.choice([100.0, 1_000.0, 8_000.0]),
    )
    roll = rng.random()
    if roll < 0.03:
        return Spec(**{**spec.__dict__, "metric": "mystery_metric"})
    if roll < 0.05:
        return Spec(**{**spec.__dict__, "effect": float("nan")})
    if roll < 0.06:
        return Spec(**{**spec.__dict__, "severity": "urgent"})
    return spec


@pytest.mark.slow
def test_every_finding_gets_exactly_one_outcome(make_store: StoreFactory) -> None:
    rng = random.Random(20261128)
    clock = MovableClock(datetime(2026, 1, 1, tzinfo=UTC))
    path = make_store().path
    findings = 0
    outcomes: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    with open_store(path, PASSPHRASE, clock=clock) as store:
        scenario = Scenario(store, clock)
        scenario.params(
            cooldown_days=rng.choice([1, 7]),
            flapping_count=2,
            flapping_window_days=10,
            noise_hold_days=5,
            noise_regrow_percent=50.0,
            resolved_hold_days=3,
        )
        for seq in range(SEQUENCES):
            payers = [f"Payer {seq}-{k}" for k in range(rng.randint(1, 2))]
            pool = [random_spec(rng, rng.choice(payers)) for _ in range(rng.randint(1, 3))]
            for _ in range(rng.randint(3, 9)):
                action = rng.random()
                if action < 0.3:
                    clock.advance(timedelta(hours=rng.choice([1, 13, 25, 49, 24 * 8])))
                    offset = timedelta(hours=rng.randint(-11, 14))
                    clock.now = clock.now.astimezone(timezone(offset))
                    continue
                if action < 0.42:
                    with store.read() as session:
                        ids = list(
                            session.scalars(
                                select(Alert.id).where(
                                    Alert.fingerprint.in_([s.fingerprint for s in pool])
                                )
                            )
                        )
                    if ids:
                        verdict = rng.choice(["real", "noise", "resolved"])
                        record_feedback(store, rng.choice(ids), verdict, clock=clock)
                    continue
                present = [
                    Spec(**{**s.__dict__, "effect": s.effect * rng.choice([1.0, 1.0, 1.6])})
                    for s in pool
                    if rng.random() < 0.6
                ]
                if present and rng.random() < 0.05:
                    present.append(present[0])  # the same alert twice in one run
                result = scenario.run(*present)
                findings += len(present)
                assert len(result.outcomes) == len(present)
                with store.read() as session:
                    run_id = session.scalar(
                        select(AlertEvent.run_id).order_by(AlertEvent.id.desc()).limit(1)
                    )
                    events = (
                        list(
                            session.scalars(
                                select(AlertEvent).where(
                                    AlertEvent.run_id == run_id, AlertEvent.outcome != "cleared"
                                )
                            )
                        )
                        if present
                        else []
                    )
                    held = session.scalars(select(Alert).where(Alert.state == "suppressed")).all()
                per_finding = Counter(e.finding_id for e in events)
                assert sorted(per_finding.keys(), key=str) == sorted(
                    (o.finding_id for o in result.outcomes), key=str
                )
                assert set(per_finding.values()) <= {1}
                for event in events:
                    assert event.outcome in ("raised", "suppressed", "no_rule", "invalid")
                    assert event.reason and event.decided_by
                for alert in held:
                    assert alert.suppressed_reason and alert.suppressed_by
                for o in result.outcomes:
                    outcomes[o.outcome.value] += 1
                    reasons[f"{o.outcome.value}:{o.reason}"] += 1
    assert findings == sum(outcomes.values())
    # Every kind of outcome occurred, so the property was exercised on each.
    assert set(outcomes) == {"raised", "suppressed", "no_rule", "invalid"}
    policy = {r.split(":")[1] for r in reasons if r.startswith(("raised", "suppressed"))}
    assert policy == {
        "new", "raised_again", "effect_grew_after_noise", "returned_after_resolved",
        "cooldown", "flapping", "feedback_noise", "resolved_recently",
    }  # fmt: skip
    print(f"\n{SEQUENCES} sequences, {findings} findings: {dict(outcomes)}")
    print(dict(sorted(reasons.items())))
