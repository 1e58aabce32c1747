"""Demo-data speed: generating and writing 1,000,000 claim lines, and the X12 writer.

Prints wall and CPU seconds, lines per second and peak memory for each step:
    .venv/bin/python benchmarks/bench_demo_data.py
The whole command, as a user runs it (startup and imports included):
    time .venv/bin/upstream demo-data --out /tmp/demo.csv --lines 1000000
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from desktop.demo import DemoConfig, generate, write_demo_x12
from desktop.demo.csv_writer import write_dataset_csv

T = TypeVar("T")
AS_OF = date(2026, 10, 31)


def timed(label: str, lines: int, fn: Callable[[], T]) -> T:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<46} {wall:6.2f} s wall {cpu:6.2f} s cpu {lines / cpu:>11,.0f} lines/s (cpu)")
    return result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_million(folder: Path) -> None:
    lines = 1_000_000
    config = DemoConfig.default(1, lines, 12, AS_OF)
    start_rss = peak_rss_mb()
    dataset = timed(
        "generate 1,000,000 lines (24 payers, 120 codes)", lines, lambda: generate(config)
    )
    out = folder / "claims.csv"
    timed("write them as claims CSV", lines, lambda: write_dataset_csv(out, dataset))
    cpu = time.process_time()
    write_dataset_csv(out, generate(config))
    total = time.process_time() - cpu
    print(f"{'generate + write, 1,000,000 lines':<46} {lines / total:>41,.0f} lines/s (cpu)")
    print(
        f"CSV size {out.stat().st_size / 1e6:.0f} MB; peak memory {peak_rss_mb():.0f} MB "
        f"(process before generating: {start_rss:.0f} MB)"
    )


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-demo-"))
    one_million(folder)
    engines = DemoConfig.default(2, 2_000_000, 12, AS_OF, n_payers=50, n_codes=2000)
    timed("generate 2,000,000 lines (50 payers, 2,000 codes)", 2_000_000, lambda: generate(engines))
    small = generate(DemoConfig.default(3, 50_000, 12, AS_OF))
    files = timed(
        "write 50,000 lines as 837P + 835 files",
        50_000,
        lambda: write_demo_x12(folder / "x12", small),
    )
    print(f"X12 files: {len(files):,}")


if __name__ == "__main__":
    main()
