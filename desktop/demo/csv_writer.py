"""Writing a demo data set as a claims CSV of the contract format, in chunks.

Memory stays bounded by the chunk: each chunk of lines becomes text (``csv_rows``)
and goes to disk before the next. Files are written under a temporary name and
renamed when complete, so an interrupted run leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from desktop.demo.config import DemoConfig
from desktop.demo.csv_rows import RowFormatter, header
from desktop.demo.dataset import DemoDataset
from desktop.demo.generate import generate
from desktop.demo.truth import DemoTruth
from desktop.output import output_file, write_text

CHUNK_LINES = 100_000

Progress = Callable[[int, int], None]


def default_truth_path(out: Path) -> Path:
    return out.with_suffix(".truth.json")


def write_demo_csv(
    out: Path,
    *,
    seed: int = 1,
    lines: int = 100_000,
    months: int = 12,
    as_of: date | None = None,
    config: DemoConfig | None = None,
    truth_path: Path | None = None,
    phi_canary: bool = False,
    progress: Progress | None = None,
) -> DemoTruth:
    """Generate and write a claims CSV and its truth JSON; returns the truth.

    With ``config`` None, the default scenario of ``DemoConfig.default(seed, lines,
    months, as_of)`` is written; a given ``config`` is used as is. The truth goes to
    ``truth_path`` (default: ``out`` with the suffix ``.truth.json``). Both files are
    written to temporary names and renamed at the end: nothing half-written remains.
    """
    chosen = config or DemoConfig.default(seed, lines, months, as_of)
    dataset = generate(chosen)
    write_dataset_csv(out, dataset, phi_canary=phi_canary, progress=progress)
    write_text(truth_path or default_truth_path(out), dataset.truth.to_json())
    return dataset.truth


def write_dataset_csv(
    out: Path,
    dataset: DemoDataset,
    *,
    phi_canary: bool = False,
    progress: Progress | None = None,
) -> None:
    """Write ``dataset`` as a claims CSV, ``CHUNK_LINES`` lines at a time."""
    with output_file(out) as handle:
        handle.write(header(with_phi_canary=phi_canary))
        formatter = RowFormatter(dataset, with_phi_canary=phi_canary)
        total = len(dataset)
        for start in range(0, total, CHUNK_LINES):
            stop = min(start + CHUNK_LINES, total)
            handle.write(formatter.rows(start, stop))
            if progress is not None:
                progress(stop, total)
