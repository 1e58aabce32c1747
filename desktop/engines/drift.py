"""DriftWatch: which payers (and which of their codes) deny more or pay less than before.

``run_drift`` compares the baseline and current windows (see ``windows`` and
``drift_data``) on four metrics for every payer x code cell and every payer, then:

1. controls the false discovery rate over every test (Benjamini-Hochberg);
2. keeps a test as a finding only if its effect also passes the metric's floor;
3. reads each change once: a reason-mix shift that comes with a denial-rate finding
   on the same group becomes that finding's ``top_reasons``; a payer-wide finding is
   kept, with its codes listed, when the payer still shows the change without its
   flagged codes (or when several codes moved together), otherwise the codes are the
   findings and the payer-wide one is dropped;
4. estimates when each change began, its revenue impact per month and a severity.

The analysis service runs the same steps with DelayGuard's tests in one FDR family
(``select_findings``); ``run_drift`` is DriftWatch alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from desktop.engines.columns import ClaimColumns
from desktop.engines.drift_config import DriftConfig
from desktop.engines.drift_data import DriftData
from desktop.engines.drift_evidence import DriftEvidence, evidence_for, revenue_impact
from desktop.engines.drift_tests import (
    ALLOWED_PER_UNIT,
    DENIAL_RATE,
    DENIAL_REASON_MIX,
    PAID_TO_ALLOWED,
    DriftTest,
    ReasonShift,
    all_tests,
    denial_counts,
    payer_amount_test,
    payer_denial_test,
    payer_reason_test,
    reason_counts,
    top_reasons,
)
from desktop.engines.fdr import two_pass_fdr
from desktop.engines.windows import AnalysisWindows, Mask

Progress = Callable[[int, int], None]
SEVERITIES = ("low", "medium", "high")


@dataclass(frozen=True)
class DriftFinding:
    payer: str
    cpt: str | None
    metric: str
    direction: str  # up | down
    baseline: float
    current: float
    effect: float
    n_baseline: int
    n_current: int
    p_value: float
    q_value: float
    change_date: int | None  # days since 1970-01-01
    severity: str
    revenue_impact: float  # dollars per month the change costs (negative: gains)
    top_reasons: tuple[ReasonShift, ...]
    evidence: DriftEvidence


@dataclass(frozen=True)
class DriftResult:
    findings: tuple[DriftFinding, ...]
    tests_run: int
    significant: int  # q <= q_level, before effect floors and roll-ups


def run_drift(
    cols: ClaimColumns,
    windows: AnalysisWindows,
    config: DriftConfig | None = None,
    *,
    progress: Progress | None = None,
) -> DriftResult:
    """DriftWatch alone over ``cols`` as known at ``windows.as_of``."""
    settings = config or DriftConfig()
    data = DriftData.prepare(cols, windows)
    tests = all_tests(data, settings, progress)
    plan: list[Candidate] = []

    def absorb(q_first: Sequence[float]) -> set[int]:
        nonlocal plan
        plan, absorbed = consolidate(data, tests, q_first, settings)
        return absorbed

    q_values = two_pass_fdr([t.outcome.p_value for t in tests], absorb)
    return DriftResult(
        tuple(drift_findings(data, tests, plan, q_values, settings)),
        len(tests),
        sum(1 for q in q_values if q is not None and q <= settings.q_level),
    )


@dataclass(frozen=True)
class Candidate:
    """A test that may become a finding, the codes folded into it, its reasons."""

    index: int  # into the run's drift tests
    test: DriftTest
    cells: tuple[int, ...]


# Cell findings that can explain a payer-wide finding of a metric.
_EXPLAINED_BY = {
    DENIAL_RATE: (DENIAL_RATE,),
    ALLOWED_PER_UNIT: (ALLOWED_PER_UNIT,),
    PAID_TO_ALLOWED: (PAID_TO_ALLOWED,),
    DENIAL_REASON_MIX: (DENIAL_REASON_MIX, DENIAL_RATE),
}


def consolidate(
    data: DriftData, tests: Sequence[DriftTest], q_values: Sequence[float], config: DriftConfig
) -> tuple[list[Candidate], set[int]]:
    """Read each change once; returns the candidates and the tests they absorbed.

    Absorbed tests (codes folded into a payer-wide finding, a payer-wide finding that
    its codes explain, a reason mix repeated by a denial-rate finding) leave the FDR
    family for the second pass: one change seen in fifty codes must not license more
    false findings elsewhere than one change seen once.
    """
    kept = [
        i
        for i, (t, q) in enumerate(zip(tests, q_values, strict=True))
        if q <= config.q_level and t.large_enough
    ]
    absorbed: set[int] = set()
    denial_groups = {_group(tests[i]) for i in kept if tests[i].metric == DENIAL_RATE}
    for i in kept:
        if tests[i].metric == DENIAL_REASON_MIX and _group(tests[i]) in denial_groups:
            absorbed.add(i)
    live = [i for i in kept if i not in absorbed]
    cells_by_payer: dict[int, list[int]] = {}
    for i in live:
        if tests[i].cpt is not None:
            cells_by_payer.setdefault(tests[i].payer, []).append(i)
    folded: dict[int, tuple[int, ...]] = {}
    for i in live:
        test = tests[i]
        if test.cpt is not None:
            continue
        related = [
            j
            for j in cells_by_payer.get(test.payer, [])
            if tests[j].metric in _EXPLAINED_BY[test.metric]
            and (tests[j].metric != test.metric or tests[j].direction == test.direction)
        ]
        if not related:
            folded[i] = ()
            continue
        same = [j for j in related if tests[j].metric == test.metric]
        if _change_is_payer_wide(data, test, [tests[j] for j in related], len(same), config):
            folded[i] = tuple(sorted(c for j in same if (c := tests[j].cpt) is not None))
            absorbed.update(same)
        else:
            absorbed.add(i)
    candidates = []
    for i in live:
        if i in absorbed:
            continue
        test = tests[i]
        if test.metric == DENIAL_RATE:
            test = replace(test, top_reasons=_reasons_of(data, test, config))
        candidates.append(Candidate(i, test, folded.get(i, ())))
    return candidates, absorbed


def drift_findings(
    data: DriftData,
    tests: Sequence[DriftTest],
    candidates: Sequence[Candidate],
    q_values: Sequence[float | None],
    config: DriftConfig,
) -> list[DriftFinding]:
    """Findings of the candidates whose second-pass q-value is at or below the level."""
    findings = []
    for candidate in candidates:
        q = q_values[candidate.index]
        if q is not None and q <= config.q_level:
            findings.append(_finding(data, candidate.test, q, config, candidate.cells))
    findings.sort(key=lambda f: (-SEVERITIES.index(f.severity), -abs(f.revenue_impact)))
    return findings


def _group(t: DriftTest) -> tuple[int, int | None]:
    return t.payer, t.cpt


def _reasons_of(data: DriftData, test: DriftTest, config: DriftConfig) -> tuple[ReasonShift, ...]:
    mine = group_lines(data, test.payer, test.cpt)
    counts = [
        reason_counts(data, window.reasons & mine, np.zeros(len(mine), np.int64), 1)[0]
        for window in (data.baseline, data.current)
    ]
    return top_reasons(data.cols.reason_codes, counts[0], counts[1], config.top_reasons)


def group_lines(data: DriftData, payer: int, cpt: int | None) -> Mask:
    if cpt is None:
        mine: Mask = data.cols.payer == payer
        return mine
    cell: Mask = data.cell == payer * data.n_codes + cpt
    return cell


def _change_is_payer_wide(
    data: DriftData,
    payer_test: DriftTest,
    related: list[DriftTest],
    n_same_metric: int,
    config: DriftConfig,
) -> bool:
    """Does the payer show the change without the codes that have findings of their own?

    When too little is left to tell, several codes moving together count as payer-wide.
    """
    flagged = np.array([c.cpt for c in related if c.cpt is not None], dtype=np.int64)
    residual = _residual_test(data, payer_test, flagged, config)
    if residual is None:
        return n_same_metric >= 2
    return residual.large_enough and residual.outcome.p_value <= config.q_level


def _residual_test(
    data: DriftData, payer_test: DriftTest, flagged_cpts: np.ndarray, config: DriftConfig
) -> DriftTest | None:
    """The payer-wide test again, without the codes that have findings of their own."""
    payer = payer_test.payer
    if payer_test.metric == DENIAL_RATE:
        cpts = np.arange(data.n_codes)
        cells = payer * data.n_codes + cpts[~np.isin(cpts, flagged_cpts)]
        return payer_denial_test(config, payer, denial_counts(data), cells)
    keep = ~np.isin(data.cols.cpt, flagged_cpts)
    if payer_test.metric == DENIAL_REASON_MIX:
        return payer_reason_test(data, config, payer, keep)
    return payer_amount_test(data, config, payer_test.metric, payer, keep)


def _finding(
    data: DriftData, test: DriftTest, q: float, config: DriftConfig, cells: tuple[int, ...]
) -> DriftFinding:
    cols = data.cols
    evidence = evidence_for(data, test, cells)
    impact = revenue_impact(data, test)
    return DriftFinding(
        payer=cols.payer_names[test.payer],
        cpt=None if test.cpt is None else cols.cpt_codes[test.cpt],
        metric=test.metric,
        direction=test.direction,
        baseline=test.baseline,
        current=test.current,
        effect=test.effect,
        n_baseline=test.n_baseline,
        n_current=test.n_current,
        p_value=test.outcome.p_value,
        q_value=q,
        change_date=evidence.change_day,
        severity=severity(test, impact, config),
        revenue_impact=impact,
        top_reasons=test.top_reasons,
        evidence=evidence,
    )


def severity(test: DriftTest, impact: float, config: DriftConfig) -> str:
    """From the money at stake per month, raised by a large effect (in floors)."""
    floors = {
        DENIAL_RATE: config.min_denial_rate_change,
        ALLOWED_PER_UNIT: config.min_allowed_change,
        PAID_TO_ALLOWED: config.min_paid_to_allowed_change,
        DENIAL_REASON_MIX: config.min_reason_mix_shift,
    }
    floor = floors[test.metric]
    size = abs(test.effect) / floor if floor else 0.0
    by_money = 2 if impact >= config.high_impact else 1 if impact >= config.medium_impact else 0
    by_size = 2 if size >= 4 else 1 if size >= 2 else 0
    return SEVERITIES[max(by_money, by_size)]
