"""The 837P and 835 files are well formed, balanced, and say what the CSV says."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.demo import DemoConfig, DemoDataset, generate, write_demo_x12
from desktop.demo.csv_writer import write_dataset_csv
from desktop.demo.npi import is_valid_npi
from desktop.demo.phi_canary import PHI_CANARY_MARKER
from tests.desktop.demo.conftest import AS_OF

Segment = list[str]


def segments(path: Path) -> list[Segment]:
    raw = path.read_text(encoding="ascii")
    assert raw.startswith("ISA")
    assert len(raw.split("~", 1)[0]) == 105, "ISA is fixed width: 106 characters with '~'"
    element, component, terminator = raw[3], raw[104], raw[105]
    assert (element, component, terminator) == ("*", ":", "~")
    parts = [s.strip("\r\n") for s in raw.split(terminator)]
    assert parts[-1] == ""
    return [p.split(element) for p in parts[:-1]]


def money(text: str) -> Decimal:
    value = Decimal(text)
    assert value == value.quantize(Decimal("0.01"))
    return value


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoDataset, list[Path], Path]:
    folder = tmp_path_factory.mktemp("x12")
    dataset = generate(DemoConfig.default(seed=9, lines=6_000, months=4, as_of=AS_OF))
    paths = write_demo_x12(folder / "x12", dataset)
    write_dataset_csv(folder / "claims.csv", dataset)
    return dataset, paths, folder / "claims.csv"


def test_envelopes_and_counts_are_consistent(files: tuple[DemoDataset, list[Path], Path]) -> None:
    _, paths, _ = files
    controls = set()
    for path in paths:
        segs = segments(path)
        isa, gs, st = segs[0], segs[1], segs[2]
        se, ge, iea = segs[-3], segs[-2], segs[-1]
        assert [s[0] for s in (isa, gs, st, se, ge, iea)] == ["ISA", "GS", "ST", "SE", "GE", "IEA"]
        assert isa[15] == "T" and isa[12] == "00501"
        assert iea == ["IEA", "1", isa[13]]
        assert ge == ["GE", "1", gs[6]]
        assert int(se[1]) == len(segs) - 4, "SE01 counts ST through SE"
        assert se[2] == st[2]
        assert st[1] == ("837" if gs[1] == "HC" else "835")
        assert st[3] == gs[8]
        controls.add(isa[13])
        assert [s[0] for s in segs].count("ST") == 1
    assert len(controls) == len(paths), "interchange control numbers are unique"


def test_835_balances_at_line_claim_and_payment_level(
    files: tuple[DemoDataset, list[Path], Path],
) -> None:
    _, paths, _ = files
    saw_plb = saw_denied_claim = 0
    for path in (p for p in paths if p.name.startswith("835_")):
        segs = segments(path)
        bpr = next(s for s in segs if s[0] == "BPR")
        assert bpr[16] == path.stem.rsplit("_", 1)[1].replace("-", "")
        claims_paid, plb_total = Decimal(0), Decimal(0)
        clp: Segment | None = None
        lines_billed = lines_paid = Decimal(0)
        svc: Segment | None = None
        adjusted = Decimal(0)

        def close_line() -> None:
            nonlocal svc, adjusted
            if svc is not None:
                assert money(svc[2]) - adjusted == money(svc[3]), svc
            svc, adjusted = None, Decimal(0)

        def close_claim() -> None:
            nonlocal clp, lines_billed, lines_paid
            close_line()
            if clp is not None:
                assert money(clp[3]) == lines_billed and money(clp[4]) == lines_paid, clp
            clp, lines_billed, lines_paid = None, Decimal(0), Decimal(0)

        for seg in segs:
            if seg[0] == "CLP":
                close_claim()
                clp = seg
                assert seg[2] in {"1", "4"}
                saw_denied_claim += seg[2] == "4"
                claims_paid += money(seg[4])
            elif seg[0] == "SVC":
                close_line()
                svc = seg
                lines_billed += money(seg[2])
                lines_paid += money(seg[3])
            elif seg[0] == "CAS":
                assert seg[1] in {"CO", "PR", "PI", "OA", "CR"}
                amounts = [money(seg[i]) for i in range(3, len(seg), 3)]
                assert all(a > 0 for a in amounts), seg
                adjusted += sum(amounts, Decimal(0))
            elif seg[0] == "PLB":
                close_claim()
                assert is_valid_npi(seg[1])
                plb_total += money(seg[4])
                saw_plb += 1
        close_claim()
        assert money(bpr[2]) == claims_paid - plb_total
        assert bpr[1] == ("I" if money(bpr[2]) > 0 else "H")
    assert saw_plb > 0 and saw_denied_claim > 0


def test_files_describe_the_same_lines_as_the_csv(
    files: tuple[DemoDataset, list[Path], Path],
) -> None:
    _, paths, csv_path = files
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = {f"{r['claim_id']}-{r['line_number']}": r for r in csv.DictReader(handle)}
    submitted: Counter[str] = Counter()
    remitted: Counter[str] = Counter()
    for path in paths:
        segs = segments(path)
        is_835 = path.name.startswith("835_")
        pay_day = date.fromisoformat(path.stem.rsplit("_", 1)[1])
        current: Segment | None = None
        payer_id = npi = None
        for seg in segs:
            if seg[0] == "REF" and seg[1] == "2U":
                payer_id = seg[2]
            if seg[0] == "NM1" and seg[1] == "PR":
                payer_id = seg[9]
            if seg[0] == "NM1" and seg[1] == "82":
                npi = seg[9]
            if seg[0] in {"SVC", "SV1"}:
                current = seg
            if seg[0] == "NM1" and seg[1] in {"IL", "QC"}:
                assert seg[3] == PHI_CANARY_MARKER and seg[9].startswith(PHI_CANARY_MARKER)
            if seg[0] == "REF" and seg[1] == "6R":
                assert current is not None
                row = rows[seg[2]]
                procedure = current[1].split(":")
                assert procedure[1] == row["cpt"]
                assert ";".join(procedure[2:]) == row["modifiers"]
                assert money(current[2]) == money(row["billed_amount"])
                assert (payer_id, npi) == (row["payer_id"], row["rendering_npi"])
                if is_835:
                    remitted[seg[2]] += 1
                    assert money(current[3]) == money(row["paid_amount"])
                    assert row["decision_date"] == pay_day.isoformat()
                else:
                    submitted[seg[2]] += 1
                    assert row["submitted_date"] == pay_day.isoformat()
                current = None
    assert set(submitted) == set(rows) and max(submitted.values()) == 1
    decided = {k for k, r in rows.items() if r["status"] != "pending"}
    assert set(remitted) == decided and max(remitted.values()) == 1
    assert len(decided) < len(rows), "recent claims are still pending: no 835 for them"
