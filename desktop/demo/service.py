"""The one call behind ``upstream demo-data`` (and the demo store of ``make run``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop.demo.config import DemoConfig
from desktop.demo.csv_writer import Progress, default_truth_path, write_dataset_csv
from desktop.demo.dataset import DemoDataset, to_day
from desktop.demo.generate import generate
from desktop.demo.truth import DemoTruth
from desktop.demo.x12_writer import write_demo_x12
from desktop.output import write_text
from desktop.store.models.claims import ClaimStatus

RECENT_DAYS = 30


@dataclass(frozen=True)
class DemoFiles:
    """What was written, and a few figures that show what the data look like."""

    csv: Path
    truth_path: Path
    x12_files: tuple[Path, ...]
    truth: DemoTruth
    lines: int
    claims: int
    pending_share_recent: float  # share of the last 30 days' claims not paid at as_of


def write_demo(
    out: Path,
    config: DemoConfig,
    *,
    truth_path: Path | None = None,
    x12_dir: Path | None = None,
    phi_canary: bool = False,
    progress: Progress | None = None,
) -> DemoFiles:
    dataset = generate(config)
    write_dataset_csv(out, dataset, phi_canary=phi_canary, progress=progress)
    truth_file = truth_path or default_truth_path(out)
    write_text(truth_file, dataset.truth.to_json())
    x12_files: tuple[Path, ...] = ()
    if x12_dir is not None:
        x12_files = tuple(write_demo_x12(x12_dir, dataset))
    return DemoFiles(
        csv=out,
        truth_path=truth_file,
        x12_files=x12_files,
        truth=dataset.truth,
        lines=len(dataset),
        claims=len(dataset.claims),
        pending_share_recent=unpaid_share_recent(dataset),
    )


def unpaid_share_recent(dataset: DemoDataset, days: int = RECENT_DAYS) -> float:
    """Share of claims submitted in the last ``days`` days with no line paid at as_of."""
    cols = dataset.columns
    recent = cols.submitted_date > to_day(dataset.config.as_of) - days
    if not recent.any():
        return 0.0
    paid = np.isin(cols.status, [ClaimStatus.PAID, ClaimStatus.PARTIAL])
    claim = dataset.text.claim
    recent_claims = np.unique(claim[recent])
    paid_claims = np.unique(claim[recent & paid])
    return 1.0 - len(paid_claims) / len(recent_claims)
