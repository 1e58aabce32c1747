"""Properties over generated offices: row order is irrelevant, big changes are always
found, a stable office stays silent."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.demo import ChangeKind, DemoConfig, InjectedChange, generate
from desktop.engines.analysis import AnalysisResult, analyze
from desktop.engines.columns import ClaimColumns
from desktop.engines.windows import AnalysisWindows, to_day

AS_OF = date(2026, 10, 31)
LINES = 150_000
# Busy cells of the demo office (the default catalog's head payers and codes).
BUSY = [
    ("Acme Health", "99213"),
    ("Acme Health", "99214"),
    ("Northwind Health Plan", "99213"),
    ("Federal Senior Care Program", "99213"),
    ("Brightwater Mutual", "99214"),
]
PROPERTY = settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def columns(config: DemoConfig) -> ClaimColumns:
    ds = generate(config)
    return dataclasses.replace(ds.columns, claim=ds.text.claim.astype(np.int64))


def run(cols: ClaimColumns) -> AnalysisResult:
    return analyze(cols, AnalysisWindows.standard(to_day(AS_OF)))


def summary(result: AnalysisResult) -> list[tuple[object, ...]]:
    drift = sorted(
        (f.payer, f.cpt, f.metric, round(f.p_value, 9), f.change_date) for f in result.drift
    )
    delay = sorted((f.payer, f.metric, f.current, round(f.p_value, 9)) for f in result.delay)
    return [*drift, *delay]


@PROPERTY
@given(seed=st.integers(0, 10_000), order_seed=st.integers(0, 2**32 - 1))
def test_findings_do_not_depend_on_row_order(seed: int, order_seed: int) -> None:
    config = DemoConfig.default(seed=seed, lines=LINES, months=7, as_of=AS_OF)
    cols = columns(config)
    shuffled = cols.take(np.random.default_rng(order_seed).permutation(len(cols)))
    assert summary(run(shuffled)) == summary(run(cols))


@PROPERTY
@given(
    seed=st.integers(0, 10_000),
    cell=st.sampled_from(BUSY),
    kind=st.sampled_from(["denial", "allowed"]),
    weeks=st.integers(6, 10),
)
def test_a_large_change_is_always_found(
    seed: int, cell: tuple[str, str], kind: str, weeks: int
) -> None:
    payer, cpt = cell
    start = AS_OF - timedelta(weeks=weeks)
    change = (
        InjectedChange(ChangeKind.DENIAL_RATE, payer, start, 0.25, cpt=cpt, new_reason="CO-197")
        if kind == "denial"
        else InjectedChange(ChangeKind.ALLOWED_PER_UNIT, payer, start, -0.25, cpt=cpt)
    )
    config = DemoConfig(seed=seed, lines=LINES, months=7, as_of=AS_OF).with_changes(change)
    result = run(columns(config))
    metric = "denial_rate" if kind == "denial" else "allowed_per_unit"
    found = [f for f in result.drift if (f.payer, f.cpt, f.metric) == (payer, cpt, metric)]
    assert found, f"seed {seed}: {kind} change on {cell} from {start} not found: {summary(result)}"
    assert found[0].change_date is not None
    assert abs(found[0].change_date - to_day(start)) <= 14


@settings(max_examples=4, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10_000))
def test_a_stable_office_stays_silent(seed: int) -> None:
    result = run(columns(DemoConfig.stable(seed=seed, lines=LINES, months=7, as_of=AS_OF)))
    assert len(result.drift) + len(result.delay) <= 1, summary(result)
