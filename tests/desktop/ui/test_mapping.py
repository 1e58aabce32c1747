"""An export with unknown headers opens the mapping dialog; the mapping is saved and used."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.ingest.column_mappings import list_column_mappings
from desktop.ui.mapping_dialog import MappingDialog
from tests.desktop.ui.conftest import wait_idle

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

RENAMED = {"claim_id": "Ref A", "payer": "Ins Co X", "cpt": "Svc X"}


def renamed_copy(source: Path, target: Path, lines: int = 2_000) -> Path:
    with (
        source.open(newline="", encoding="utf-8") as inp,
        target.open("w", newline="", encoding="utf-8") as out,
    ):
        reader = csv.reader(inp)
        writer = csv.writer(out)
        header = next(reader)
        writer.writerow([RENAMED.get(h, h) for h in header])
        for number, row in enumerate(reader):
            if number >= lines:
                break
            writer.writerow(row)
    return target


def test_unknown_headers_are_mapped_then_imported(
    qtbot: QtBot, open_window, store_path: Path, demo_csv: Path, tmp_path: Path
) -> None:
    export = renamed_copy(demo_csv, tmp_path / "pm-export.csv")
    window = open_window(store_path)
    page = window.import_page
    page.auto_analyse = False
    window.show_page("import")
    wait_idle(qtbot, window)
    page.import_paths([export])
    qtbot.waitUntil(lambda: getattr(page, "mapping_dialog", None) is not None, timeout=30_000)
    dialog = page.mapping_dialog
    assert isinstance(dialog, MappingDialog)
    assert set(dialog.check.missing) == set(RENAMED)
    dialog._accept()  # still missing: says so and stays open
    assert "Still missing" in dialog.message.text()
    for column, header in RENAMED.items():
        dialog.set_column(header, column)
    with qtbot.waitSignal(page.imported, timeout=60_000) as signal:
        dialog._accept()
    assert signal.args[0][0].status == "committed"
    with window.ctx.store.read() as session:
        assert [m.name for m in list_column_mappings(session)] == ["pm-export"]
