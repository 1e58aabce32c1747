"""Benchmark: the window on a 1,000,000-line store (offscreen).

    .venv/bin/python benchmarks/bench_ui.py [--lines 1000000] [--workdir DIR] [--rounds 3]

1. Cold start: a new process (the window's entry with a passphrase, as ``make run``)
   unlocks a 1,000,000-line store with its standard Argon2id cost and shows the
   dashboard (the last stored run's summary; no analysis on open). Measured from
   the parent: spawn (interpreter start and imports included) to the child's line
   saying the dashboard is shown; also the child's own figure from ``run()``.
2. GUI-thread stall: in this process, a window imports a 1,000,000-line demo CSV
   from its Import page while a 10 ms timer beats on the GUI thread; prints the
   longest gap beyond the timer's interval and the import's lines per second.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSPHRASE = "benchmark passphrase"
READY_ENV = "UPSTREAM_UI_EXIT_WHEN_READY"
CHILD = (
    "import sys; from pathlib import Path; from desktop.ui.start import run_unlocked; "
    "sys.exit(run_unlocked(Path(sys.argv[1]), sys.argv[2]))"
)


def build(workdir: Path, lines: int) -> tuple[Path, Path]:
    """The demo CSV and an analysed store holding it (kept in workdir between runs)."""
    from desktop.analysis.wiring import run_standard_analysis
    from desktop.demo import write_demo_csv
    from desktop.ingest.pipeline import import_file
    from desktop.store import create_store, open_store

    csv_path = workdir / f"claims-{lines}.csv"
    store_path = workdir / f"store-{lines}.upstream"
    if not csv_path.exists():
        print(f"writing {lines:,} demo lines…", flush=True)
        write_demo_csv(csv_path, seed=1, lines=lines)
    if not store_path.exists():
        print("building the store (import + analysis)…", flush=True)
        building = workdir / "building.upstream"
        for leftover in (building, Path(str(building) + ".keys")):
            leftover.unlink(missing_ok=True)
        create_store(building, "Benchmark Billing Office", PASSPHRASE)
        with open_store(building, PASSPHRASE) as store:
            import_file(store, csv_path)
            run_standard_analysis(store)
        os.replace(Path(str(building) + ".keys"), Path(str(store_path) + ".keys"))
        os.replace(building, store_path)
    return csv_path, store_path


def cold_start(store_path: Path, rounds: int, layout: Path) -> list[tuple[float, float]]:
    results = []
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{READY_ENV: "1"})
    env["XDG_CONFIG_HOME"] = str(layout)  # no layout or last-store memory from the desktop
    for _ in range(rounds):
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(store_path), PASSPHRASE],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert child.stdout is not None
        figure = None
        for line in child.stdout:  # ends when the child exits
            if line.startswith("dashboard ready"):
                wall = time.perf_counter() - started
                figure = float(line.split()[-1])
                break
        child.wait(timeout=120)
        if figure is None:
            raise RuntimeError(f"the window did not reach the dashboard (exit {child.returncode})")
        results.append((wall, figure))
    return results


def import_stall(csv_path: Path, workdir: Path) -> tuple[float, float, int, float]:
    from PySide6.QtCore import QTimer

    from desktop.store import create_store, open_store
    from desktop.ui.app import make_application
    from desktop.ui.context import AppContext, AppOptions, PreferenceFiles, StoreEvents
    from desktop.ui.heartbeat import Heartbeat
    from desktop.ui.main_window import MainWindow
    from desktop.ui.tasks import TaskRunner

    app = make_application()
    folder = Path(tempfile.mkdtemp(dir=workdir))
    try:
        path = folder / "import.upstream"
        create_store(path, "Benchmark Billing Office", PASSPHRASE)
        options = AppOptions(
            preferences=PreferenceFiles(folder / "settings.toml", folder / "policy.toml"),
            layout_file=folder / "layout.ini",
        )
        window = MainWindow(
            AppContext(open_store(path, PASSPHRASE), TaskRunner(), StoreEvents(), options)
        )
        window.show()
        page = window.import_page
        page.auto_analyse = False
        window.show_page("import")
        heartbeat = Heartbeat(10)
        outcome: list[object] = []
        page.imported.connect(
            lambda results: (outcome.append(results), QTimer.singleShot(500, app.quit))
        )
        started = time.perf_counter()
        heartbeat.start()
        page.import_paths([csv_path])
        app.exec()
        heartbeat.stop()
        elapsed = time.perf_counter() - started
        results = outcome[0]
        stored = results[0].rows_stored  # type: ignore[index]
        window.close()
        return heartbeat.longest_stall_ms, elapsed, stored, page.progress.last_rows_per_s or 0.0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=("start", "stall"), default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.gettempdir()) / "upstream-bench-ui"
    workdir.mkdir(parents=True, exist_ok=True)
    csv_path, store_path = build(workdir, args.lines)
    layout = workdir / "config"
    shutil.rmtree(layout, ignore_errors=True)
    layout.mkdir()

    if args.only != "stall":
        report_cold_start(store_path, args.rounds, layout, args.lines)
    if args.only != "start":
        report_stall(csv_path, workdir)
    return 0


def report_cold_start(store_path: Path, rounds: int, layout: Path, lines: int) -> None:
    starts = cold_start(store_path, rounds, layout)
    walls = [w for w, _ in starts]
    print(
        f"cold start to the dashboard, {lines:,}-line store (spawn to dashboard shown, s): "
        + ", ".join(f"{w:.2f}" for w in walls)
        + f"; median {statistics.median(walls):.2f}, worst {max(walls):.2f}"
    )
    print(
        "  the child's own figure (its start to the dashboard shown, s): "
        + ", ".join(f"{c:.2f}" for _, c in starts)
    )


def report_stall(csv_path: Path, workdir: Path) -> None:
    stall, elapsed, stored, rate = import_stall(csv_path, workdir)
    print(
        f"import of {stored:,} lines from the Import page: {elapsed:.1f} s "
        f"({stored / elapsed:,.0f} lines/s end to end; the page showed {rate:,.0f} lines/s)"
    )
    print(f"longest GUI-thread stall during the import: {stall:.0f} ms (10 ms heartbeat)")


if __name__ == "__main__":
    sys.exit(main())
