"""What ``make run`` runs: a demo store from synthetic data, then the app or a headless run.

The demo store lives in ``.demo/`` of the working folder with the passphrase
``demo``; it is built once and reused. With a display the window opens on it;
without one the headless analysis runs and prints what it found.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop.store import audit, create_store, open_store

DEMO_DIR = Path(".demo")
DEMO_STORE = DEMO_DIR / "demo.upstream"
DEMO_PASSPHRASE = "demo"
DEMO_CUSTOMER = "Demo Billing Office"


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def ensure_demo_store() -> Path:
    if DEMO_STORE.exists():
        print(f"Using the demo store {DEMO_STORE} (passphrase: {DEMO_PASSPHRASE}).")
        return DEMO_STORE
    created = create_store(DEMO_STORE, DEMO_CUSTOMER, DEMO_PASSPHRASE)
    print(f"Created the demo store {created.path} (passphrase: {DEMO_PASSPHRASE}).")
    return DEMO_STORE


def headless_summary(path: Path) -> None:
    with open_store(path, DEMO_PASSPHRASE) as store, store.read() as session:
        verification = audit.verify(session)
        print(f"Customer: {store.customer.name} (schema {store.schema_revision})")
        state = "intact" if verification.ok else f"ALTERED: {verification.problem}"
        print(f"Audit trail: {verification.entries_checked} entries, {state}")
    print(
        "Not available yet in this version: synthetic claims (demo-data), import, "
        "the DriftWatch and DelayGuard engines, and the desktop window."
    )


def main() -> int:
    path = ensure_demo_store()
    if has_display():
        print("The desktop window is not available yet; running the headless summary.")
    headless_summary(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
