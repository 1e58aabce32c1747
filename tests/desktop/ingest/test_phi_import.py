"""The PHI guard in imports: identifiers are dropped or the file rejected, never stored."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from desktop.demo import PHI_CANARY_COLUMNS, write_demo_csv
from desktop.ingest.options import ImportOptions
from desktop.ingest.phi_policy import PhiPolicy, load_phi_policy, save_phi_policy
from desktop.ingest.pipeline import import_file
from desktop.store import Store, audit

from .claims_files import GOOD_LINE, line, lines, write_csv
from .storage import actions, all_stored_text, query, scalar

X12 = Path(__file__).resolve().parents[3] / "tests" / "data" / "x12"


def set_policy(store: Store, policy: PhiPolicy) -> None:
    with store.write() as session:
        save_phi_policy(session, policy)


def test_identifier_columns_are_dropped_and_reported(store: Store, tmp_path: Path) -> None:
    header = [*GOOD_LINE, "Patient Name", "DOB", "Member ID", "Notes"]
    rows = [
        {
            **line(),
            "Patient Name": "Quillon Zeffer",
            "DOB": "1961-04-09",
            "Member ID": "ZQX99881",
            "Notes": "ok",
        }
    ]
    result = import_file(store, write_csv(tmp_path / "c.csv", rows, header))
    assert result.status == "committed"
    assert result.phi_columns_dropped == ("Patient Name", "DOB", "Member ID")
    assert result.columns_ignored == ("Notes",)
    kinds = {(d.column, d.kind, d.found_in, d.action) for d in result.phi_detections}
    assert kinds == {
        ("Patient Name", "name", "header", "drop_column"),
        ("DOB", "birth_date", "header", "drop_column"),
        ("Member ID", "member_id", "header", "drop_column"),
    }
    assert actions(store).count("phi.detected") == 3
    stored = all_stored_text(store.path)
    for value in ("Quillon Zeffer", "1961-04-09", "ZQX99881"):
        assert value not in stored


def test_identifier_values_reject_the_file_by_default(store: Store, tmp_path: Path) -> None:
    data = lines(30)
    data[20] = line(claim_id="078-05-1120")
    result = import_file(store, write_csv(tmp_path / "c.csv", data), ImportOptions(chunk_rows=10))
    assert result.status == "failed"
    assert "claim_id holds what looks like ssn (1 rows, first row 21)" in (result.error or "")
    assert scalar(store, "SELECT count(*) FROM claim_line") == 0
    entry = [e for e in audit_entries(store) if e.action == "phi.detected"]
    assert [(e.details["column"], e.details["kind"], e.details["first_row"]) for e in entry] == [
        ("claim_id", "ssn", 21)
    ]
    assert "078-05-1120" not in all_stored_text(store.path)


def test_a_header_hit_can_reject_the_file_too(store: Store, tmp_path: Path) -> None:
    set_policy(store, PhiPolicy(header_hits="reject_file"))
    header = [*GOOD_LINE, "SSN"]
    result = import_file(
        store, write_csv(tmp_path / "c.csv", [{**line(), "SSN": "078-05-1120"}], header)
    )
    assert result.status == "failed" and "'SSN' name patient identifiers" in (result.error or "")
    assert [d.column for d in result.phi_detections] == ["SSN"]
    assert "phi.detected" in actions(store)


@pytest.mark.parametrize("hit_row", [3, 45])
def test_drop_column_policy_drops_the_column_even_after_it_was_written(
    store: Store, tmp_path: Path, hit_row: int
) -> None:
    set_policy(store, PhiPolicy(value_hits="drop_column"))
    data = lines(60)
    data[hit_row - 1] = line(claim_id=f"C{hit_row:05d}", rendering_npi="jane.roe@example.org")
    result = import_file(store, write_csv(tmp_path / "c.csv", data), ImportOptions(chunk_rows=10))
    assert result.status == "committed" and result.rows_stored == 60
    assert result.phi_columns_dropped == ("rendering_npi",)
    assert scalar(store, "SELECT count(rendering_npi) FROM claim_line") == 0
    assert "jane.roe@example.org" not in all_stored_text(store.path)
    (detection,) = result.phi_detections
    assert (detection.column, detection.kind, detection.rows, detection.first_row) == (
        "rendering_npi",
        "email",
        1,
        hit_row,
    )


def test_office_keywords_reject_files(store: Store, tmp_path: Path) -> None:
    set_policy(store, PhiPolicy(value_keywords=("zebracorn",)))
    with store.read() as session:
        assert load_phi_policy(session).value_keywords == ("zebracorn",)
    result = import_file(store, write_csv(tmp_path / "c.csv", [line(payer="Zebracorn Mutual")]))
    assert result.status == "failed"
    assert "zebracorn mutual" not in all_stored_text(store.path).lower()


def test_demo_canary_identifiers_never_reach_the_store(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "demo.csv"
    write_demo_csv(path, lines=3000, seed=7, phi_canary=True)
    with path.open(newline="", encoding="utf-8") as handle:
        canaries = {row[c] for row in csv.DictReader(handle) for c in PHI_CANARY_COLUMNS}
    result = import_file(store, path)
    assert result.status == "committed" and result.rows_stored > 0
    assert set(result.phi_columns_dropped) == set(PHI_CANARY_COLUMNS)
    stored = all_stored_text(store.path)
    leaked = sorted(c for c in canaries if c in stored)
    assert len(canaries) > 100 and leaked == []
    assert "ZZCANARY" not in stored


def patient_values(path: Path) -> set[str]:
    """Names, birth dates, member ids and addresses of the patient loops of an X12 file."""
    text = path.read_text(encoding="utf-8", errors="replace")
    separator = text[3]
    values: set[str] = set()
    patient = False
    for segment in text.replace("\n", "").split("~"):
        fields = segment.strip().split(separator)
        if fields[0] == "NM1":
            patient = len(fields) > 1 and fields[1] in ("QC", "IL")
            if patient:
                values.update(f for f in fields[3:5] if len(f) > 2)
                if len(fields) > 9 and len(fields[9]) > 3:
                    values.add(fields[9])
        elif patient and fields[0] in ("N3", "DMG") and len(fields) > 2:
            values.update(f for f in fields[1:3] if len(f) > 4)
    return values


def test_patient_segments_of_x12_files_never_reach_the_store(store: Store) -> None:
    files = sorted((X12 / "linuxforhealth-x12" / "837").glob("*.837")) + sorted(
        (X12 / "badX12" / "837").glob("*.edi")
    )
    secrets = set().union(*(patient_values(f) for f in files))
    assert len(secrets) > 20
    stored_any = False
    for path in files:
        result = import_file(store, path)
        stored_any |= result.stored_anything
    assert stored_any
    stored = all_stored_text(store.path)
    assert sorted(s for s in secrets if s in stored) == []


def audit_entries(store: Store) -> list[audit.AuditRecord]:
    with store.read() as session:
        return audit.entries(session)


def test_audit_entries_carry_no_values(store: Store, tmp_path: Path) -> None:
    header = [*GOOD_LINE, "Patient Phone"]
    import_file(
        store, write_csv(tmp_path / "c.csv", [{**line(), "Patient Phone": "555-867-5309"}], header)
    )
    trail = json.dumps([e.details for e in audit_entries(store)])
    assert "555-867-5309" not in trail and "Patient Phone" in trail
    assert query(store, "SELECT count(*) FROM claim_line") == [(1,)]
