"""A million lines through the real command: complete, and without gigabytes of memory."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from tests.helpers.cli import run_cli

GIB = 1024 * 1024  # ru_maxrss is in KiB on Linux


@pytest.mark.slow
def test_one_million_lines_in_bounded_memory(tmp_path: Path) -> None:
    out = tmp_path / "million.csv"
    result = run_cli(
        "demo-data", "--out", out, "--lines", "1000000", "--as-of", "2026-10-31", timeout=300
    )
    assert result.returncode == 0, result.stderr
    with out.open("rb") as handle:
        assert sum(1 for _ in handle) == 1_000_001
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kib < GIB, f"peak memory {peak_kib / 1024:.0f} MiB"
