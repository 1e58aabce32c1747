"""The two detectors a billing office could use instead of DriftWatch, given a fair setup.

Both see the same cells DriftWatch tests (the same minimum volume, by decision date)
and the same three metrics with a direction of harm (denial rate up, allowed per unit
down, paid-to-allowed down); both are then *calibrated* on the stable scenarios to
DriftWatch's false-alarm rate before they are scored.

- **Rule of thumb**: flag a payer x code whose metric moved more than a threshold
  (20 % in the usual telling) from the previous 30 days to the last 30 days.
- **Page-Hinkley** (``river.drift.PageHinkley``): each cell's weekly series, scaled by
  the baseline weeks' mean and spread, streamed from the first week; a drift signalled
  after the baseline window (in the gap or the current window) is a detection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from accuracy_scenarios import Detection
from river.drift import PageHinkley

from desktop.engines import grouping
from desktop.engines.drift_config import DriftConfig
from desktop.engines.drift_data import DriftData

METRICS = ("denial_rate", "allowed_per_unit", "paid_to_allowed")
HARM = {"denial_rate": +1.0, "allowed_per_unit": -1.0, "paid_to_allowed": -1.0}
PH_THRESHOLDS = (1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 11.0, 15.0, 20.0, 30.0, 45.0, 70.0, 1e9)
MIN_WEEK_LINES = 5


@dataclass(frozen=True)
class PeerScores:
    """Per (cell, metric) a score; a detection is a score above the threshold."""

    keys: list[tuple[str, str, str]]  # (payer, cpt, metric)
    rule: np.ndarray  # adverse relative change, month over month
    ph_level: np.ndarray  # index into PH_THRESHOLDS of the largest one that alarmed, or -1

    def rule_detections(self, threshold: float) -> list[Detection]:
        return [Detection(*k) for k, s in zip(self.keys, self.rule, strict=True) if s > threshold]

    def ph_detections(self, level: int) -> list[Detection]:
        return [Detection(*k) for k, s in zip(self.keys, self.ph_level, strict=True) if s >= level]


def _weekly(
    data: DriftData, metric: str, cells: np.ndarray, n_weeks: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per eligible cell and week (0 = oldest): the metric's value and the lines behind it."""
    cols, w = data.cols, data.windows
    if metric == "denial_rate":
        lines = data.outcomes.decided
        values = data.outcomes.denied.astype(np.float64)
    elif metric == "allowed_per_unit":
        lines = data.outcomes.decided & ~np.isnan(data.allowed_per_unit)
        values = data.allowed_per_unit
    else:
        lines = data.outcomes.decided & ~np.isnan(data.paid_to_allowed)
        values = data.paid_to_allowed
    week = n_weeks - 1 - (w.as_of - cols.decision_date) // 7
    lookup = np.full(data.n_payers * data.n_codes, -1, np.int64)
    lookup[cells] = np.arange(len(cells))
    row = lookup[data.cell]
    keep = lines & (row >= 0) & (week >= 0) & (week < n_weeks)
    key = row[keep] * n_weeks + week[keep]
    size = len(cells) * n_weeks
    counts = grouping.counts(key, size)
    if metric == "allowed_per_unit":
        value = grouping.medians(key, values[keep], size)
    elif metric == "paid_to_allowed":
        paid = grouping.sums(key, cols.paid_cents[keep].astype(np.float64), size)
        allowed = grouping.sums(key, cols.allowed_cents[keep].astype(np.float64), size)
        value = np.where(allowed > 0, paid / np.maximum(allowed, 1.0), np.nan)
    else:
        value = grouping.sums(key, values[keep], size) / np.maximum(counts, 1)
    value = np.where(counts >= MIN_WEEK_LINES, value, np.nan)
    return value.reshape(len(cells), n_weeks), counts.reshape(len(cells), n_weeks)


def _eligible(data: DriftData, config: DriftConfig, metric: str) -> np.ndarray:
    n = data.n_payers * data.n_codes
    if metric == "denial_rate":
        b, c = data.baseline.decided, data.current.decided
        low_b, low_c = config.min_decided_baseline, config.min_decided_current
    else:
        b, c = data.baseline.amounts, data.current.amounts
        low_b, low_c = config.min_amounts_baseline, config.min_amounts_current
    nb, nc = grouping.counts(data.cell[b], n), grouping.counts(data.cell[c], n)
    eligible: np.ndarray = np.flatnonzero((nb >= low_b) & (nc >= low_c))
    return eligible


