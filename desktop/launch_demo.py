"""What ``make run`` runs: a demo store from synthetic data, then the app or a headless run.

The demo store lives in ``.demo/`` of the working folder with the passphrase ``demo``;
it is built once (synthetic claims with known, injected payer changes, imported like any
export) and reused. It is built under a temporary name and moved into place only when
complete, so an interrupted build is simply rebuilt. With a display the window opens on
it; without one the analysis runs headless and prints what it found next to what the
demo data hid.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from desktop.analysis.document import analysis_text
from desktop.analysis.wiring import run_standard_analysis
from desktop.demo import write_demo_csv
from desktop.demo.truth import DemoTruth
from desktop.ingest.pipeline import import_file
from desktop.store import create_store, open_store

DEMO_DIR = Path(".demo")
DEMO_STORE = DEMO_DIR / "demo.upstream"
DEMO_TRUTH = DEMO_DIR / "truth.json"
DEMO_PASSPHRASE = "demo"
DEMO_CUSTOMER = "Demo Billing Office"
DEMO_LINES = 500_000
DEMO_SEED = 1


class DemoBuildFailed(RuntimeError):
    """The demo claims did not import; the message says why."""


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _keys_of(store: Path) -> Path:
    return store.with_name(store.name + ".keys")


def ensure_demo_store() -> Path:
    if DEMO_STORE.exists() and _keys_of(DEMO_STORE).exists() and DEMO_TRUTH.exists():
        print(f"Using the demo store {DEMO_STORE} (passphrase: {DEMO_PASSPHRASE}).")
        return DEMO_STORE
    building = DEMO_DIR / "building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    claims = building / "claims.csv"
    print(f"Writing {DEMO_LINES:,} synthetic claim lines (no real patient data)…", flush=True)
    write_demo_csv(claims, seed=DEMO_SEED, lines=DEMO_LINES, truth_path=building / "truth.json")
    store_path = building / DEMO_STORE.name
    create_store(store_path, DEMO_CUSTOMER, DEMO_PASSPHRASE)
    print("Importing them into an encrypted store…", flush=True)
    with open_store(store_path, DEMO_PASSPHRASE) as store:
        result = import_file(store, claims)
    if not result.stored_anything:
        raise DemoBuildFailed(f"the demo claims did not import: {result.error or result.status}")
    for source, target in (
        (store_path, DEMO_STORE),
        (_keys_of(store_path), _keys_of(DEMO_STORE)),
        (building / "truth.json", DEMO_TRUTH),
    ):
        os.replace(source, target)
    shutil.rmtree(building)
    print(f"Created the demo store {DEMO_STORE} (passphrase: {DEMO_PASSPHRASE}).")
    return DEMO_STORE


def headless_analysis(path: Path) -> None:
    with open_store(path, DEMO_PASSPHRASE) as store:
        print(f"Customer: {store.customer.name} (schema {store.schema_revision})")
        outcome = run_standard_analysis(store)
    print(analysis_text(outcome))
    print(hidden_changes(DemoTruth.from_json(DEMO_TRUTH.read_text(encoding="utf-8"))))


def hidden_changes(truth: DemoTruth) -> str:
    lines = [f"What the demo data hid ({len(truth.changes)} injected changes):"]
    for item in truth.changes:
        change = item.change
        cell = f"{change.payer} {change.cpt or '(all codes)'}"
        lines.append(
            f"  {cell:<42} {item.metric:<20} from {change.start}: "
            f"{item.expected_before:.3g} → {item.expected_after:.3g}"
        )
    return "\n".join(lines)


def open_window(path: Path) -> int:
    from desktop.ui.start import run_unlocked  # Qt loads only when a window is wanted

    return run_unlocked(path, DEMO_PASSPHRASE)


def main() -> int:
    path = ensure_demo_store()
    if has_display():
        return open_window(path)
    print("No display: running the analysis headless.")
    headless_analysis(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
