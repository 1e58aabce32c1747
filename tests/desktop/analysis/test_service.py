"""The analysis service over a real encrypted store: what it saves, reports and refuses."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.analysis import (
    AlertSummary,
    AnalysisCancelled,
    AnalysisRequest,
    NothingToAnalyze,
    StoredFinding,
    run_analysis,
)
from desktop.analysis.service import SETTINGS_KEY
from desktop.engines.columns import ClaimColumns
from desktop.engines.windows import AnalysisWindows
from desktop.errors import InvalidInput, UsageError
from desktop.store import audit, open_store
from desktop.store.models import AnalysisRun, Finding
from desktop.store.settings import get_setting, set_setting
from tests.conftest import PASSPHRASE

AS_OF = date(2026, 10, 31)


def count(path: Path, model: type) -> int:
    with open_store(path, PASSPHRASE) as store, store.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_run_is_saved_with_its_findings_and_evidence(demo_store: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    with open_store(demo_store, PASSPHRASE) as store:
        outcome = run_analysis(
            store, progress=lambda done, total, what: seen.append((done, total, what))
        )
        with store.read() as session:
            run = session.get(AnalysisRun, outcome.run_id)
            rows = session.scalars(select(Finding).where(Finding.run_id == outcome.run_id)).all()
            trail = audit.entries(session)
    assert outcome.as_of_source == "latest date in the data"
    assert run is not None and run.finished_at is not None
    params = json.loads(run.params_json)
    assert params["settings"]["q_level"] == 0.05
    assert params["baseline"] == outcome.result.windows.baseline.as_dict()
    summary = json.loads(run.summary_json)
    assert summary["lines"] == 60_000 and summary["ar_aging"]
    assert len(rows) == len(outcome.findings) >= 3
    drift = [r for r in rows if r.kind == "drift"]
    details = json.loads(drift[0].details_json)
    assert details["weekly"]["n"] and details["method"]
    assert {f.id for f in outcome.findings} == {r.id for r in rows}
    assert trail[-1].action == "analysis.run" and trail[-1].object_id == outcome.run_id
    assert [s[0] for s in seen] == sorted(s[0] for s in seen)
    assert seen[-1][2] == "done"


def test_the_default_as_of_is_the_latest_date_in_the_data(demo_store: Path) -> None:
    with open_store(demo_store, PASSPHRASE) as store:
        latest = run_analysis(store)
        given = run_analysis(store, AnalysisRequest(as_of=AS_OF))
    assert given.as_of_source == "given"
    assert latest.result.windows.as_of == given.result.windows.as_of


def test_a_cancelled_run_leaves_nothing_behind(demo_store: Path) -> None:
    def cancel(done: int, total: int, what: str) -> None:
        if done == 3:
            raise AnalysisCancelled("cancelled by the user")

    with open_store(demo_store, PASSPHRASE) as store, pytest.raises(AnalysisCancelled):
        run_analysis(store, progress=cancel)
    assert count(demo_store, AnalysisRun) == 0 and count(demo_store, Finding) == 0


def test_alert_evaluation_gets_the_saved_findings_in_the_run(demo_store: Path) -> None:
    received: list[Sequence[StoredFinding]] = []

    def evaluate(session: Session, run_id: str, findings: Sequence[StoredFinding]):  # type: ignore[no-untyped-def]
        received.append(findings)
        assert session.get(AnalysisRun, run_id) is not None  # same transaction
        return [AlertSummary("a1", "fp", "open", None)]

    with open_store(demo_store, PASSPHRASE) as store:
        outcome = run_analysis(store, evaluate_alerts=evaluate)
    assert received and tuple(received[0]) == outcome.findings
    assert outcome.alerts == (AlertSummary("a1", "fp", "open", None),)


def test_settings_stored_in_the_store_are_used_and_checked(demo_store: Path) -> None:
    with open_store(demo_store, PASSPHRASE) as store:
        default = run_analysis(store)
        with store.write() as session:
            set_setting(session, SETTINGS_KEY, {"q_level": 1e-12, "drift": {"top_reasons": 1}})
        strict = run_analysis(store)
        assert strict.settings.q_level == 1e-12
        assert len(strict.findings) < len(default.findings)
        with store.write() as session:
            set_setting(session, SETTINGS_KEY, {"drift": {"no_such_knob": 1}})
        with pytest.raises(InvalidInput, match="no_such_knob"):
            run_analysis(store)


def test_an_empty_store_has_nothing_to_analyse(store_path: Path) -> None:
    with open_store(store_path, PASSPHRASE) as store:
        with pytest.raises(NothingToAnalyze, match="import claims first"):
            run_analysis(store)
        outcome = run_analysis(store, AnalysisRequest(as_of=AS_OF))
    assert outcome.findings == () and outcome.result.lines == 0


def test_windows_out_of_range_are_refused() -> None:
    with pytest.raises(UsageError, match="current-days"):
        AnalysisRequest(current_days=3)


def test_run_hooks_see_the_analysed_columns_in_the_run_transaction(demo_store: Path) -> None:
    seen: list[tuple[str, int, str]] = []

    def hook(session: Session, run_id: str, cols: ClaimColumns, windows: AnalysisWindows) -> None:
        # Inside the run's transaction: the run row is already visible.
        assert session.get(AnalysisRun, run_id) is not None
        set_setting(session, "test.hook", run_id)
        seen.append((run_id, len(cols), windows.current.as_dict()["end"]))

    with open_store(demo_store, PASSPHRASE) as store:
        outcome = run_analysis(store, after_run=(hook,))
        with store.read() as session:
            assert get_setting(session, "test.hook") == outcome.run_id
    assert seen == [(outcome.run_id, 60_000, outcome.result.windows.current.as_dict()["end"])]


def test_a_failing_hook_leaves_no_run_behind(demo_store: Path) -> None:
    def hook(session: Session, run_id: str, cols: ClaimColumns, windows: AnalysisWindows) -> None:
        raise InvalidInput("the hook refuses")

    with open_store(demo_store, PASSPHRASE) as store, pytest.raises(InvalidInput):
        run_analysis(store, after_run=(hook,))
    assert count(demo_store, AnalysisRun) == 0
