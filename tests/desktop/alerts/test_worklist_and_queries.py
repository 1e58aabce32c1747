"""Worklists behind alerts and the alert list, paged as the window shows them."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.alerts import worklist
from desktop.alerts.queries import alert_detail, list_alerts
from desktop.alerts.worklist import COLUMNS, WorklistLine, export_worklist, worklist_page
from desktop.analysis import AnalysisRequest
from desktop.analysis.wiring import run_standard_analysis
from desktop.clock import iso_utc
from desktop.engines.windows import to_day
from desktop.errors import UsageError
from desktop.store import open_store
from desktop.store.models import ClaimLine, ClaimStatus, Payer
from tests.conftest import PASSPHRASE, StoreFactory
from tests.desktop.alerts.scenario import Scenario, Spec
from tests.helpers.stubs import MovableClock

REQUEST = AnalysisRequest(as_of=date(2026, 10, 31))
A = Spec()
B = Spec(payer="Brightwater Mutual")


def test_worklists_hold_the_lines_behind_each_alert(demo_store: Path, tmp_path: Path) -> None:
    clock = MovableClock(datetime(2026, 11, 2, tzinfo=UTC))
    with open_store(demo_store, PASSPHRASE, clock=clock) as store:
        run_standard_analysis(store, REQUEST, clock=clock)
        with store.read() as session:
            alerts = {(a.payer, a.metric): a for a in list_alerts(session).items}
            acme = alerts[("Acme Health", "denial_rate")]
            first = worklist_page(session, acme.id, limit=10)
            second = worklist_page(session, acme.id, limit=10, offset=10)
            acme_id = session.scalar(select(Payer.id).where(Payer.name == "Acme Health"))
            expected = session.scalars(
                select(ClaimLine.claim_id).where(
                    ClaimLine.payer_id == acme_id,
                    ClaimLine.cpt == "99213",
                    ClaimLine.status == int(ClaimStatus.DENIED),
                    ClaimLine.decision_date >= to_day(date(2026, 10, 2)),
                    ClaimLine.decision_date <= to_day(date(2026, 10, 31)),
                )
            ).all()
            late = worklist_page(session, alerts[("Brightwater Mutual", "days_to_pay_median")].id)
            detail = alert_detail(session, acme.id)
        written = export_worklist(store, acme.id, tmp_path / "acme.csv")
    assert first.total == len(expected) > 10
    assert {line.status for line in first.lines} == {"denied"}
    assert {line.cpt for line in first.lines} == {"99213"}
    assert not {line.claim_id for line in first.lines} & {line.claim_id for line in second.lines}
    assert "denied lines of Acme Health (99213) by decision date" in first.criteria.describe()
    assert late.criteria.dated_by == "submitted_date" and late.lines[0].paid_date is None
    assert detail.events[0].outcome == "raised" and detail.evidence["details"]["weekly"]
    with (tmp_path / "acme.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == list(COLUMNS) and written == len(rows) - 1 == len(expected)
    assert sorted(r[0] for r in rows[1:]) == sorted(expected)


def test_alerts_list_in_pages_open_first(demo_store: Path) -> None:
    clock = MovableClock(datetime(2026, 11, 2, tzinfo=UTC))
    with open_store(demo_store, PASSPHRASE, clock=clock) as store:
        run_standard_analysis(store, REQUEST, clock=clock)
        with store.read() as session:
            everything = list_alerts(session)
            pages = [list_alerts(session, limit=2, offset=o).items for o in (0, 2, 4)]
            none_closed = list_alerts(session, states=["closed"])
    assert everything.total == 5 and [a.id for p in pages for a in p] == [
        a.id for a in everything.items
    ]
    assert [a.severity for a in everything.items] == ["medium"] * 4 + ["low"]
    assert none_closed.total == 0 and none_closed.items == ()


def test_an_alert_shows_when_a_run_last_found_it(make_store: StoreFactory) -> None:
    clock = MovableClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    with open_store(make_store().path, PASSPHRASE, clock=clock) as store:
        scenario = Scenario(store, clock)
        scenario.run(A)
        first = iso_utc(clock())
        clock.advance(timedelta(days=1))
        scenario.run(A)
        found_again = iso_utc(clock())
        clock.advance(timedelta(days=1))
        scenario.run(B)  # A is not found in this run
        with store.read() as session:
            (a,) = [v for v in list_alerts(session).items if v.fingerprint == A.fingerprint]
            (b,) = [v for v in list_alerts(session).items if v.fingerprint == B.fingerprint]
    assert a.first_raised_at == first and a.last_seen_at == found_again != first
    assert a.as_dict()["last_seen_at"] == found_again
    assert b.last_seen_at == iso_utc(clock())


def test_an_export_stopped_midway_leaves_no_file(
    demo_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = MovableClock(datetime(2026, 11, 2, tzinfo=UTC))
    out = tmp_path / "exports" / "stopped.csv"
    out.parent.mkdir()
    with open_store(demo_store, PASSPHRASE, clock=clock) as store:
        run_standard_analysis(store, REQUEST, clock=clock)
        with store.read() as session:
            alert_id = list_alerts(session).items[0].id
        whole = worklist.iter_worklist

        def stops_after_one(session: Session, alert_id: str) -> Iterator[WorklistLine]:
            yield next(whole(session, alert_id))
            raise KeyboardInterrupt  # stands for Cancel: any exception stops the export

        monkeypatch.setattr(worklist, "iter_worklist", stops_after_one)
        with pytest.raises(KeyboardInterrupt):
            export_worklist(store, alert_id, out)
        with pytest.raises(UsageError, match="cannot write the worklist to .*nowhere"):
            export_worklist(store, alert_id, tmp_path / "nowhere" / "w.csv")
    assert list(out.parent.iterdir()) == []
