"""What is really in a demo data set: the injected changes and each payer's true lags.

The truth travels as JSON beside the CSV so that benchmarks can score detections
without regenerating the data. Days-to-pay truth is analytic: each payer's
adjudication lag is lognormal (rounded up to whole days) and the payment then waits
for the payer's next payment weekday, so the exact distribution of days-to-pay for the
claims submitted in any window follows from the lag model and the daily submissions.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from desktop.demo.config import ChangeKind, DateBasis, InjectedChange
from desktop.errors import InvalidInput

TRUTH_FORMAT = "upstream-demo-truth"
TRUTH_VERSION = 1
MAX_LAG_DAYS = 365


@dataclass(frozen=True)
class LagSegment:
    """A payer's adjudication lag for claims submitted from ``start`` on: ceil(lognormal)."""

    start: date
    mu: float
    sigma: float

    @property
    def median_days(self) -> float:
        return math.exp(self.mu)

    @property
    def p90_days(self) -> float:
        return math.exp(self.mu + 1.2815515655446004 * self.sigma)

    def pmf(self) -> np.ndarray[Any, np.dtype[np.float64]]:
        """P(lag = k days) for k = 0..MAX_LAG_DAYS (k = 0 has none; the tail folds into the cap)."""
        scale = self.sigma * math.sqrt(2.0)
        cdf = np.array(
            [0.5 * math.erfc(-(math.log(k) - self.mu) / scale) for k in range(1, MAX_LAG_DAYS + 1)]
        )
        cdf[-1] = 1.0
        return np.diff(np.concatenate(([0.0, 0.0], cdf)))


@dataclass(frozen=True, eq=False)
class DaysToPay:
    """The true distribution of days-to-pay of the claims submitted in a window."""

    claims: int  # claims submitted in the window (0: the population value all the same)
    probabilities: npt.NDArray[np.float64]  # P(days-to-pay = k) for k = 0, 1, 2, …

    def quantile(self, q: float) -> int:
        """The smallest whole number of days by which a share ``q`` of the claims is paid."""
        if not 0.0 < q < 1.0:
            raise ValueError(f"a quantile is strictly between 0 and 1, not {q}")
        return int(np.searchsorted(np.cumsum(self.probabilities), q - 1e-12))

    @property
    def median(self) -> int:
        return self.quantile(0.5)

    @property
    def p90(self) -> int:
        return self.quantile(0.9)

    @property
    def mean(self) -> float:
        return float((np.arange(len(self.probabilities)) * self.probabilities).sum())


@dataclass(frozen=True)
class PayerTruth:
    name: str
    payer_id: str
    kind: str
    claims: int
    lines: int
    payment_weekdays: tuple[int, ...]  # 0 = Monday
    lag_segments: tuple[LagSegment, ...]
    daily_claims: tuple[int, ...]  # claims submitted each day from DemoTruth.start

    def segment_on(self, day: date) -> LagSegment:
        current = self.lag_segments[0]
        for segment in self.lag_segments[1:]:
            if segment.start <= day:
                current = segment
        return current


@dataclass(frozen=True)
class ChangeTruth:
    """An injected change and where it shows: the metric, the cells and its size there.

    ``expected_before``/``expected_after`` are population values of ``metric`` over the
    touched cells (volume-weighted), before and after ``change.start``: denial rate as
    a share, allowed per unit in dollars, paid-to-allowed as a ratio, the reason mix as
    the share of denials carrying ``new_reason``, the payment lag as median days.
    """

    change: InjectedChange
    metric: str
    applies_by: str
    cpts: tuple[str, ...]  # codes with lines touched by the change
    expected_before: float
    expected_after: float
    lines_before: int  # lines of the touched cells before start (all, pending included)
    lines_after: int


