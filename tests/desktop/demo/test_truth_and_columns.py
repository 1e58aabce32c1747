"""The truth survives its JSON file, and the columns are what loading the CSV would give."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from desktop.demo import DemoConfig, DemoDataset, DemoTruth, generate
from desktop.demo.csv_writer import write_dataset_csv
from desktop.demo.dataset import to_day
from desktop.engines.columns import MISSING, NO_REASON, primary_denial_reason
from desktop.errors import InvalidInput
from desktop.store.models.claims import ClaimStatus
from tests.desktop.demo.conftest import AS_OF


def test_truth_round_trips_through_json(default_dataset: DemoDataset) -> None:
    truth = default_dataset.truth
    text = truth.to_json()
    again = DemoTruth.from_json(text)
    assert again == truth
    assert again.to_json() == text
    document = json.loads(text)
    assert document["format"] == "upstream-demo-truth" and document["stable"] is False
    first = document["changes"][0]
    assert set(first) >= {"kind", "payer", "cpt", "start", "size", "new_reason", "metric", "cpts"}


def test_damaged_truth_files_are_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        DemoTruth.from_json("{}")
    with pytest.raises(InvalidInput):
        DemoTruth.from_json('{"format": "upstream-demo-truth", "version": 1}')
    with pytest.raises(InvalidInput):
        DemoTruth.from_json("not json")


def test_days_to_pay_truth_for_any_window(default_dataset: DemoDataset) -> None:
    truth = default_dataset.truth
    payer = truth.payers[0]
    whole = truth.days_to_pay(payer.name, truth.start, truth.as_of)
    assert whole.claims == payer.claims == sum(payer.daily_claims)
    one_day = truth.days_to_pay(payer.name, AS_OF - timedelta(3), AS_OF - timedelta(3))
    assert one_day.median >= 1
    assert whole.probabilities.sum() == pytest.approx(1.0)
    assert whole.quantile(0.1) <= whole.median <= whole.quantile(0.75) <= whole.p90
    assert whole.quantile(0.1) < whole.mean < whole.p90
    with pytest.raises(ValueError):
        whole.quantile(1.0)
    with pytest.raises(ValueError, match="outside the data"):
        truth.days_to_pay(payer.name, date(2000, 1, 1), date(2000, 2, 1))
    with pytest.raises(KeyError):
        truth.days_to_pay("No Such Payer", truth.start, truth.as_of)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_columns_equal_what_the_csv_says(tmp_path: Path) -> None:
    dataset = generate(DemoConfig.default(seed=21, lines=4_000, months=4, as_of=AS_OF))
    write_dataset_csv(tmp_path / "c.csv", dataset)
    rows = read_csv(tmp_path / "c.csv")
    cols = dataset.columns

    def day(text: str) -> int:
        return MISSING if not text else to_day(date.fromisoformat(text))

    def cents(text: str) -> int:
        return MISSING if not text else round(float(text) * 100)

    status = {s.name.lower(): int(s) for s in ClaimStatus}
    assert [cols.payer_names[p] for p in cols.payer] == [r["payer"] for r in rows]
    assert [cols.cpt_codes[c] for c in cols.cpt] == [r["cpt"] for r in rows]
    for name, parse, column in (
        ("date_of_service", day, cols.date_of_service),
        ("submitted_date", day, cols.submitted_date),
        ("decision_date", day, cols.decision_date),
        ("paid_date", day, cols.paid_date),
        ("billed_amount", cents, cols.billed_cents),
        ("allowed_amount", cents, cols.allowed_cents),
        ("paid_amount", cents, cols.paid_cents),
    ):
        assert np.array_equal(column, [parse(r[name]) for r in rows]), name
    assert np.array_equal(cols.units, [float(r["units"]) for r in rows])
    assert np.array_equal(cols.status, [status[r["status"]] for r in rows])
    assert dataset.claim_ids() == [r["claim_id"] for r in rows]
    assert dataset.text.line_number.tolist() == [int(r["line_number"]) for r in rows]
    assert dataset.payer_ids() == [r["payer_id"] for r in rows]
    assert dataset.modifiers() == [r["modifiers"] for r in rows]
    assert dataset.carc_codes() == [r["carc_codes"] for r in rows]
    assert dataset.rarc_codes() == [r["rarc_codes"] for r in rows]
    assert dataset.rendering_npis() == [r["rendering_npi"] for r in rows]
    assert dataset.places_of_service(10, 20) == [r["place_of_service"] for r in rows[10:20]]
    reasons = [primary_denial_reason(r["carc_codes"]) for r in rows]
    assert [NO_REASON if r is None else cols.reason_codes.index(r) for r in reasons] == list(
        cols.denial_reason
    )
