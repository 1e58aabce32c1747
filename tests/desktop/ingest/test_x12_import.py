"""835 and 837 files through the same pipeline: detected by content, merged by claim line."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from desktop.demo import DemoConfig, generate, write_demo_x12
from desktop.demo.csv_writer import write_dataset_csv
from desktop.demo.phi_canary import PHI_CANARY_MARKER
from desktop.ingest.pipeline import import_file
from desktop.store import Store, open_store
from tests.conftest import PASSPHRASE, StoreFactory

from .storage import all_stored_text, query
from .x12.builders import HEADER_837 as BUILDER_HEADER_837
from .x12.builders import interchange, remittance, render

# The builders' 837 is sent on 2024-01-10; these claims went out the day of service.
HEADER_837 = tuple(s.replace("*20240110*", "*20240102*") for s in BUILDER_HEADER_837)

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "data" / "x12"

CLAIM_837 = (
    "HL*2*1*22*0",
    "SBR*P*18*******CI",
    "NM1*IL*1*DOE*JANE****MI*MEMBER123",
    "NM1*PR*2*ACME HEALTH PLAN*****PI*ACME01",
    "CLM*PCN-1*180***11:B:1*Y*A*Y*Y",
    "NM1*82*1*RENDER*RITA****XX*1234567893",
    "LX*1",
    "SV1*HC:99213:25*100*UN*1***1",
    "DTP*472*D8*20240102",
    "LX*2",
    "SV1*HC:85025*80*UN*1***1",
    "DTP*472*D8*20240102",
)


def write(path: Path, segments: list[str]) -> Path:
    path.write_text(render(segments))
    return path


def test_a_remittance_completes_the_lines_a_claim_file_stored(store: Store, tmp_path: Path) -> None:
    claims = import_file(
        store, write(tmp_path / "claims.dat", interchange("837", [*HEADER_837, *CLAIM_837]))
    )
    assert (claims.format, claims.status, claims.rows_stored) == ("837", "committed", 2), (
        claims.error
    )
    pending = query(
        store, "SELECT line_number, status, submitted_date, paid_cents FROM claim_line ORDER BY 1"
    )
    assert [(r[0], r[1], r[3]) for r in pending] == [(1, 0, None), (2, 0, None)]
    submitted = pending[0][2]

    remit = remittance(
        "CLP*PCN-1*1*180*100**12*PAYERCLAIM1",
        "SVC*HC:99213:25*100*70",
        "DTM*472*20240102",
        "CAS*CO*45*30",
        "SVC*HC:85025*80*30",
        "DTM*472*20240102",
        "CAS*CO*45*40",
        "CAS*PR*2*10",
        total="100.00",
    )
    paid = import_file(store, write(tmp_path / "era.txt", remit))
    assert (paid.format, paid.status) == ("835", "committed"), paid.error
    assert (paid.lines_new, paid.lines_updated) == (0, 2)
    rows = query(
        store,
        "SELECT line_number, status, submitted_date, paid_cents, carc_codes,"
        " source_format, payer_x12_id FROM claim_line ORDER BY 1",
    )
    assert rows == [
        (1, 1, submitted, 7000, "CO-45", "835", "ACME01"),
        (2, 1, submitted, 3000, "CO-45;PR-2", "835", "ACME01"),
    ]


def test_an_unbalanced_remittance_is_flagged(store: Store, tmp_path: Path) -> None:
    import_file(
        store, write(tmp_path / "claims.dat", interchange("837", [*HEADER_837, *CLAIM_837]))
    )
    remit = remittance(
        "CLP*PCN-1*1*180*100**12*PAYERCLAIM1",
        "SVC*HC:99213:25*100*70",
        "CAS*CO*45*20",
        "SVC*HC:85025*80*30",
        "CAS*CO*45*50",
        total="90.00",
    )
    result = import_file(store, write(tmp_path / "era.txt", remit))
    assert result.status == "committed"
    assert result.issues_by_rule["x12_balance"] >= 2
    messages = [i.message for i in result.issues if i.rule == "x12_balance"]
    assert any("service line: charge - adjustments = paid" in m for m in messages)


def test_a_remittance_for_unknown_claims_stores_nothing_and_says_why(
    store: Store, tmp_path: Path
) -> None:
    source = next((FIXTURES / "badX12" / "835").glob("*.edi"))
    result = import_file(store, shutil.copy(source, tmp_path / "remit.csv"))
    assert result.format == "835" and result.status == "failed"
    assert "no stored claim line matches this remittance line" in (result.error or "")


def test_public_claim_samples_import(store: Store) -> None:
    stored = 0
    for path in sorted((FIXTURES / "linuxforhealth-x12" / "837").glob("*")):
        result = import_file(store, path)
        assert result.status in ("committed", "duplicate", "failed"), result
        stored += result.rows_stored
    assert stored > 10
    assert query(store, "SELECT count(*) FROM claim_line WHERE source_format = '837'")[0][0] > 5


def test_demo_claims_and_remittances_end_to_end(
    store: Store, make_store: StoreFactory, tmp_path: Path
) -> None:
    """The demo office's 837s then 835s: every line stored once, decided lines completed,
    the same lines as the CSV export of the same data, no patient identifier kept."""
    dataset = generate(DemoConfig.default(seed=5, lines=1_500, months=3, as_of=date(2026, 6, 30)))
    paths = write_demo_x12(tmp_path / "x12", dataset)
    claims = [p for p in paths if p.name.startswith("837")]
    remits = [p for p in paths if p.name.startswith("835")]
    results = [import_file(store, p) for p in claims + remits]
    assert [r.error for r in results if r.status != "committed"] == []
    assert {r.format for r in results} == {"837", "835"}
    lines_sql = "SELECT claim_id, line_number, status, billed_cents, paid_cents FROM claim_line"
    x12_lines = query(store, lines_sql + " ORDER BY 1, 2")
    assert len(x12_lines) == 1_500
    assert query(store, "SELECT count(*) FROM claim_line WHERE source_format = '835'")[0][0] > 1_000
    assert PHI_CANARY_MARKER not in all_stored_text(store.path)

    csv_path = tmp_path / "claims.csv"
    write_dataset_csv(csv_path, dataset)
    with open_store(make_store().path, PASSPHRASE) as csv_store:
        assert import_file(csv_store, csv_path).status == "committed"
        assert query(csv_store, lines_sql + " ORDER BY 1, 2") == x12_lines
