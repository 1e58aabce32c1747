"""Reports of a demo office: the PDF names the injected changes; the CSV cannot execute."""

from __future__ import annotations

import csv
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.analysis import AnalysisRequest
from desktop.analysis.wiring import run_standard_analysis
from desktop.demo import DemoConfig, generate
from desktop.errors import UsageError
from desktop.reports.content import METRIC_NAMES, NoAnalysisYet
from desktop.reports.csv_safe import SafeCsvWriter, neutralise
from desktop.reports.service import (
    ReportCancelled,
    ReportNotWritable,
    read_report,
    write_pdf_report,
    write_report,
)
from desktop.store import open_connection, open_store
from tests.conftest import PASSPHRASE, StoreFactory
from tests.desktop.alerts.scenario import Scenario, Spec
from tests.helpers.claims import ensure_import, ensure_payers
from tests.helpers.stubs import MovableClock

AS_OF = date(2026, 10, 31)


def injected_changes() -> list[str]:
    """What the demo store's truth says was injected, as the report must name it."""
    truth = generate(DemoConfig.default(seed=3, lines=60_000, months=7, as_of=AS_OF)).truth
    names = []
    for c in truth.changes:
        where = c.change.payer if c.change.cpt is None else f"{c.change.payer} / {c.change.cpt}"
        names.append(f"{where}: {METRIC_NAMES[c.metric]}")
    return names


def pdf_text(path: Path) -> list[str]:
    reader = PdfReader(path)
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_the_pdf_of_a_demo_store_names_every_injected_change(
    demo_store: Path, tmp_path: Path, qapp: object
) -> None:
    clock = MovableClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    steps: list[tuple[int, int, str]] = []
    with open_store(demo_store, PASSPHRASE, clock=clock) as store:
        run_standard_analysis(store, AnalysisRequest(as_of=AS_OF), clock=clock)
        result = write_report(
            store, tmp_path / "report.pdf", lambda *a: steps.append(a), clock=clock
        )
    pages = pdf_text(tmp_path / "report.pdf")
    text = " ".join(pages)
    expected = injected_changes()
    assert len(expected) == 5
    for change in expected:
        assert change in text, change
        assert change in " ".join(pages[1:]), f"{change} has no evidence section"
    assert result.format == "pdf" and result.pages == len(pages) >= 2
    assert "As of 2026-10-31" in text and "Prepared 2026-11-02" in text
    assert "Headline figures" in text and "Open A/R waiting on payers" in text
    assert text.count("change ~") >= 4  # each drift chart marks its change date
    assert "Share still unpaid by days, Brightwater Mutual" in text
    assert "Alert " in text and ": open" in text
    assert steps[-1][0] == steps[-1][1]
    assert not list(tmp_path.glob(".*.partial"))


def test_a_held_alert_shows_its_reason_in_the_report(
    make_store: StoreFactory, tmp_path: Path, qapp: object
) -> None:
    clock = MovableClock(datetime(2026, 11, 2, tzinfo=UTC))
    with open_store(make_store().path, PASSPHRASE, clock=clock) as store:
        scenario = Scenario(store, clock)
        scenario.run(Spec())
        scenario.feedback(Spec(), "noise", "seasonal")
        write_report(store, tmp_path / "r.pdf", clock=clock)
        write_report(store, tmp_path / "r.csv", clock=clock)
    text = " ".join(pdf_text(tmp_path / "r.pdf"))
    assert "held back: feedback_noise: marked noise on 2026-11-02" in text
    assert "operator feedback: noise" in text
    with (tmp_path / "r.csv").open(encoding="utf-8", newline="") as stream:
        (row,) = [r for r in csv.DictReader(stream) if r["section"] == "finding"]
    assert row["alert_state"] == "suppressed" and row["feedback"] == "noise"
    assert row["suppressed_reason"].startswith("feedback_noise: marked noise")


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r", "  =", " @"])
def test_formula_like_cells_are_neutralised(first: str) -> None:
    cell = f'{first}HYPERLINK("http://x","y")'
    assert neutralise(cell) == "'" + cell
    assert neutralise("Acme Health") == "Acme Health"
    assert neutralise(-12.5) == -12.5 and neutralise(None) == ""


