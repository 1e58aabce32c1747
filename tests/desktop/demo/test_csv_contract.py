"""The demo CSV is exactly the claims-CSV contract: parse it back and check every column."""

from __future__ import annotations

import csv
import hashlib
import re
from datetime import date
from pathlib import Path

import pytest

from desktop.demo import CSV_COLUMNS, DemoConfig, DemoTruth, write_demo_csv
from desktop.demo.npi import is_valid_npi
from desktop.demo.phi_canary import PHI_CANARY_COLUMNS, PHI_CANARY_MARKER
from tests.desktop.demo.conftest import AS_OF

CPT = re.compile(r"^(\d{5}|[A-Z]\d{4}|\d{4}[FTU])$")
MODIFIERS = re.compile(r"^([A-Z0-9]{2}(;[A-Z0-9]{2}){0,3})?$")
AMOUNT = re.compile(r"^\d+\.\d{2}$")
CARC = re.compile(r"^((CO|PR|OA|PI|CR)-[A-Z0-9]{1,3})(;(CO|PR|OA|PI|CR)-[A-Z0-9]{1,3})*$")
RARC = re.compile(r"^[A-Z]{1,2}\d{1,3}(;[A-Z]{1,2}\d{1,3})*$")


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoTruth]:
    out = tmp_path_factory.mktemp("csv") / "claims.csv"
    truth = write_demo_csv(out, seed=3, lines=30_000, months=6, as_of=AS_OF)
    return out, truth


def test_header_is_the_contract_columns_in_order(written: tuple[Path, DemoTruth]) -> None:
    header, rows = read_rows(written[0])
    assert tuple(header) == CSV_COLUMNS
    assert len(rows) == 30_000


def test_every_column_has_the_contract_format(written: tuple[Path, DemoTruth]) -> None:
    _, rows = read_rows(written[0])
    keys: set[tuple[str, int]] = set()
    for row in rows:
        line = int(row["line_number"])
        assert line >= 1
        keys.add((row["claim_id"], line))
        assert row["payer"] and row["payer_id"]
        assert CPT.match(row["cpt"]), row["cpt"]
        assert MODIFIERS.match(row["modifiers"]), row["modifiers"]
        assert float(row["units"]) > 0
        assert re.fullmatch(r"\d{2}", row["place_of_service"])
        service = date.fromisoformat(row["date_of_service"])
        submitted = date.fromisoformat(row["submitted_date"])
        assert service <= submitted <= AS_OF
        assert AMOUNT.match(row["billed_amount"])
        status = row["status"]
        assert status in {"paid", "denied", "partial", "pending"}
        assert is_valid_npi(row["rendering_npi"])
        if status == "pending":
            assert row["decision_date"] == row["paid_date"] == ""
            assert row["allowed_amount"] == row["paid_amount"] == ""
            assert row["carc_codes"] == row["rarc_codes"] == ""
            continue
        decided = date.fromisoformat(row["decision_date"])
        assert submitted < decided <= AS_OF
        assert CARC.match(row["carc_codes"]), row["carc_codes"]
        assert row["rarc_codes"] == "" or RARC.match(row["rarc_codes"])
        billed, paid = float(row["billed_amount"]), float(row["paid_amount"])
        if status == "denied":
            assert row["paid_date"] == "" and row["allowed_amount"] == ""
            assert paid == 0.0
        else:
            assert date.fromisoformat(row["paid_date"]) == decided
            allowed = float(row["allowed_amount"])
            assert 0.0 <= paid <= allowed <= billed
            reductions = [
                c for c in row["carc_codes"].split(";") if c != "CO-45" and not c.startswith("PR-")
            ]
            assert bool(reductions) == (status == "partial"), row
            assert ("CO-45" in row["carc_codes"]) == (allowed < billed)
    assert len(keys) == len(rows), "(claim_id, line_number) must be unique"


def test_claim_lines_share_claim_level_fields(written: tuple[Path, DemoTruth]) -> None:
    _, rows = read_rows(written[0])
    by_claim: dict[str, set[tuple[str, ...]]] = {}
    for row in rows:
        fields = ("payer", "submitted_date", "date_of_service", "rendering_npi")
        by_claim.setdefault(row["claim_id"], set()).add(tuple(row[f] for f in fields))
    assert all(len(v) == 1 for v in by_claim.values())
    assert len(by_claim) > 10_000  # several lines per claim, not one claim per line


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    digests = []
    for name in ("a.csv", "b.csv"):
        write_demo_csv(tmp_path / name, seed=11, lines=5_000, months=3, as_of=AS_OF)
        digests.append(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
        digests.append(
            hashlib.sha256((tmp_path / name).with_suffix(".truth.json").read_bytes()).hexdigest()
        )
    assert digests[0] == digests[2] and digests[1] == digests[3]
    write_demo_csv(tmp_path / "c.csv", seed=12, lines=5_000, months=3, as_of=AS_OF)
    assert hashlib.sha256((tmp_path / "c.csv").read_bytes()).hexdigest() != digests[0]


def test_phi_canary_columns_only_when_asked(tmp_path: Path) -> None:
    plain, canary = tmp_path / "plain.csv", tmp_path / "canary.csv"
    config = DemoConfig.default(seed=5, lines=2_000, months=3, as_of=AS_OF)
    write_demo_csv(plain, config=config)
    write_demo_csv(canary, config=config, phi_canary=True)
    plain_header, plain_rows = read_rows(plain)
    canary_header, canary_rows = read_rows(canary)
    assert not set(PHI_CANARY_COLUMNS) & set(plain_header)
    assert PHI_CANARY_MARKER not in plain.read_text(encoding="utf-8")
    assert set(PHI_CANARY_COLUMNS) <= set(canary_header)
    assert [c for c in canary_header if c not in PHI_CANARY_COLUMNS] == list(CSV_COLUMNS)
    for plain_row, canary_row in zip(plain_rows, canary_rows, strict=True):
        assert {k: canary_row[k] for k in CSV_COLUMNS} == plain_row
        assert PHI_CANARY_MARKER in canary_row["patient_name"]
        assert canary_row["patient_ssn"].startswith("000-")
        date.fromisoformat(canary_row["patient_dob"])
