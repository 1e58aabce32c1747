"""Benchmark: importing demo claims as CSV end to end into an encrypted store.

    .venv/bin/python benchmarks/bench_import.py [--lines 1000000] [--workdir DIR]

Writes a demo claims CSV (``desktop.demo``), then in the same run:

- the bare floor: ``sqlite3``'s own ``.import`` of that file into a plaintext
  database (``/usr/bin/sqlite3``, ``.mode csv``: C code, no checks, no encryption);
- ``upstream import`` of the same file into a new encrypted store, in a child
  process, whose peak memory (``ru_maxrss``) is read from the kernel.

Each is run five times, alternating, and the faster of each is compared, so that a
burst of load from other processes on the machine skews the ratio less. Prints
lines per second, peak memory of the importing process (and of its reader process,
sampled from /proc: see ``process_memory``) and the ratio to the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SQLITE3 = "/usr/bin/sqlite3"
PASSPHRASE = "benchmark passphrase"
ROUNDS = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--reader-process",
        choices=("auto", "always", "never"),
        default="auto",
        help="read and prepare in a second process (auto: for a large file, with 2+ cores)",
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("STORE", "FILE", "MODE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        return child(Path(args.child[0]), Path(args.child[1]), args.child[2])
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="upstream-bench-import-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        return run(workdir, args.lines, args.reader_process)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: Path, lines: int, mode: str) -> int:
    from desktop.demo import write_demo_csv

    csv_path = workdir / f"demo-{lines}.csv"
    if not csv_path.exists():
        print(f"writing {lines:,} demo lines to {csv_path} ...", file=sys.stderr)
        write_demo_csv(csv_path, lines=lines, seed=1)
    size_mb = csv_path.stat().st_size / 2**20
    print(f"file: {lines:,} claim lines, {size_mb:,.1f} MB")

    floors: list[float] = []
    imports: list[dict[str, float]] = []
    for round_number in range(ROUNDS):
        floors.append(sqlite_import(workdir, csv_path))
        imports.append(upstream_import(workdir, csv_path, round_number, mode))
        print(
            f"round {round_number + 1}: sqlite3 .import {floors[-1]:.2f} s, "
            f"upstream import {imports[-1]['import_seconds']:.2f} s "
            f"({'with' if imports[-1]['second'] else 'without'} a reader process, "
            f"peak {imports[-1]['peak_mb']:.0f} MB), load average {os.getloadavg()[0]:.1f}"
        )
    floor = min(floors)
    best = min(imports, key=lambda r: r["import_seconds"])
    seconds = best["import_seconds"]
    print(f"sqlite3 .import (plaintext, no checks): {floor:.2f} s, {lines / floor:,.0f} lines/s")
    print(
        f"upstream import (encrypted, checked):   {seconds:.2f} s, {lines / seconds:,.0f} lines/s, "
        f"{best['rows_stored']:,.0f} lines stored"
    )
    worst = max(imports, key=lambda r: r["peak_mb"])
    print(
        f"peak memory of the import:              {worst['peak_mb']:.0f} MB "
        f"(importing process {worst['importer_mb']:.0f} MB, reader process "
        f"{worst['reader_mb']:.0f} MB)"
    )
    print(f"ratio to the sqlite3 floor:             {seconds / floor:.2f}x")
    return 0


def sqlite_import(workdir: Path, csv_path: Path) -> float:
    database = workdir / "floor.sqlite"
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [SQLITE3, str(database), "-cmd", ".mode csv", f".import {csv_path} claims"],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - started
    database.unlink(missing_ok=True)
    return elapsed


def upstream_import(
    workdir: Path, csv_path: Path, round_number: int, mode: str
) -> dict[str, float]:
    from desktop.store import create_store

    store_path = workdir / f"bench-{round_number}.upstream"
    for leftover in workdir.glob(f"{store_path.name}*"):
        leftover.unlink()
    create_store(store_path, "Benchmark Billing", PASSPHRASE)
    with (
        subprocess.Popen(
            [sys.executable, __file__, "--child", str(store_path), str(csv_path), mode],
            stdout=subprocess.PIPE,
            env={**os.environ, "UPSTREAM_PASSPHRASE": PASSPHRASE},
        ) as process,
        PeakMemory(process.pid) as peak,
    ):
        assert process.stdout is not None
        output = process.stdout.read()
        process.wait()
    if process.returncode != 0:
        raise SystemExit(f"the import child failed with exit code {process.returncode}")
    report: dict[str, float] = json.loads(output)
    report["peak_mb"] = peak.total_mb
    report["importer_mb"] = peak.by_role_mb.get("importer", 0.0)
    report["reader_mb"] = peak.by_role_mb.get("reader", 0.0)
    for leftover in workdir.glob(f"{store_path.name}*"):
        leftover.unlink()
    return report


def child(store_path: Path, csv_path: Path, mode: str) -> int:
    """Open the store, then time the import alone (the key derivation is not the import)."""
    from desktop.ingest.options import ImportOptions
    from desktop.ingest.pipeline import import_file
    from desktop.ingest.worker import use_reader_process
    from desktop.store import open_store

    with open_store(store_path, os.environ["UPSTREAM_PASSPHRASE"]) as store:
        second = use_reader_process(mode, csv_path.stat().st_size)
        options = ImportOptions(reader_process="always" if second else "never")
        started = time.perf_counter()
        result = import_file(store, csv_path, options)
        elapsed = time.perf_counter() - started
    if result.status != "committed":
        print(result.error, file=sys.stderr)
        return 1
    report = {"import_seconds": elapsed, "rows_stored": result.rows_stored, "second": second}
    json.dump(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.process_memory import PeakMemory

    raise SystemExit(main())
