"""Aggregates queued by an analysis run of a real store: de-identified, suppressed, once."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sqlalchemy import select

from desktop.analysis.wiring import run_standard_analysis
from desktop.store import open_store
from desktop.store.claim_columns import load_claim_columns
from desktop.store.models import AuditEntry, OutboxItem, SyncState
from desktop.sync.cells import build_cells, week_span
from shared.models import AggregateItem
from tests.conftest import PASSPHRASE

WIRE_FIELDS = set(AggregateItem.model_fields) - {"kind", "item_id"}


def enrol_directly(path: Path) -> None:
    with open_store(path, PASSPHRASE) as store, store.write() as session:
        session.add(
            SyncState(
                id=1,
                server_url="http://127.0.0.1:9",
                device_id="device-0001",
                tenant_id="tenant-0001",
                device_token="t" * 43,
                enrolled_at="2026-11-01T00:00:00.000000Z",
                pull_cursor=0,
            )
        )


def aggregates(path: Path) -> list[OutboxItem]:
    with open_store(path, PASSPHRASE) as store, store.read() as session:
        return list(session.scalars(select(OutboxItem).where(OutboxItem.kind == "aggregate")))


def test_a_store_that_is_not_enrolled_queues_nothing(demo_store: Path) -> None:
    with open_store(demo_store, PASSPHRASE) as store:
        run_standard_analysis(store)
    assert aggregates(demo_store) == []


def test_a_run_queues_sendable_cells_only_and_again_only_what_changed(demo_store: Path) -> None:
    enrol_directly(demo_store)
    with open_store(demo_store, PASSPHRASE) as store:
        outcome = run_standard_analysis(store)
    first = aggregates(demo_store)
    assert first
    for row in first:
        body = json.loads(row.payload_json)
        assert set(body) == WIRE_FIELDS  # nothing else: no claim, no patient
        AggregateItem.model_validate({"item_id": row.id, **body})
        assert body["lines"] > 10
    # The payer-wide cells add up to the lines of the run's whole weeks.
    with open_store(demo_store, PASSPHRASE) as store, store.read() as session:
        cols = load_claim_columns(session)
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "sync.aggregates_queued")
        ).one()
    windows = outcome.result.windows
    weeks = build_cells(cols, windows)
    first_day, last_day = week_span(windows)
    in_span = int(np.sum((cols.date_of_service >= first_day) & (cols.date_of_service <= last_day)))
    assert sum(w.payer_wide.lines for w in weeks) == in_span
    details = json.loads(entry.details_json)
    assert details["queued"] == len(first)
    assert details["held_back_small"] + details["held_back_complementary"] > 0

    with open_store(demo_store, PASSPHRASE) as store:
        run_standard_analysis(store)
    again = aggregates(demo_store)
    assert {r.id for r in again} == {r.id for r in first}  # the same data: nothing new
