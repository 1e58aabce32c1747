"""One analysis run: DriftWatch and DelayGuard over the same batch, one FDR family.

Pure computation (numpy in, frozen results out, as-of a parameter): the analysis
service feeds it from the store and persists what it returns; the benchmarks feed
it generated data. Every drift and delay test of the run shares one false discovery
rate control (two passes, see ``fdr``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from desktop.engines.claim_groups import ClaimGroups
from desktop.engines.columns import MISSING, ClaimColumns
from desktop.engines.delay import DelayFinding, DelayTest, delay_findings, delay_tests
from desktop.engines.delay_config import DelayConfig
from desktop.engines.drift import Candidate, DriftFinding, all_tests, consolidate, drift_findings
from desktop.engines.drift_config import DriftConfig
from desktop.engines.drift_data import DriftData
from desktop.engines.fdr import two_pass_fdr, weight_of
from desktop.engines.receivables import FilingRisk, PayerAging, open_ar_aging, timely_filing
from desktop.engines.windows import AnalysisWindows
from desktop.errors import InvalidInput

# done, total, what is being done. The callback may raise to cancel the run.
StageProgress = Callable[[int, int, str], None]
STAGES = ("drift tests", "delay tests", "false discovery rate", "receivables")


@dataclass(frozen=True)
class AnalysisSettings:
    q_level: float = 0.05
    drift: DriftConfig = field(default_factory=DriftConfig)
    delay: DelayConfig = field(default_factory=DelayConfig)

    def __post_init__(self) -> None:
        if not 0.0 < self.q_level < 1.0:
            raise InvalidInput(f"q_level is between 0 and 1, not {self.q_level}")
        # One FDR family for the whole run: both engines use the run's level.
        object.__setattr__(self, "drift", replace(self.drift, q_level=self.q_level))
        object.__setattr__(self, "delay", replace(self.delay, q_level=self.q_level))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> AnalysisSettings:
        """Settings from a stored JSON object: {"q_level", "drift": {...}, "delay": {...}}."""
        unknown = set(values) - {"q_level", "drift", "delay"}
        if unknown:
            raise InvalidInput(f"unknown analysis settings: {sorted(unknown)}")
        q_level = values.get("q_level", 0.05)
        if not isinstance(q_level, int | float) or isinstance(q_level, bool):
            raise InvalidInput(f"q_level must be a number, not {q_level!r}")
        return cls(
            q_level=float(q_level),
            drift=DriftConfig().updated(values.get("drift", {})),
            delay=DelayConfig().updated(values.get("delay", {})),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "q_level": self.q_level,
            "drift": self.drift.as_dict(),
            "delay": self.delay.as_dict(),
        }


@dataclass(frozen=True)
class AnalysisResult:
    windows: AnalysisWindows
    drift: tuple[DriftFinding, ...]
    delay: tuple[DelayFinding, ...]
    delay_cohorts: tuple[DelayTest, ...]  # every payer with enough claims, finding or not
    aging: tuple[PayerAging, ...]
    filing: tuple[FilingRisk, ...]
    tests_run: int
    lines: int


def latest_day(cols: ClaimColumns) -> int | None:
    """The latest date in the data (submission, decision or payment): the default as-of."""
    latest = [
        int(column[column != MISSING].max())
        for column in (cols.submitted_date, cols.decision_date, cols.paid_date)
        if (column != MISSING).any()
    ]
    return max(latest) if latest else None


def analyze(
    cols: ClaimColumns,
    windows: AnalysisWindows,
    settings: AnalysisSettings | None = None,
    *,
    progress: StageProgress | None = None,
) -> AnalysisResult:
    config = settings or AnalysisSettings()

    def step(done: int) -> None:
        if progress is not None:
            progress(done, len(STAGES), STAGES[min(done, len(STAGES) - 1)])

    step(0)
    claims = ClaimGroups.of(cols) if cols.claim is not None else None
    data = DriftData.prepare(cols, windows, claims)
    drift = all_tests(data, config.drift)
    step(1)
    delay = delay_tests(cols, windows, config.delay, claims)
    step(2)
    plan: list[Candidate] = []

    def absorb(q_first: Sequence[float]) -> set[int]:
        nonlocal plan
        plan, absorbed = consolidate(data, drift, q_first[: len(drift)], config.drift)
        return absorbed

    p_values = [t.outcome.p_value for t in drift] + [t.outcome.p_value for t in delay]
    weights = [weight_of(t.metric) for t in drift] + [weight_of("days_to_pay")] * len(delay)
    q_values = two_pass_fdr(p_values, absorb, weights)
    drift_found = drift_findings(data, drift, plan, q_values[: len(drift)], config.drift)
    delay_found = delay_findings(cols, delay, q_values[len(drift) :], config.delay)
    step(3)
    aging = open_ar_aging(cols, windows.as_of, config.delay)
    filing = timely_filing(cols, windows.as_of, config.delay)
    step(4)
    return AnalysisResult(
        windows=windows,
        drift=tuple(drift_found),
        delay=tuple(delay_found),
        delay_cohorts=tuple(delay),
        aging=aging,
        filing=filing,
        tests_run=len(p_values),
        lines=len(cols),
    )
