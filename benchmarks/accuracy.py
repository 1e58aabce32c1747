"""Detection quality of DriftWatch and DelayGuard on seeded scenarios with known truth.

    .venv/bin/python benchmarks/accuracy.py [--changes 24] [--stable 16]

Runs the scenarios of ``accuracy_scenarios`` (injected changes of several sizes, and
stable offices with none) through the same pure analysis the CLI runs, with the CLI's
default windows, and prints markdown tables for benchmarks/RESULTS.md:

- per metric: recall, precision, F1 and the change-date error in days;
- the target set the brief names (denial rate +10 points or more, allowed -10 % or
  more, on cells with 150+ lines a month, begun 4+ weeks before as-of): F1 of
  DriftWatch and of the two peers (``accuracy_peers``) at DriftWatch's false-alarm rate;
- false findings per 1,000 stable cells;
- DelayGuard's Kaplan-Meier median days-to-pay against the generator's truth, beside
  the median of paid claims only, on cohorts with 30 % or more still unpaid.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field

import numpy as np
from accuracy_peers import METRICS as PEER_METRICS
from accuracy_peers import PH_THRESHOLDS, PeerScores, peer_scores, thresholds_for
from accuracy_scenarios import (
    DELAY_METRICS,
    Detection,
    Truth,
    change_config,
    dataset,
    explained,
    finds,
    stable_config,
    truths,
)

from desktop.engines import grouping
from desktop.engines.analysis import AnalysisResult, AnalysisSettings, analyze
from desktop.engines.drift_data import DriftData
from desktop.engines.windows import AnalysisWindows, from_day, to_day

DRIFT_METRICS = ("denial_rate", "allowed_per_unit", "paid_to_allowed", "denial_reason_mix")


@dataclass
class Scenario:
    seed: int
    truths: list[Truth]
    drift: list[Detection]
    delay: list[Detection]
    peers: PeerScores
    tested_cells: int
    delay_rows: list[tuple[int, float | None, bool, float | None, float]] = field(
        default_factory=list
    )  # (truth median, KM median, reached, naive median, share unpaid)


def detections(
    result: AnalysisResult, cpt_codes: tuple[str, ...]
) -> tuple[list[Detection], list[Detection]]:
    drift = [
        Detection(
            f.payer,
            f.cpt,
            f.metric,
            tuple(cpt_codes[c] for c in f.evidence.cells),
            None if f.change_date is None else from_day(f.change_date),
        )
        for f in result.drift
    ]
    delay = [Detection(f.payer, None, f.metric) for f in result.delay]
    return drift, delay


def tested_cells(data: DriftData, settings: AnalysisSettings) -> int:
    """Payer x code cells with the volume to be tested on at least one metric."""
    config = settings.drift
    n = data.n_payers * data.n_codes
    tested = np.zeros(n, np.bool_)
    for b, c, low_b, low_c in (
        (data.baseline.decided, data.current.decided, config.min_decided_baseline,
         config.min_decided_current),
        (data.baseline.amounts, data.current.amounts, config.min_amounts_baseline,
         config.min_amounts_current),
    ):  # fmt: skip
        nb, nc = grouping.counts(data.cell[b], n), grouping.counts(data.cell[c], n)
        tested |= (nb >= low_b) & (nc >= low_c)
    return int(tested.sum())


def run_scenario(seed: int, stable: bool, settings: AnalysisSettings) -> Scenario:
    ds = dataset(stable_config(seed) if stable else change_config(seed))
    cols = ds.columns
    windows = AnalysisWindows.standard(to_day(ds.config.as_of))
    result = analyze(cols, windows, settings)
    drift, delay = detections(result, cols.cpt_codes)
    data = DriftData.prepare(cols, windows)
    scenario = Scenario(
        seed,
        truths(ds),
        drift,
        delay,
        peer_scores(data, settings.drift),
        tested_cells(data, settings),
    )
    current = windows.current
    for test in result.delay_cohorts:
        share_unpaid = test.current.censored / test.current.lines
        truth = ds.truth.days_to_pay(
            cols.payer_names[test.payer], from_day(current.start), from_day(current.end)
        )
        km = test.current.median
        scenario.delay_rows.append(
            (
                truth.median,
                None if km is None else km.days,
                km is not None and km.reached,
                test.current.naive_median,
                share_unpaid,
            )
        )
    return scenario


@dataclass
class Score:
    changes: int = 0
    found: int = 0
    detections: int = 0
    true: int = 0
    date_errors: list[int] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.changes if self.changes else float("nan")

    @property
    def precision(self) -> float:
        return self.true / self.detections if self.detections else float("nan")

    @property
    def f1(self) -> float:
        r, p = self.recall, self.precision
        if np.isnan(r) or np.isnan(p):
            return float("nan") if np.isnan(r) else 0.0
        return 2 * r * p / (r + p) if r + p else 0.0


def score(
    scenarios: list[Scenario],
    pick: str,
    metrics: tuple[str, ...] | None,
    only_target: bool = False,
    peer: tuple[str, float | int] | None = None,
) -> Score:
    """Recall over the chosen changes, precision over the chosen detections."""
    out = Score()
    for s in scenarios:
        found_by = _detections(s, pick, peer)
        chosen_truths = [
            t for t in s.truths
            if (metrics is None or t.metric in metrics) and (t.target or not only_target)
        ]  # fmt: skip
        chosen = [d for d in found_by if metrics is None or d.metric in metrics]
        out.changes += len(chosen_truths)
        for t in chosen_truths:
            hits = [d for d in found_by if finds(d, t)]
            if hits:
                out.found += 1
                dated = [d.change_date for d in hits if d.change_date is not None]
                if dated:
                    out.date_errors.append(abs((dated[0] - t.start).days))
        out.detections += len(chosen)
        out.true += sum(1 for d in chosen if explained(d, s.truths))
    return out


def _detections(s: Scenario, pick: str, peer: tuple[str, float | int] | None) -> list[Detection]:
    if peer is None:
        return s.drift + s.delay if pick == "all" else s.drift
    name, threshold = peer
    if name == "rule":
        return s.peers.rule_detections(float(threshold))
    return s.peers.ph_detections(int(threshold))


def fmt(x: float, digits: int = 2) -> str:
    return "–" if np.isnan(x) else f"{x:.{digits}f}"


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def target_f1(
    changed: list[Scenario], peer: tuple[str, float | int] | None
) -> tuple[Score, float, float]:
    """Recall on the target changes, precision over all the detector's findings, F1."""
    target = score(changed, "drift", PEER_METRICS if peer else None, True, peer)
    everything = score(changed, "drift", PEER_METRICS if peer else DRIFT_METRICS, False, peer)
    r, p = target.recall, everything.precision
    f1 = 0.0 if np.isnan(p) or r + p == 0 else 2 * r * p / (r + p)
    return target, p, f1