def test_the_csv_report_neutralises_what_came_from_imported_files(
    make_store: StoreFactory, tmp_path: Path
) -> None:
    payer = "=cmd|' /C calc'!A0"
    created = make_store()
    con = open_connection(created.path, PASSPHRASE)
    con.execute("BEGIN IMMEDIATE")
    ensure_import(con)
    payer_id = ensure_payers(con, [payer])[payer]
    con.execute(
        "INSERT INTO claim_line (claim_id, line_number, payer_raw, payer_id, cpt, units, "
        "date_of_service, submitted_date, decision_date, paid_date, billed_cents, allowed_cents, "
        "paid_cents, status, carc_codes, source_format, first_import_id, last_import_id) "
        "VALUES ('@SUM(1+1)', 1, ?, ?, '99213', 1, 20720, 20721, 20740, NULL, 10000, NULL, 0, 2, "
        "'+CO-16', 'csv', '00000000-0000-0000-0000-000000000001', "
        "'00000000-0000-0000-0000-000000000001')",
        (payer, payer_id),
    )
    con.execute("COMMIT")
    con.close()
    clock = MovableClock(datetime(2026, 11, 2, tzinfo=UTC))
    with open_store(created.path, PASSPHRASE, clock=clock) as store:
        Scenario(store, clock).run(Spec(payer=payer))
        result = write_report(store, tmp_path / "r.csv", clock=clock)
    with (tmp_path / "r.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert result.findings == 1 and result.worklist_lines == 1
    finding, line = rows
    assert finding["payer"] == line["payer"] == "'" + payer
    assert line["claim_id"] == "'@SUM(1+1)" and line["carc_codes"] == "'+CO-16"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_the_writer_neutralises_every_row(tmp_path: Path) -> None:
    with (tmp_path / "x.csv").open("w", encoding="utf-8", newline="") as stream:
        SafeCsvWriter(stream).writerows([["=1", 2.5, "-x"], ["ok", -3, None]])
    assert (tmp_path / "x.csv").read_bytes() == b"'=1,2.5,'-x\r\nok,-3,\r\n"


def test_no_run_no_report_and_unknown_suffixes(store_path: Path, tmp_path: Path) -> None:
    with open_store(store_path, PASSPHRASE) as store:
        with pytest.raises(NoAnalysisYet, match="run `upstream analyze` first"):
            write_report(store, tmp_path / "r.csv")
        with pytest.raises(UsageError, match=".pdf or a .csv"):
            write_report(store, tmp_path / "r.docx")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        store_path.name,
        store_path.name + ".keys",
    ]


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot write to (root writes anywhere but in /sys)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    return folder if not os.access(folder, os.W_OK) else Path("/sys")


@pytest.mark.parametrize("name", ["r.csv", "r.pdf"])
def test_a_cancelled_report_leaves_no_file(
    make_store: StoreFactory, tmp_path: Path, qapp: object, name: str
) -> None:
    clock = MovableClock(datetime(2026, 11, 2, tzinfo=UTC))
    out = tmp_path / "out"
    out.mkdir()
    with open_store(make_store().path, PASSPHRASE, clock=clock) as store:
        Scenario(store, clock).run(Spec())
        with pytest.raises(ReportCancelled, match="no file was written"):
            write_report(store, out / name, clock=clock, cancel=lambda: True)
        # Cancelled while writing: the progress callback raises, as the window's does.
        calls: list[int] = []

        def stop(done: int, total: int, detail: str) -> None:
            calls.append(done)
            raise ReportCancelled("cancelled")

        with pytest.raises(ReportCancelled):
            write_report(store, out / name, stop, clock=clock)
        assert calls
        # Cancelled after the last page, before the file took its name.
        seen: list[int] = []

        def late() -> bool:
            seen.append(1)
            return len(seen) > 1

        with pytest.raises(ReportCancelled):
            write_report(store, out / name, clock=clock, cancel=late)
        assert len(seen) == 2
    assert list(out.iterdir()) == []


def test_a_pdf_drawn_from_content_read_earlier(
    make_store: StoreFactory, tmp_path: Path, qapp: object
) -> None:
    clock = MovableClock(datetime(2026, 11, 2, tzinfo=UTC))
    with open_store(make_store().path, PASSPHRASE, clock=clock) as store:
        Scenario(store, clock).run(Spec())
        content = read_report(store, clock=clock)
    result = write_pdf_report(content, tmp_path / "r.pdf")
    assert result.pages >= 1 and result.size_bytes == (tmp_path / "r.pdf").stat().st_size > 1000
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_an_unwritable_folder_is_a_plain_error(
    make_store: StoreFactory, tmp_path: Path, qapp: object
) -> None:
    clock = MovableClock(datetime(2026, 11, 2, tzinfo=UTC))
    folder = unwritable_folder(tmp_path)
    with open_store(make_store().path, PASSPHRASE, clock=clock) as store:
        Scenario(store, clock).run(Spec())
        for name in ("r.csv", "r.pdf"):
            with pytest.raises(ReportNotWritable, match="cannot write .* choose another"):
                write_report(store, folder / name, clock=clock)