@dataclass(frozen=True)
class DemoTruth:
    seed: int
    as_of: date
    start: date
    lines: int
    claims: int
    n_payers: int
    n_codes: int
    changes: tuple[ChangeTruth, ...]
    payers: tuple[PayerTruth, ...]

    @property
    def stable(self) -> bool:
        return not self.changes

    @property
    def changed_payers(self) -> frozenset[str]:
        return frozenset(c.change.payer for c in self.changes)

    @property
    def changed_cells(self) -> frozenset[tuple[str, str | None, str]]:
        """(payer, cpt or None for payer-wide, metric) of every injected change."""
        return frozenset((c.change.payer, c.change.cpt, c.metric) for c in self.changes)

    def payer(self, name: str) -> PayerTruth:
        for payer in self.payers:
            if payer.name == name:
                return payer
        raise KeyError(name)

    def days_to_pay(self, payer: str, first: date, last: date) -> DaysToPay:
        """The true days-to-pay of claims submitted ``first``..``last`` (inclusive).

        Exact for the model: the mixture, over the window's submission days weighted by
        their claims, of the lag distribution shifted to the next payment weekday.
        """
        truth = self.payer(payer)
        offset = (first - self.start).days
        days = range(max(offset, 0), min((last - self.start).days, len(truth.daily_claims) - 1) + 1)
        allowed = np.zeros(7, dtype=bool)
        allowed[list(truth.payment_weekdays)] = True
        wait = np.array([_days_to_next(allowed, w) for w in range(7)])
        mixture = np.zeros(MAX_LAG_DAYS + 7)
        claims = 0
        # Group days by (segment, weekday): the shifted distribution depends on nothing else.
        weights: dict[tuple[int, int], int] = {}
        for index in days:
            count = truth.daily_claims[index]
            if count == 0:
                continue
            day = self.start + timedelta(days=index)
            segment = truth.lag_segments.index(truth.segment_on(day))
            key = (segment, day.weekday())
            weights[key] = weights.get(key, 0) + count
            claims += count
        if claims == 0:
            # No claim in the window: the population value still exists; weigh days equally.
            for index in days:
                day = self.start + timedelta(days=index)
                segment = truth.lag_segments.index(truth.segment_on(day))
                key = (segment, day.weekday())
                weights[key] = weights.get(key, 0) + 1
        if not weights:
            raise ValueError(f"{first}..{last} is outside the data ({self.start}..{self.as_of})")
        lags = np.arange(MAX_LAG_DAYS + 1)
        for (segment, weekday), count in weights.items():
            pmf = truth.lag_segments[segment].pmf()
            shifted = lags + wait[(weekday + lags) % 7]
            np.add.at(mixture, shifted, pmf * count)
        return DaysToPay(claims=claims, probabilities=mixture / mixture.sum())

    def to_json(self) -> str:
        document = {
            "format": TRUTH_FORMAT,
            "version": TRUTH_VERSION,
            **{k: v for k, v in asdict(self).items() if k not in ("changes", "payers")},
            "stable": self.stable,
            "changes": [_change_to_dict(c) for c in self.changes],
            "payers": [asdict(p) for p in self.payers],
        }
        return json.dumps(document, indent=1, default=_json_default) + "\n"

    @classmethod
    def from_json(cls, text: str) -> DemoTruth:
        try:
            doc = json.loads(text)
            if doc.get("format") != TRUTH_FORMAT or doc.get("version") != TRUTH_VERSION:
                raise InvalidInput(
                    f"not an Upstream demo truth file (format {doc.get('format')!r}, "
                    f"version {doc.get('version')!r})"
                )
            return cls(
                seed=int(doc["seed"]),
                as_of=date.fromisoformat(doc["as_of"]),
                start=date.fromisoformat(doc["start"]),
                lines=int(doc["lines"]),
                claims=int(doc["claims"]),
                n_payers=int(doc["n_payers"]),
                n_codes=int(doc["n_codes"]),
                changes=tuple(_change_from_dict(c) for c in doc["changes"]),
                payers=tuple(_payer_from_dict(p) for p in doc["payers"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"the demo truth file is damaged: {exc!r}") from exc


def _days_to_next(allowed: np.ndarray[Any, np.dtype[np.bool_]], weekday: int) -> int:
    for wait in range(7):
        if allowed[(weekday + wait) % 7]:
            return wait
    raise ValueError("a payer pays on at least one weekday")


def _json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to the truth file")


def _change_to_dict(truth: ChangeTruth) -> dict[str, Any]:
    change = truth.change
    return {
        "kind": str(change.kind),
        "payer": change.payer,
        "cpt": change.cpt,
        "start": change.start.isoformat(),
        "size": change.size,
        "new_reason": change.new_reason,
        "metric": truth.metric,
        "applies_by": truth.applies_by,
        "cpts": list(truth.cpts),
        "expected_before": truth.expected_before,
        "expected_after": truth.expected_after,
        "lines_before": truth.lines_before,
        "lines_after": truth.lines_after,
    }


def _change_from_dict(doc: dict[str, Any]) -> ChangeTruth:
    change = InjectedChange(
        kind=ChangeKind(doc["kind"]),
        payer=doc["payer"],
        start=date.fromisoformat(doc["start"]),
        size=float(doc["size"]),
        cpt=doc["cpt"],
        new_reason=doc["new_reason"],
        applies_by=DateBasis(doc["applies_by"]),
    )
    return ChangeTruth(
        change=change,
        metric=doc["metric"],
        applies_by=doc["applies_by"],
        cpts=tuple(doc["cpts"]),
        expected_before=float(doc["expected_before"]),
        expected_after=float(doc["expected_after"]),
        lines_before=int(doc["lines_before"]),
        lines_after=int(doc["lines_after"]),
    )


def _payer_from_dict(doc: dict[str, Any]) -> PayerTruth:
    return PayerTruth(
        name=doc["name"],
        payer_id=doc["payer_id"],
        kind=doc["kind"],
        claims=int(doc["claims"]),
        lines=int(doc["lines"]),
        payment_weekdays=tuple(int(d) for d in doc["payment_weekdays"]),
        lag_segments=tuple(
            LagSegment(date.fromisoformat(s["start"]), float(s["mu"]), float(s["sigma"]))
            for s in doc["lag_segments"]
        ),
        daily_claims=tuple(int(n) for n in doc["daily_claims"]),
    )