def print_quality(changed: list[Scenario]) -> None:
    print("## DriftWatch and DelayGuard per metric (change scenarios)\n")
    print(row("metric", "changes", "found", "recall", "findings", "true", "precision", "F1",
              "change date error, median (mean) days"))  # fmt: skip
    print(row(*["---"] * 9))
    for metric in (*DRIFT_METRICS, "days_to_pay", "all"):
        metrics = {"days_to_pay": DELAY_METRICS, "all": None}.get(metric, (metric,))
        sc = score(changed, "all", metrics)
        errors = sc.date_errors
        dates = (
            f"{statistics.median(errors):.0f} ({statistics.mean(errors):.1f})" if errors else "–"
        )
        print(row(metric, sc.changes, sc.found, fmt(sc.recall), sc.detections, sc.true,
                  fmt(sc.precision), fmt(sc.f1), dates))  # fmt: skip


def print_peers(changed: list[Scenario], stable: list[Scenario], stable_false: int) -> float:
    stable_cells = sum(s.tested_cells for s in stable)
    per_thousand = max(1, round(stable_cells / 1000))
    at_dw = thresholds_for([s.peers for s in stable], stable_false)
    at_limit = thresholds_for([s.peers for s in stable], per_thousand)
    print("\n## Target changes: DriftWatch and the peers at the same false-alarm rate\n")
    print("Target: denial rate +10 points or more, allowed -10 % or more, on cells with 150+ "
          "lines a month, begun 4+ weeks before as-of. Precision counts every finding of the "
          "detector on the metrics it watches. Peers are calibrated on the stable scenarios: "
          f"to DriftWatch's {stable_false} false alarm(s) there, and (for context) to the "
          f"brief's limit of 1 per 1,000 stable cells ({per_thousand}).\n")  # fmt: skip
    print(row("detector", "threshold", "target changes", "found", "recall",
              "precision", "F1", *(f"{m} F1" for m in PEER_METRICS)))  # fmt: skip
    print(row(*["---"] * 10))
    ph = PH_THRESHOLDS
    rows: list[tuple[str, str, tuple[str, float | int] | None]] = [
        ("DriftWatch", "q 0.05", None),
        ("rule of thumb, at DriftWatch's rate", f"{at_dw[0]:+.2f}", ("rule", at_dw[0])),
        ("Page-Hinkley (river), at DriftWatch's rate",
         f"{ph[min(at_dw[1], len(ph) - 1)]:g}", ("ph", at_dw[1])),
        ("rule of thumb, at 1 per 1,000", f"{at_limit[0]:+.2f}", ("rule", at_limit[0])),
        ("Page-Hinkley (river), at 1 per 1,000",
         f"{ph[min(at_limit[1], len(ph) - 1)]:g}", ("ph", at_limit[1])),
        ("rule of thumb as usually told (20 %)", "+0.20", ("rule", 0.20)),
    ]  # fmt: skip
    f1s = {}
    for name, threshold, peer in rows:
        target, precision, f1 = target_f1(changed, peer)
        f1s[name] = f1
        per_metric = [fmt(score(changed, "drift", (m,), False, peer).f1) for m in PEER_METRICS]
        print(row(name, threshold, target.changes, target.found, fmt(target.recall),
                  fmt(precision), fmt(f1), *per_metric))  # fmt: skip
    best = max(f1s[name] for name, _, peer in rows[1:3])
    ratio = f1s["DriftWatch"] / best if best else float("inf")
    print(f"\nDriftWatch target F1 / the better peer's at DriftWatch's false-alarm rate: "
          f"{'∞' if np.isinf(ratio) else f'{ratio:.2f}x'}")  # fmt: skip
    return ratio


