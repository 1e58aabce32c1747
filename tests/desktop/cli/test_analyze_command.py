"""``upstream analyze`` through the installed console script, as scripts and cron run it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import PASSPHRASE
from tests.helpers.cli import run_cli

ENV = {"UPSTREAM_PASSPHRASE": PASSPHRASE}
DRIFT_FIELDS = [
    "payer", "cpt", "metric", "baseline", "current", "n_baseline", "n_current", "p_value",
    "q_value", "change_date", "severity", "revenue_impact", "top_reasons",
]  # fmt: skip
DELAY_FIELDS = [
    "payer", "metric", "baseline", "current", "n_baseline", "n_current", "censored_current",
    "p_value", "q_value", "cash_delayed", "severity",
]  # fmt: skip


def test_json_has_exactly_the_contracts_shape(demo_store: Path) -> None:
    result = run_cli("analyze", "--store", demo_store, "--as-of", "2026-10-31", "--json", env=ENV)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)  # stdout holds one JSON document and nothing else
    assert list(doc)[:6] == [
        "as_of", "baseline", "current", "drift_events", "delay_events", "alerts",
    ]  # fmt: skip
    assert doc["as_of"] == "2026-10-31"
    assert doc["current"] == {"start": "2026-10-02", "end": "2026-10-31"}
    assert set(doc["baseline"]) == {"start", "end"}
    assert len(doc["alerts"]) == 5  # one per injected change, raised by the default rules
    for alert in doc["alerts"]:
        assert list(alert) == ["id", "fingerprint", "state", "suppressed_reason"]
        assert alert["state"] == "open" and alert["suppressed_reason"] is None
    assert doc["alert_outcomes"] == {
        "raised": 5, "suppressed": {}, "no_rule": 0, "invalid": 0, "cleared": 0,
    }  # fmt: skip
    assert doc["alert_outcome_reasons"] == {"raised": {"new": 5}}
    assert doc["drift_events"] and doc["delay_events"]
    for event in doc["drift_events"]:
        assert list(event)[: len(DRIFT_FIELDS)] == DRIFT_FIELDS
        assert event["metric"] in (
            "denial_rate", "allowed_per_unit", "paid_to_allowed", "denial_reason_mix",
        )  # fmt: skip
        assert event["severity"] in ("low", "medium", "high")
        assert 0 <= event["q_value"] <= 0.05
        for reason in event["top_reasons"]:
            assert set(reason) == {"code", "baseline_share", "current_share"}
    for event in doc["delay_events"]:
        assert list(event)[: len(DELAY_FIELDS)] == DELAY_FIELDS
        assert event["metric"] in ("days_to_pay_median", "days_to_pay_p90")
    metrics = {(e["payer"], e["cpt"], e["metric"]) for e in doc["drift_events"]}
    assert ("Acme Health", "99213", "denial_rate") in metrics  # the demo's injected jump
    assert "analyze:" in result.stderr  # progress goes to stderr


def test_text_says_what_changed_and_as_of_when(demo_store: Path) -> None:
    result = run_cli("analyze", "--store", demo_store, env=ENV)
    assert result.returncode == 0, result.stderr
    assert "as of 2026-10-31 (the latest date in the data)" in result.stdout
    assert "Acme Health / 99213: denial rate" in result.stdout
    assert "Paying later" in result.stdout


def test_bad_usage_wrong_passphrase_and_an_empty_store(demo_store: Path, store_path: Path) -> None:
    bad_date = run_cli("analyze", "--store", demo_store, "--as-of", "31/10/2026", env=ENV)
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr
    short = run_cli("analyze", "--store", demo_store, "--current-days", "3", env=ENV)
    assert short.returncode == 2 and "current-days" in short.stderr
    wrong = run_cli("analyze", "--store", demo_store, env={"UPSTREAM_PASSPHRASE": "nope"})
    assert wrong.returncode == 3
    empty = run_cli("analyze", "--store", store_path, "--json", env=ENV)
    assert empty.returncode == 4
    assert json.loads(empty.stdout)["error"]["kind"] == "NothingToAnalyze"