def _scale(series: np.ndarray, counts: np.ndarray, baseline_weeks: slice, metric: str) -> float:
    """The spread of one week's value when nothing changes, from the baseline weeks.

    Denial rate: the binomial spread at the baseline rate and the weeks' typical
    volume; amounts: the baseline weeks' standard deviation, at least 1 % of their mean
    (fee schedules make weekly medians nearly constant).
    """
    base = series[baseline_weeks]
    ok = ~np.isnan(base)
    mean = float(np.mean(base[ok]))
    if metric == "denial_rate":
        n = float(np.mean(counts[baseline_weeks][ok]))
        return max(float(np.sqrt(max(mean * (1 - mean), 1e-4) / max(n, 1.0))), 1e-3)
    return max(float(np.std(base[ok])), 0.01 * abs(mean), 1e-9)


def _page_hinkley_level(
    series: np.ndarray, counts: np.ndarray, baseline_weeks: slice, recent: int, metric: str
) -> int:
    """The largest threshold index at which Page-Hinkley signals in the recent weeks."""
    base = series[baseline_weeks]
    if int((~np.isnan(base)).sum()) < 4:
        return -1
    mean = float(np.nanmean(base))
    scaled = (series - mean) / _scale(series, counts, baseline_weeks, metric)
    mode = "up" if HARM[metric] > 0 else "down"
    best = -1
    for level, threshold in enumerate(PH_THRESHOLDS):
        detector = PageHinkley(min_instances=6, delta=0.5, threshold=threshold, mode=mode)
        alarmed = False
        for week, value in enumerate(scaled):
            if np.isnan(value):
                continue
            detector.update(float(value))
            if detector.drift_detected and week >= len(series) - recent:
                alarmed = True
                break
        if not alarmed:
            break
        best = level
    return best


def peer_scores(data: DriftData, config: DriftConfig) -> PeerScores:
    w = data.windows
    first = int(data.cols.decision_date[data.outcomes.decided].min())
    n_weeks = (w.as_of - first) // 7 + 1
    baseline_weeks = slice(
        n_weeks - 1 - (w.as_of - w.baseline.start) // 7,
        n_weeks - (w.as_of - w.baseline.end) // 7,
    )
    recent = (w.as_of - w.baseline.end) // 7
    keys: list[tuple[str, str, str]] = []
    rule: list[float] = []
    levels: list[int] = []
    for metric in METRICS:
        cells = _eligible(data, config, metric)
        if len(cells) == 0:
            continue
        weekly, counts = _weekly(data, metric, cells, n_weeks)
        for i, cell in enumerate(cells.tolist()):
            keys.append(
                (
                    data.cols.payer_names[data.payer_of_cell(cell)],
                    data.cols.cpt_codes[data.cpt_of_cell(cell)],
                    metric,
                )
            )
            rule.append(_month_over_month(weekly[i], counts[i], metric))
            levels.append(_page_hinkley_level(weekly[i], counts[i], baseline_weeks, recent, metric))
    return PeerScores(keys, np.array(rule), np.array(levels))


def _month_over_month(weekly: np.ndarray, counts: np.ndarray, metric: str) -> float:
    """Adverse relative change of the last ~30 days (4 weeks) over the 4 weeks before."""

    def pooled(part: slice) -> float:
        values, n = weekly[part], counts[part]
        ok = ~np.isnan(values)
        return float((values[ok] * n[ok]).sum() / n[ok].sum()) if ok.any() else np.nan

    last, previous = pooled(slice(-4, None)), pooled(slice(-8, -4))
    if np.isnan(last) or np.isnan(previous):
        return -np.inf
    # A month with no denial would make any denial an infinite move: count a month's
    # rate as at least one point.
    base = max(previous, 0.01) if metric == "denial_rate" else previous
    return HARM[metric] * (last - previous) / base if base else -np.inf


def thresholds_for(stable: list[PeerScores], allowed_false: int) -> tuple[float, int]:
    """The loosest thresholds that raise at most ``allowed_false`` alarms on stable data."""
    rule_scores = np.sort(np.concatenate([s.rule for s in stable]))[::-1]
    rule_threshold = (
        float(rule_scores[allowed_false]) if allowed_false < len(rule_scores) else -np.inf
    )
    levels = np.concatenate([s.ph_level for s in stable])
    ph_level = len(PH_THRESHOLDS)
    for level in range(len(PH_THRESHOLDS)):
        if int((levels >= level).sum()) <= allowed_false:
            ph_level = level
            break
    return rule_threshold, ph_level