def print_stable(stable: list[Scenario]) -> None:
    cells = sum(s.tested_cells for s in stable)
    drift = sum(len(s.drift) for s in stable)
    delay = sum(len(s.delay) for s in stable)
    rule = sum(len(s.peers.rule_detections(0.20)) for s in stable)
    print("\n## False findings on stable data (no change anywhere)\n")
    print(row("scenarios", "cells tested", "drift findings", "per 1,000 stable cells",
              "delay findings (payers)", "20 % rule: alarms per 1,000 cells"))  # fmt: skip
    print(row(*["---"] * 6))
    print(row(len(stable), cells, drift, f"{1000 * drift / max(cells, 1):.2f}", delay,
              f"{1000 * rule / max(cells, 1):.0f}"))  # fmt: skip


def print_delay(scenarios: list[Scenario]) -> None:
    rows = [r for s in scenarios for r in s.delay_rows if r[4] >= 0.30]
    reached = [r for r in rows if r[2] and r[1] is not None and r[3] is not None]
    km = [abs(float(r[1] or 0) - r[0]) for r in reached]
    naive = [abs(float(r[3] or 0) - r[0]) for r in reached]
    off = [(k, n) for k, n in zip(km, naive, strict=True) if n > 1]
    unreached = [r for r in rows if not r[2]]
    below = sum(1 for r in unreached if r[1] is not None and r[1] <= r[0])
    print("\n## DelayGuard: median days to pay of the current cohort vs the truth\n")
    print("Cohorts: claims each payer was sent in the current window, 30 % or more still "
          "unpaid at as-of. Truth: the generator's days to pay of those claims before "
          "censoring.\n")  # fmt: skip
    print(row("cohorts", "median reached", "Kaplan-Meier: mean abs error",
              "within 1 day", "paid only: mean abs error",
              "where paid-only is off by > 1 day: KM / paid-only"))  # fmt: skip
    print(row(*["---"] * 6))
    print(row(len(rows), len(reached), f"{statistics.mean(km):.2f} d",
              f"{np.mean(np.array(km) <= 1):.0%}", f"{statistics.mean(naive):.2f} d",
              f"{statistics.mean(k for k, _ in off):.2f} d / "
              f"{statistics.mean(n for _, n in off):.2f} d ({len(off)})"))  # fmt: skip
    print(f"\nWhere half the cohort is not paid yet ({len(unreached)} cohorts) DelayGuard "
          f"reports a lower bound (\"more than N days\"); it was at or below the truth in "
          f"{below} of them.")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--changes", type=int, default=48, help="scenarios with injected changes")
    parser.add_argument("--stable", type=int, default=24, help="scenarios with no change")
    args = parser.parse_args()
    settings = AnalysisSettings()
    started = time.perf_counter()
    changed = [run_scenario(seed, False, settings) for seed in range(1, args.changes + 1)]
    stable = [run_scenario(seed, True, settings) for seed in range(1001, 1001 + args.stable)]
    elapsed = time.perf_counter() - started
    print(f"# Detection quality: {args.changes} scenarios with changes, {args.stable} without "
          f"({elapsed:.0f} s)\n")  # fmt: skip
    print_quality(changed)
    print_peers(changed, stable, sum(len(s.drift) for s in stable))
    print_stable(stable)
    print_delay(changed + stable)
    return 0


if __name__ == "__main__":
    sys.exit(main())
