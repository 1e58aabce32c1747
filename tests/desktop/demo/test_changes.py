"""Each injected change is visible in the data; where nothing was injected, nothing moves."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest

from desktop.demo import (
    ChangeKind,
    DateBasis,
    DemoConfig,
    DemoDataset,
    InjectedChange,
    generate,
)
from desktop.demo.catalog import payer_names
from desktop.demo.config import InvalidDemoConfig, RealismKnobs
from desktop.demo.dataset import to_day
from desktop.demo.service import unpaid_share_recent
from desktop.store.models.claims import ClaimStatus
from tests.desktop.demo import measure
from tests.desktop.demo.conftest import AS_OF

BEFORE_DAYS = 120  # compare the 120 days of service before a start with the days after it


def split(data: DemoDataset, kind: ChangeKind) -> tuple[InjectedChange, np.ndarray, np.ndarray]:
    (change,) = [c for c in data.config.changes if c.kind is kind]
    mask = measure.cell(data, change.payer, change.cpt)
    before = mask & measure.by_service(
        data, change.start - timedelta(BEFORE_DAYS), change.start - timedelta(1)
    )
    after = mask & measure.by_service(data, change.start, AS_OF)
    return change, before, after


def test_denial_rate_jump_with_a_new_dominant_reason(default_dataset: DemoDataset) -> None:
    change, before, after = split(default_dataset, ChangeKind.DENIAL_RATE)
    jump = measure.denial_rate(default_dataset, after) - measure.denial_rate(
        default_dataset, before
    )
    assert jump == pytest.approx(change.size, abs=0.06)
    assert change.new_reason is not None
    assert measure.reason_share(default_dataset, after, change.new_reason) > 0.5
    assert measure.reason_share(default_dataset, before, change.new_reason) < 0.3


def test_allowed_cut(default_dataset: DemoDataset) -> None:
    change, before, after = split(default_dataset, ChangeKind.ALLOWED_PER_UNIT)
    ratio = measure.allowed_per_unit(default_dataset, after) / measure.allowed_per_unit(
        default_dataset, before
    )
    assert ratio == pytest.approx(1 + change.size, abs=0.01)


def test_paid_to_allowed_drop(default_dataset: DemoDataset) -> None:
    change, before, after = split(default_dataset, ChangeKind.PAID_TO_ALLOWED)
    ratio = measure.paid_to_allowed(default_dataset, after) / measure.paid_to_allowed(
        default_dataset, before
    )
    assert ratio == pytest.approx(1 + change.size, abs=0.03)


def test_reason_mix_shift_keeps_the_denial_rate(default_dataset: DemoDataset) -> None:
    change, before, after = split(default_dataset, ChangeKind.DENIAL_REASON_MIX)
    assert change.new_reason is not None
    share_before = measure.reason_share(default_dataset, before, change.new_reason)
    share_after = measure.reason_share(default_dataset, after, change.new_reason)
    expected = share_before + (1 - share_before) * change.size
    assert share_after == pytest.approx(expected, abs=0.12)
    assert share_after - share_before > 0.25
    assert measure.denial_rate(default_dataset, after) == pytest.approx(
        measure.denial_rate(default_dataset, before), abs=0.03
    )


def test_payment_lag_increase(default_dataset: DemoDataset) -> None:
    (change,) = [c for c in default_dataset.config.changes if c.kind is ChangeKind.PAYMENT_LAG]
    before = measure.latent_median_lag(
        default_dataset, change.payer, change.start - timedelta(90), change.start - timedelta(1)
    )
    after = measure.latent_median_lag(default_dataset, change.payer, change.start, AS_OF)
    assert after - before == pytest.approx(change.size, abs=3)


def test_truth_matches_what_the_data_show(default_dataset: DemoDataset) -> None:
    truth = default_dataset.truth
    assert {c.change.kind for c in truth.changes} == set(ChangeKind)
    for recorded in truth.changes:
        change = recorded.change
        assert recorded.lines_after > 100 and recorded.lines_before > recorded.lines_after
        assert (change.cpt is None and len(recorded.cpts) > 10) or recorded.cpts == (change.cpt,)
        if change.kind is ChangeKind.PAYMENT_LAG:
            assert recorded.applies_by == "submitted_date"
            assert recorded.expected_after - recorded.expected_before == pytest.approx(
                change.size, abs=3
            )
            continue
        assert recorded.applies_by == "date_of_service"
        mask = measure.cell(default_dataset, change.payer, change.cpt)
        after = mask & measure.by_service(default_dataset, change.start, AS_OF)
        if change.kind is ChangeKind.DENIAL_REASON_MIX:
            observed = measure.reason_share(default_dataset, after, change.new_reason or "")
        else:
            observed = {
                ChangeKind.DENIAL_RATE: measure.denial_rate,
                ChangeKind.ALLOWED_PER_UNIT: measure.allowed_per_unit,
                ChangeKind.PAID_TO_ALLOWED: measure.paid_to_allowed,
            }[change.kind](default_dataset, after)
        assert observed == pytest.approx(recorded.expected_after, rel=0.15, abs=0.03)


def test_true_days_to_pay_agree_with_every_claims_latent_lag(
    default_dataset: DemoDataset,
) -> None:
    truth = default_dataset.truth
    first, last = AS_OF - timedelta(200), AS_OF - timedelta(100)
    for payer in truth.payers[:6]:
        expected = truth.days_to_pay(payer.name, first, last)
        observed = measure.latent_median_lag(default_dataset, payer.name, first, last)
        assert expected.claims > 1000
        assert abs(expected.median - observed) <= 1.0, payer.name
        assert expected.p90 > expected.median > 5


def assert_no_change(data: DemoDataset, payer: str) -> None:
    """Payer-level metrics of the 90 days before and the 45 after a split date agree."""
    split_day = AS_OF - timedelta(60)
    mask = measure.cell(data, payer)
    before = mask & measure.by_service(data, split_day - timedelta(90), split_day)
    after = mask & measure.by_service(data, split_day + timedelta(1), split_day + timedelta(45))
    assert measure.denial_rate(data, after) == pytest.approx(
        measure.denial_rate(data, before), abs=0.03
    ), payer
    assert measure.allowed_per_unit(data, after) == pytest.approx(
        measure.allowed_per_unit(data, before), rel=0.08
    ), payer
    assert measure.paid_to_allowed(data, after) == pytest.approx(
        measure.paid_to_allowed(data, before), abs=0.05
    ), payer
    shares = measure.top_reason_share(data, after) - measure.top_reason_share(data, before)
    assert np.abs(shares).max() < 0.2, payer
    lag_before = measure.latent_median_lag(data, payer, split_day - timedelta(90), split_day)
    lag_after = measure.latent_median_lag(data, payer, split_day, AS_OF)
    assert abs(lag_after - lag_before) <= max(3.0, 0.1 * lag_before), payer


def test_a_stable_config_has_no_change(stable_dataset: DemoDataset) -> None:
    assert stable_dataset.truth.stable and not stable_dataset.truth.changes
    for payer in payer_names(6):
        assert_no_change(stable_dataset, payer)


def test_payers_without_a_change_stay_put_in_the_default_scenario(
    default_dataset: DemoDataset,
) -> None:
    untouched = [p for p in payer_names(9) if p not in default_dataset.truth.changed_payers]
    assert len(untouched) >= 3
    for payer in untouched:
        assert_no_change(default_dataset, payer)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_many_recent_claims_are_still_unpaid(seed: int) -> None:
    data = generate(DemoConfig.default(seed=seed, lines=20_000, months=6, as_of=AS_OF))
    assert unpaid_share_recent(data) >= 0.30


def test_a_default_scenario_names_existing_payers_even_when_few() -> None:
    config = DemoConfig.default(seed=1, lines=3_000, months=3, as_of=AS_OF, n_payers=2, n_codes=5)
    data = generate(config)
    assert data.truth.changed_payers <= set(payer_names(2))


@pytest.mark.parametrize(
    "change",
    [
        InjectedChange(ChangeKind.DENIAL_RATE, "No Such Payer", AS_OF - timedelta(30), 0.1),
        InjectedChange(ChangeKind.DENIAL_RATE, "Acme Health", AS_OF + timedelta(1), 0.1),
        InjectedChange(ChangeKind.DENIAL_REASON_MIX, "Acme Health", AS_OF - timedelta(30), 0.5),
        InjectedChange(ChangeKind.PAYMENT_LAG, "Acme Health", AS_OF, 5.0, cpt="99213"),
        InjectedChange(ChangeKind.DENIAL_RATE, "Acme Health", AS_OF, 0.1, new_reason="197"),
    ],
)
def test_impossible_changes_are_refused(change: InjectedChange) -> None:
    config = DemoConfig.stable(seed=1, lines=100, months=3, as_of=AS_OF).with_changes(change)
    with pytest.raises(InvalidDemoConfig):
        generate(config)


@pytest.mark.parametrize(
    "knobs",
    [
        RealismKnobs(lines_per_claim=()),
        RealismKnobs(weekday_volume=(1.0,) * 5),
        RealismKnobs(allowed_noise=-0.1),
        RealismKnobs(lag_scale=0.0),
    ],
)
def test_impossible_knobs_are_refused(knobs: RealismKnobs) -> None:
    config = replace(DemoConfig.stable(seed=1, lines=100, months=3, as_of=AS_OF), knobs=knobs)
    with pytest.raises(InvalidDemoConfig):
        config.validate()


def test_knobs_shape_the_data() -> None:
    base = DemoConfig.stable(seed=4, lines=20_000, months=6, as_of=AS_OF)
    single = replace(base, knobs=RealismKnobs(lines_per_claim=(1.0,), denial_rate_scale=2.0))
    plain, tuned = generate(base), generate(single)
    assert len(tuned.claims) == 20_000 and len(plain.claims) < 15_000
    everything = np.ones(len(plain.columns), dtype=bool)
    assert measure.denial_rate(tuned, everything[: len(tuned.columns)]) > 1.5 * measure.denial_rate(
        plain, everything
    )


def test_a_change_by_decision_date_hits_every_claim_decided_from_its_start() -> None:
    start = AS_OF - timedelta(40)
    change = InjectedChange(
        ChangeKind.DENIAL_RATE, "Acme Health", start, 0.15, new_reason="CO-252",
        applies_by=DateBasis.DECISION_DATE,
    )  # fmt: skip
    data = generate(
        DemoConfig.stable(seed=8, lines=100_000, months=8, as_of=AS_OF).with_changes(change)
    )
    cols = data.columns
    acme = measure.cell(data, "Acme Health")
    decided_after = cols.decision_date >= to_day(start)
    new = cols.reason_codes.index("CO-252")
    denied = cols.status == ClaimStatus.DENIED
    assert not (denied & acme & ~decided_after & (cols.denial_reason == new)).any()
    share_after = (denied & acme & decided_after & (cols.denial_reason == new)).sum() / (
        acme & decided_after & (cols.status != ClaimStatus.PENDING)
    ).sum()
    assert share_after == pytest.approx(0.15, abs=0.03)
    (recorded,) = data.truth.changes
    assert recorded.applies_by == "decision_date"
    with pytest.raises(InvalidDemoConfig):
        InjectedChange(
            ChangeKind.PAYMENT_LAG, "Acme Health", start, 5.0, applies_by=DateBasis.DECISION_DATE
        ).validate()
