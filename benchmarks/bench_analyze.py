"""Speed of an analysis: load the claim columns from the store, run both engines.

    .venv/bin/python benchmarks/bench_analyze.py [--lines 2000000] [--store PATH]

Builds (or reuses, with ``--store``) an encrypted store of synthetic demo lines
(about 50 payers x 2,000 codes over 12 months), brings its claim-column snapshots up
to date as an import would, then measures in a fresh child process:

- load: ``load_claim_columns`` from an open store (the store's unlock is not counted);
- engines: DriftWatch and DelayGuard over those columns (``analyze``);
- and, for context, the whole ``run_analysis`` service (refresh check, load,
  engines, saving the run and its findings).

Prints seconds and the child's peak memory (VmHWM on Linux).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

PASSPHRASE = "benchmark passphrase"
AS_OF = date(2026, 10, 31)


def build_store(path: Path, lines: int) -> None:
    from desktop.demo import DemoConfig, generate
    from desktop.store import create_store, open_connection, open_store
    from desktop.store.claim_columns import refresh_claim_columns
    from desktop.store.keys import KdfParams

    started = time.perf_counter()
    ds = generate(
        DemoConfig.default(seed=7, lines=lines, months=12, as_of=AS_OF, n_payers=50, n_codes=2000)
    )
    print(f"generated {lines:,} demo lines in {time.perf_counter() - started:.1f} s")
    create_store(path, "Benchmark Billing Office", PASSPHRASE, kdf=KdfParams(1, 8 * 1024, 1))
    con = open_connection(path, PASSPHRASE)
    started = time.perf_counter()
    _insert(con, ds)
    print(f"inserted into the encrypted store in {time.perf_counter() - started:.1f} s")
    with open_store(path, PASSPHRASE) as store:
        started = time.perf_counter()
        with store.write() as session:
            refresh = refresh_claim_columns(session)
        elapsed = time.perf_counter() - started
    print(
        f"refresh_claim_columns after the import: {elapsed:.1f} s for {refresh.lines_encoded:,} "
        f"lines ({refresh.lines_encoded / elapsed:,.0f} lines/s, the cost an import pays)"
    )


def _insert(con: object, ds: object) -> None:
    from desktop.engines.columns import MISSING, NO_REASON

    cols = ds.columns  # type: ignore[attr-defined]
    text = ds.text  # type: ignore[attr-defined]
    con.execute("BEGIN IMMEDIATE")  # type: ignore[attr-defined]
    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO import_batch (id, file_name, file_sha256, file_size, format, state, "
        "started_at, rows_read, rows_stored, rows_rejected, summary_json) VALUES "
        "('bench', 'demo.csv', 'x', 0, 'csv', 'committed', '2026-11-01T00:00:00Z', 0, 0, 0, '{}')"
    )
    for name in cols.payer_names:
        con.execute(  # type: ignore[attr-defined]
            "INSERT INTO payer (name, created_at) VALUES (?, '2026-11-01T00:00:00Z')", (name,)
        )
    payer_id = dict(con.execute("SELECT name, id FROM payer").fetchall())  # type: ignore[attr-defined]
    payer_ids = np.array([payer_id[n] for n in cols.payer_names])

    def nullable(values: np.ndarray) -> list[object]:
        out: list[object] = values.tolist()
        for i in np.flatnonzero(values == MISSING).tolist():
            out[i] = None
        return out

    reasons = np.array([*cols.reason_codes, ""], dtype=object)
    carc = reasons[np.where(cols.denial_reason == NO_REASON, -1, cols.denial_reason)]
    claim_ids = [f"BENCH-{c:08d}" for c in text.claim.tolist()]
    rows = zip(
        claim_ids,
        text.line_number.tolist(),
        np.array(cols.payer_names, dtype=object)[cols.payer].tolist(),
        payer_ids[cols.payer].tolist(),
        np.array(cols.cpt_codes, dtype=object)[cols.cpt].tolist(),
        cols.units.tolist(),
        cols.date_of_service.tolist(),
        cols.submitted_date.tolist(),
        nullable(cols.decision_date),
        nullable(cols.paid_date),
        cols.billed_cents.tolist(),
        nullable(cols.allowed_cents),
        nullable(cols.paid_cents),
        cols.status.tolist(),
        [c or None for c in carc.tolist()],
        strict=True,
    )
    con.executemany(  # type: ignore[attr-defined]
        "INSERT INTO claim_line (claim_id, line_number, payer_raw, payer_id, cpt, units, "
        "date_of_service, submitted_date, decision_date, paid_date, billed_cents, allowed_cents, "
        "paid_cents, status, carc_codes, source_format, first_import_id, last_import_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'csv', 'bench', 'bench')",
        rows,
    )
    con.execute("COMMIT")  # type: ignore[attr-defined]


def peak_memory_mb() -> float:
    """This process's peak resident memory.

    Linux's VmHWM belongs to the process image; ru_maxrss would also carry the peak of
    the parent that forked it (here: the one that generated and inserted the data).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path: Path) -> None:
    """In the child process: load + engines, then the whole service, as JSON on stdout."""
    from desktop.analysis import AnalysisRequest, run_analysis
    from desktop.engines.analysis import analyze
    from desktop.engines.windows import AnalysisWindows, to_day
    from desktop.store import open_store
    from desktop.store.claim_columns import load_claim_columns

    with open_store(path, PASSPHRASE) as store:
        with store.read() as session:  # warm: the first read pays for page cache fills
            load_claim_columns(session, fields=("payer",))
        started = time.perf_counter()
        with store.read() as session:
            cols = load_claim_columns(session)
        loaded = time.perf_counter()
        result = analyze(cols, AnalysisWindows.standard(to_day(AS_OF)))
        engines = time.perf_counter()
        peak_engines = peak_memory_mb()
        del cols
        outcome = run_analysis(store, AnalysisRequest(as_of=AS_OF))
        service = time.perf_counter() - engines
    print(
        json.dumps(
            {
                "lines": result.lines,
                "load_s": loaded - started,
                "engines_s": engines - loaded,
                "service_s": service,
                "tests": result.tests_run,
                "drift_findings": len(result.drift),
                "delay_findings": len(result.delay),
                "saved_findings": len(outcome.findings),
                "peak_rss_mb": peak_engines,
                "peak_rss_service_mb": peak_memory_mb(),
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--store", type=Path, default=None, help="reuse or keep this store")
    parser.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        measure(args.measure)
        return 0
    path = args.store or Path(tempfile.mkdtemp(prefix="bench-analyze-")) / "bench.upstream"
    if not path.exists():
        build_store(path, args.lines)
    child = subprocess.run(
        [sys.executable, __file__, "--measure", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    total = figures["load_s"] + figures["engines_s"]
    print(
        f"{figures['lines']:,} lines, {figures['tests']:,} tests, "
        f"{figures['drift_findings']} drift and {figures['delay_findings']} delay findings"
    )
    print(f"load claim columns        {figures['load_s']:6.2f} s "
          f"({figures['lines'] / figures['load_s']:,.0f} lines/s)")  # fmt: skip
    print(f"DriftWatch + DelayGuard   {figures['engines_s']:6.2f} s")
    print(f"load + both engines       {total:6.2f} s")
    print(f"whole run_analysis        {figures['service_s']:6.2f} s (with saving the run)")
    print(f"peak memory               {figures['peak_rss_mb']:6.0f} MB (load + engines; "
          f"{figures['peak_rss_service_mb']:.0f} MB after the whole service)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
