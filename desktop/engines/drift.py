"""DriftWatch: which payers (and which of their codes) deny more or pay less than before.

``run_drift`` compares the baseline and current windows (see ``windows`` and
``drift_data``) for every payer x code cell and every payer: one denials test (rate
and reasons, ``drift_denials``) and two amounts tests (``drift_amounts``); then:

1. controls the false discovery rate over every test (weighted Benjamini-Hochberg,
   two passes, see ``fdr``);
2. keeps a test as a finding only if its effect also passes the metric's floor;
3. reads each change once: a payer-wide finding is kept, with its codes listed, when
   several of its codes moved the same way or the payer still shows the change
   without them; otherwise the codes are the findings and the payer-wide one goes.
   A paid-to-allowed drop that an allowed cut of the same group explains travels
   with the allowed-amount finding;
4. estimates when each change began, its revenue impact per month and a severity.

The analysis (``engines.analysis``) runs the same steps with DelayGuard's tests in one
FDR family; ``run_drift`` is DriftWatch alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from desktop.engines.columns import ClaimColumns
from desktop.engines.drift_amounts import allowed_tests, paid_to_allowed_tests, payer_amount_test
from desktop.engines.drift_config import DriftConfig
from desktop.engines.drift_data import DriftData
from desktop.engines.drift_denials import denials_tests, payer_denials_test
from desktop.engines.drift_evidence import DriftEvidence, evidence_for, revenue_impact
from desktop.engines.drift_tests import (
    ALLOWED_PER_UNIT,
    DENIAL_RATE,
    DENIAL_REASON_MIX,
    PAID_TO_ALLOWED,
    DriftTest,
    ReasonShift,
)
from desktop.engines.fdr import two_pass_fdr, weight_of
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


def all_tests(
    data: DriftData, config: DriftConfig, progress: Progress | None = None
) -> list[DriftTest]:
    steps: list[Callable[[DriftData, DriftConfig], list[DriftTest]]] = [
        denials_tests,
        allowed_tests,
        paid_to_allowed_tests,
    ]
    tests: list[DriftTest] = []
    for done, step in enumerate(steps, start=1):
        tests.extend(step(data, config))
        if progress is not None:
            progress(done, len(steps))
    return tests


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

    weights = [weight_of(t.metric) for t in tests]
    q_values = two_pass_fdr([t.outcome.p_value for t in tests], absorb, weights)
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
    companions: tuple[DriftTest, ...] = ()  # same-group findings that follow from this one


# Cell findings that can explain a payer-wide finding of a metric.
_EXPLAINED_BY = {
    DENIAL_RATE: (DENIAL_RATE, DENIAL_REASON_MIX),
    DENIAL_REASON_MIX: (DENIAL_REASON_MIX, DENIAL_RATE),
    ALLOWED_PER_UNIT: (ALLOWED_PER_UNIT,),
    PAID_TO_ALLOWED: (PAID_TO_ALLOWED,),
}
# This many codes of one payer moving the same way read as one payer-wide change.
MANY_CODES = 3
# How clearly the rest of a payer must show a change for it to be payer-wide.
RESIDUAL_LEVEL = 0.01


def consolidate(
    data: DriftData, tests: Sequence[DriftTest], q_values: Sequence[float], config: DriftConfig
) -> tuple[list[Candidate], set[int]]:
    """Read each change once; returns the candidates and the tests they absorbed.

    Absorbed tests (codes folded into a payer-wide finding, or a payer-wide finding
    that its codes explain) leave the FDR family for the second pass: one change seen
    in fifty codes must not license more false findings elsewhere than one change
    seen once.
    """
    kept = [
        i
        for i, (t, q) in enumerate(zip(tests, q_values, strict=True))
        if q <= config.q_level and t.large_enough
    ]
    absorbed: set[int] = set()
    companions = _companions(tests, kept)
    for followers in companions.values():
        absorbed.update(followers)
    kept = [i for i in kept if i not in absorbed]
    cells_by_payer: dict[int, list[int]] = {}
    for i in kept:
        if tests[i].cpt is not None:
            cells_by_payer.setdefault(tests[i].payer, []).append(i)
    folded: dict[int, tuple[int, ...]] = {}
    for i in kept:
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
            # A payer-wide shift to a reason also raises the denials of a few codes
            # for that same reason: those codes are part of the payer's change.
            same += [
                j
                for j in related
                if tests[j].metric == DENIAL_RATE
                and test.metric == DENIAL_REASON_MIX
                and _leading_reason(tests[j]) == _leading_reason(test) is not None
            ]
            folded[i] = tuple(sorted(c for j in same if (c := tests[j].cpt) is not None))
            absorbed.update(same)
        else:
            absorbed.add(i)
    candidates = [
        Candidate(i, tests[i], folded.get(i, ()), tuple(tests[j] for j in companions.get(i, ())))
        for i in kept
        if i not in absorbed
    ]
    return candidates, absorbed


def _leading_reason(test: DriftTest) -> str | None:
    rising = [r for r in test.top_reasons if r.current_share > r.baseline_share]
    return rising[0].code if rising else None


def _companions(tests: Sequence[DriftTest], kept: list[int]) -> dict[int, list[int]]:
    """Paid-to-allowed findings that an allowed-amount cut of the same group explains.

    Copays are fixed dollars, so when a payer allows less the patient's share of the
    allowed amount grows and the payer's paid-to-allowed ratio falls with it: one
    change, read once, as the allowed-amount finding.
    """
    allowed = {
        (tests[i].payer, tests[i].cpt): i
        for i in kept
        if tests[i].metric == ALLOWED_PER_UNIT and tests[i].direction == "down"
    }
    out: dict[int, list[int]] = {}
    for i in kept:
        leader = allowed.get((tests[i].payer, tests[i].cpt))
        if tests[i].metric == PAID_TO_ALLOWED and leader is not None:
            out.setdefault(leader, []).append(i)
    return out


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
            findings.append(
                _finding(data, candidate.test, q, config, candidate.cells, candidate.companions)
            )
    findings.sort(key=lambda f: (-SEVERITIES.index(f.severity), -abs(f.revenue_impact)))
    return findings


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
    """Is this a change of the payer, or of the few codes that have findings of their own?

    Payer-wide when several codes moved the same way, or when the payer still shows
    the change without those codes; otherwise the codes explain the payer's figure.
    """
    if n_same_metric >= MANY_CODES:
        return True
    flagged = np.array([c.cpt for c in related if c.cpt is not None], dtype=np.int64)
    residual = _residual_test(data, payer_test, flagged, config)
    if residual is None:
        return n_same_metric >= 2
    return residual.large_enough and residual.outcome.p_value <= RESIDUAL_LEVEL


def _residual_test(
    data: DriftData, payer_test: DriftTest, flagged_cpts: np.ndarray, config: DriftConfig
) -> DriftTest | None:
    """The payer-wide test again, without the codes that have findings of their own."""
    keep = ~np.isin(data.cols.cpt, flagged_cpts)
    if payer_test.metric in (DENIAL_RATE, DENIAL_REASON_MIX):
        return payer_denials_test(data, config, payer_test.payer, keep)
    return payer_amount_test(data, config, payer_test.metric, payer_test.payer, keep)


def _finding(
    data: DriftData,
    test: DriftTest,
    q: float,
    config: DriftConfig,
    cells: tuple[int, ...],
    companions: tuple[DriftTest, ...],
) -> DriftFinding:
    cols = data.cols
    evidence = evidence_for(data, test, cells, companions)
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
