"""Random scenarios for accuracy benchmarks: valid, reproducible, varied, and visible."""

from __future__ import annotations

import math
from collections import Counter
from datetime import timedelta

from desktop.demo import ChangeKind, generate, random_scenario
from tests.desktop.demo import measure
from tests.desktop.demo.conftest import AS_OF


def test_scenarios_are_valid_reproducible_and_varied() -> None:
    kinds: Counter[ChangeKind] = Counter()
    for seed in range(40):
        config = random_scenario(seed, lines=1_000, months=12, as_of=AS_OF, count=3)
        config.validate()
        assert config == random_scenario(seed, lines=1_000, months=12, as_of=AS_OF, count=3)
        assert len({c.payer for c in config.changes}) == 3
        kinds.update(c.kind for c in config.changes)
    assert set(kinds) == set(ChangeKind)


def test_scaled_sizes_stay_valid() -> None:
    for seed in range(20):
        random_scenario(seed, lines=100, as_of=AS_OF, count=5, size_scale=8.0).validate()


def test_a_short_span_keeps_changes_inside_the_data() -> None:
    for seed in range(10):
        random_scenario(seed, lines=500, months=1, as_of=AS_OF).validate()


def test_denial_changes_of_random_scenarios_show_in_the_data() -> None:
    checked = 0
    for seed in range(101, 107):
        checked += check_denial_changes(seed)
    assert checked >= 3


def check_denial_changes(seed: int) -> int:
    data = generate(random_scenario(seed, lines=60_000, months=8, as_of=AS_OF, count=6))
    checked = 0
    for change in data.config.changes:
        if change.kind is not ChangeKind.DENIAL_RATE:
            continue
        mask = measure.cell(data, change.payer, change.cpt)
        before = mask & measure.by_service(
            data, change.start - timedelta(120), change.start - timedelta(1)
        )
        after = mask & measure.by_service(data, change.start, AS_OF)
        n_after, n_before = measure.decided(data, after), measure.decided(data, before)
        if n_after < 150:
            continue  # a small cell: too few lines to measure, as in a real office
        rate_after = measure.denial_rate(data, after)
        rate_before = measure.denial_rate(data, before)
        error = math.sqrt(
            rate_after * (1 - rate_after) / n_after + rate_before * (1 - rate_before) / n_before
        )
        assert abs(rate_after - rate_before - change.size) < 4 * error, change
        checked += 1
    return checked
