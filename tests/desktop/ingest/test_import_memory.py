"""Memory stays bounded: an import four times larger does not need more of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.process_memory import PeakMemory
from desktop.demo import write_demo_csv
from tests.conftest import PASSPHRASE, StoreFactory

CHILD = """
import sys
from pathlib import Path
from desktop.ingest.options import ImportOptions
from desktop.ingest.pipeline import import_file
from desktop.store import open_store

if __name__ == "__main__":
    with open_store(Path(sys.argv[1]), sys.argv[3]) as store:
        result = import_file(store, Path(sys.argv[2]), ImportOptions(reader_process="always"))
    print(result.rows_stored)
"""


def peak_memory(store: Path, csv_path: Path, script: Path) -> dict[str, float]:
    """Peak resident memory of an import in a fresh process, with its reader process."""
    with (
        subprocess.Popen(
            [sys.executable, str(script), str(store), str(csv_path), PASSPHRASE],
            stdout=subprocess.PIPE,
            text=True,
        ) as process,
        PeakMemory(process.pid) as peak,
    ):
        assert process.stdout is not None
        rows = int(process.stdout.read())
        assert process.wait(timeout=600) == 0
    return {"rows": rows, **peak.by_role_mb, "total_mb": peak.total_mb}


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="samples memory in /proc")
def test_peak_memory_does_not_grow_with_the_file(make_store: StoreFactory, tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    write_demo_csv(small, lines=150_000, seed=3)
    write_demo_csv(large, lines=600_000, seed=4)
    assert large.stat().st_size > 3.5 * small.stat().st_size
    first = peak_memory(make_store().path, small, script)
    second = peak_memory(make_store().path, large, script)
    print(
        f"peak memory: {first} ({small.stat().st_size >> 20} MB), "
        f"{second} ({large.stat().st_size >> 20} MB)"
    )
    assert (first["rows"], second["rows"]) == (150_000, 600_000)
    for role in ("importer", "reader"):
        assert second[role] < first[role] + 40, role  # not four times as much, not even more
    assert second["total_mb"] < 400
