"""Write a PNG of every page of the window, on a demo store, to docs/screenshots/.

Runs offscreen (``QT_QPA_PLATFORM=offscreen``): builds a demo store from synthetic
claims in a temporary folder, imports and analyses it, then shows each page in turn.
The Reports page is shown after writing a PDF through it, so that it shows a result;
Settings shows the sync panel (this store is not enrolled).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSize  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from desktop.analysis.wiring import run_standard_analysis  # noqa: E402
from desktop.demo import write_demo_csv  # noqa: E402
from desktop.ingest.pipeline import import_file  # noqa: E402
from desktop.store import create_store, open_store  # noqa: E402
from desktop.ui.app import make_application  # noqa: E402
from desktop.ui.context import AppContext, AppOptions, PreferenceFiles, StoreEvents  # noqa: E402
from desktop.ui.create_store import CreateStoreDialog  # noqa: E402
from desktop.ui.main_window import MainWindow  # noqa: E402
from desktop.ui.pages.reports import ReportsPage  # noqa: E402
from desktop.ui.tasks import TaskRunner  # noqa: E402
from desktop.ui.unlock import UnlockDialog  # noqa: E402

SIZE = QSize(1280, 820)
PASSPHRASE = "demo"
WAIT_S = 120.0


def settle(app: QApplication, window: MainWindow | None = None) -> None:
    """Process events until the window's worker is idle (bounded)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        app.processEvents()
        if window is None or not window.ctx.runner.busy:
            for _ in range(20):
                app.processEvents()
                time.sleep(0.01)
            if window is None or not window.ctx.runner.busy:
                return
        time.sleep(0.01)
    raise TimeoutError("the window did not settle")


def save(widget: QWidget, path: Path) -> None:
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path}")


def write_report_shown(
    app: QApplication, window: MainWindow, page: ReportsPage, folder: Path
) -> None:
    """Write a PDF report through the page, so that its screenshot shows the result."""
    folder.mkdir(exist_ok=True)
    page.write_to(folder / "upstream-report.pdf")
    settle(app, window)
    if page.last is None:
        raise RuntimeError(f"the report was not written: {page.status.text()}")


def build_store(folder: Path, lines: int) -> Path:
    claims = folder / "claims.csv"
    write_demo_csv(claims, seed=1, lines=lines)
    store_path = folder / "demo.upstream"
    create_store(store_path, "Demo Billing Office", PASSPHRASE)
    with open_store(store_path, PASSPHRASE) as store:
        import_file(store, claims)
        run_standard_analysis(store)
    return store_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--lines", type=int, default=60_000)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store_path = build_store(folder, args.lines)
        options = AppOptions(
            preferences=PreferenceFiles(folder / "settings.toml", folder / "policy.toml"),
            layout_file=folder / "layout.ini",
        )
        runner = TaskRunner()
        unlock = UnlockDialog(runner, store_path)
        unlock.show()
        settle(app)
        save(unlock, args.out / "unlock.png")
        create = CreateStoreDialog(runner, folder / "new.upstream")
        create.customer.setText("Riverside Family Practice Billing")
        create.passphrase.setText("maple river lantern")
        create.show()
        settle(app)
        save(create, args.out / "create-store.png")
        unlock.close()
        create.close()

        store = open_store(store_path, PASSPHRASE)
        window = MainWindow(AppContext(store, TaskRunner(), StoreEvents(), options))
        window.resize(SIZE)
        window.show()
        for page in window.pages:
            window.show_page(page.key)
            settle(app, window)
            if page.key == "audit":
                page.verify()  # type: ignore[attr-defined]
                settle(app, window)
            if isinstance(page, ReportsPage):
                write_report_shown(app, window, page, folder / "reports")
            save(window, args.out / f"{page.key}.png")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
