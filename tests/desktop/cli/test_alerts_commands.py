"""``upstream alerts``, ``feedback`` and ``report`` through the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import PASSPHRASE
from tests.helpers.cli import run_cli, script

ENV = {"UPSTREAM_PASSPHRASE": PASSPHRASE}
ALERT_FIELDS = [
    "id", "fingerprint", "state", "severity", "payer", "cpt", "metric", "suppressed_reason",
    "feedback",
]  # fmt: skip


def alerts(store: Path) -> list[dict[str, object]]:
    result = run_cli("alerts", "--store", store, "--json", env=ENV)
    assert result.returncode == 0, result.stderr
    listed: list[dict[str, object]] = json.loads(result.stdout)["alerts"]
    return listed


def test_alerts_feedback_and_analyze_again(demo_store: Path) -> None:
    assert alerts(demo_store) == []
    empty = run_cli("alerts", "--store", demo_store, env=ENV)
    assert empty.returncode == 0 and "No alerts" in empty.stdout
    analysed = run_cli("analyze", "--store", demo_store, "--as-of", "2026-10-31", env=ENV)
    assert analysed.returncode == 0 and "Alerts: 5 raised" in analysed.stdout
    listed = alerts(demo_store)
    assert len(listed) == 5
    for alert in listed:
        assert list(alert)[: len(ALERT_FIELDS)] == ALERT_FIELDS
        assert alert["state"] == "open" and alert["feedback"] is None
    acme = next(a for a in listed if a["payer"] == "Acme Health")
    assert (acme["cpt"], acme["metric"], acme["severity"]) == ("99213", "denial_rate", "medium")

    noted = run_cli(
        "feedback", "--store", demo_store, str(acme["id"]), "noise", "--note", "seasonal", env=ENV
    )
    assert noted.returncode == 0, noted.stderr
    assert "state open -> suppressed" in noted.stdout
    held = next(a for a in alerts(demo_store) if a["id"] == acme["id"])
    assert held["state"] == "suppressed" and held["feedback"] == "noise"
    assert str(held["suppressed_reason"]).startswith("feedback_noise: marked noise on ")

    again = run_cli("analyze", "--store", demo_store, "--as-of", "2026-10-31", "--json", env=ENV)
    doc = json.loads(again.stdout)
    assert doc["alert_outcomes"]["suppressed"] == {"cooldown": 4, "feedback_noise": 1}
    (acme_now,) = [a for a in doc["alerts"] if a["id"] == acme["id"]]
    assert acme_now["state"] == "suppressed" and acme_now["suppressed_reason"]

    text = run_cli("alerts", "--store", demo_store, "--state", "suppressed", env=ENV)
    assert text.returncode == 0
    assert "Acme Health / 99213" in text.stdout and "held: feedback_noise" in text.stdout
    assert "Brightwater" not in text.stdout


def test_feedback_exit_codes(demo_store: Path) -> None:
    unknown = run_cli("feedback", "--store", demo_store, "no-such-alert", "real", env=ENV)
    assert unknown.returncode == 4
    assert "there is no alert 'no-such-alert'" in unknown.stderr and unknown.stdout == ""
    as_json = run_cli("feedback", "--store", demo_store, "nope", "real", "--json", env=ENV)
    assert as_json.returncode == 4
    assert json.loads(as_json.stdout)["error"]["kind"] == "AlertNotFound"
    bad = run_cli("feedback", "--store", demo_store, "x", "maybe", env=ENV)
    assert bad.returncode == 2
    wrong = run_cli(
        "feedback", "--store", demo_store, "x", "real", env={"UPSTREAM_PASSPHRASE": "no"}
    )
    assert wrong.returncode == 3
    assert (
        run_cli("alerts", "--store", demo_store, env={"UPSTREAM_PASSPHRASE": "no"}).returncode == 3
    )


def test_reports_without_a_display(demo_store: Path, tmp_path: Path) -> None:
    none_yet = run_cli("report", "--store", demo_store, "--out", tmp_path / "r.pdf", env=ENV)
    assert none_yet.returncode == 4 and "upstream analyze" in none_yet.stderr
    run_cli("analyze", "--store", demo_store, "--as-of", "2026-10-31", env=ENV)
    # No display and no Qt platform chosen: the command must pick one itself.
    bare = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("UPSTREAM_", "QT_")) and k not in ("DISPLAY", "WAYLAND_DISPLAY")
    }
    command = [script("upstream"), "report", "--store", str(demo_store), "--out"]
    pdf = subprocess.run(
        [*command, str(tmp_path / "r.pdf")],
        env={**bare, **ENV}, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert pdf.returncode == 0, pdf.stderr
    assert "Wrote" in pdf.stdout and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(tmp_path / "r.pdf").pages)
    assert "Acme Health / 99213: denial rate" in text

    out = run_cli("report", "--store", demo_store, "--out", tmp_path / "r.csv", "--json", env=ENV)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert (doc["format"], doc["findings"]) == ("csv", 5) and doc["worklist_lines"] > 0
    header = (tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("section,alert_id,alert_state,suppressed_reason,feedback")

    bad = run_cli("report", "--store", demo_store, "--out", tmp_path / "r.txt", env=ENV)
    assert bad.returncode == 2 and ".pdf or a .csv" in bad.stderr
    assert not (tmp_path / "r.txt").exists()
