"""Through a proxy that drops, duplicates and reorders: the outbox drains, each item once,
and the PHI canary of the imported file is in no request body."""

from __future__ import annotations

import csv
import random
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.analysis.wiring import run_standard_analysis
from desktop.demo import PHI_CANARY_COLUMNS, PHI_CANARY_MARKER, write_demo_csv
from desktop.ingest.pipeline import import_file
from desktop.store.models import OutboxItem
from desktop.sync import service
from desktop.sync.client import RetryPolicy
from desktop.sync.errors import ServerUnreachable
from tests.conftest import StoreFactory
from tests.desktop.sync.proxy import Chaos, ChaosProxy
from tests.desktop.sync.server import SyncServer
from tests.desktop.sync.support import effective_verdict, give_feedback, opened
from tests.helpers.stubs import MovableClock

pytestmark = pytest.mark.slow

START = datetime(2026, 11, 2, 10, 15, tzinfo=UTC)
THROUGH_CHAOS = RetryPolicy(
    attempts=10, base_delay_s=0.02, max_delay_s=0.4, connect_timeout_s=1.0, read_timeout_s=1.0
)
MAX_SYNCS = 40
FEEDBACK = 300
TOKEN = re.compile(rb"[A-Za-z0-9-]+")


def canary_tokens(csv_path: Path) -> set[bytes]:
    """Every identifier value of the file, as the tokens they would make in a body."""
    tokens: set[bytes] = {PHI_CANARY_MARKER.encode()}
    with csv_path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for column in PHI_CANARY_COLUMNS:
                value = row.get(column) or ""
                tokens.update(t for t in TOKEN.findall(value.encode()) if len(t) >= 8)
    return tokens


def drain(path: Path, clock: MovableClock) -> int:
    """Sync until the outbox is empty (a failed sync is retried, as the app would)."""
    for attempt in range(MAX_SYNCS):
        with opened(path) as store:
            try:
                service.sync_once(store, clock=clock, policy=THROUGH_CHAOS, batch_items=20)
            except ServerUnreachable:
                continue
            if service.status(store).outbox == 0:
                return attempt + 1
    raise AssertionError("the outbox did not drain")


def test_a_lossy_reordering_proxy_delivers_every_item_once_and_no_phi(
    tmp_path: Path, make_store: StoreFactory
) -> None:
    server = SyncServer(tmp_path / "server").start()
    proxy = ChaosProxy(server.port, Chaos(), seed=7).start()
    clock_a = MovableClock(START + timedelta(hours=24))
    clock_b = MovableClock(START - timedelta(hours=24))
    claims = tmp_path / "claims.csv"
    write_demo_csv(
        claims, seed=5, lines=12_000, months=6, as_of=date(2026, 10, 31), phi_canary=True
    )
    try:
        tenant = server.tenant("Lakeside Billing")
        code = server.code(tenant, uses=2)
        front, back = make_store().path, make_store().path
        # Enrolment is not idempotent (a lost answer uses the code up): enrol on a calm link.
        proxy.calm = True
        for path, clock in ((front, clock_a), (back, clock_b)):
            with opened(path) as store:
                service.enroll(store, proxy.base_url, code, clock=clock, policy=THROUGH_CHAOS)
        proxy.calm = False
        with opened(front) as store:
            assert import_file(store, claims).rows_stored > 0
            run_standard_analysis(store)
            rng = random.Random(3)
            for i in range(FEEDBACK):
                verdict = rng.choice(["real", "noise", "resolved"])
                give_feedback(store, f"{i:064x}", verdict, clock_a, note="seen in the remits")
                clock_a.advance(timedelta(seconds=1))
            device_id = service.status(store).device_id
        syncs = drain(front, clock_a)
        drain(back, clock_b)
        with opened(front) as store, store.read() as session:
            outbox_ids = set(session.scalars(select(OutboxItem.id)))
            kinds = [k for k in session.scalars(select(OutboxItem.kind))]
        with opened(back) as store:
            arrived = effective_verdict(store, f"{0:064x}")
            assert arrived is not None and arrived.origin == "remote"
    finally:
        proxy.stop()
        server.stop()
    assert device_id is not None
    on_server = server.item_ids(device_id)
    stats = proxy.stats
    hits = canary_tokens(claims)
    canary_bodies = sum(1 for body in stats.bodies if hits.intersection(TOKEN.findall(body)))
    print(
        f"\nproxy: requests={stats.requests} dropped_requests={stats.dropped_requests} "
        f"dropped_responses={stats.dropped_responses} duplicated={stats.duplicated} "
        f"delayed={stats.delayed}; syncs_to_drain={syncs} outbox_items={len(outbox_ids)} "
        f"(aggregates={kinds.count('aggregate')}) on_server={len(on_server)} "
        f"distinct={len(set(on_server))}; canary_tokens={len(hits)} "
        f"bodies={len(stats.bodies)} bodies_with_canary={canary_bodies}"
    )
    assert kinds.count("aggregate") > 0 and kinds.count("feedback") == FEEDBACK
    assert len(on_server) == len(set(on_server)) == len(outbox_ids)
    assert set(on_server) == outbox_ids
    assert stats.dropped_requests and stats.dropped_responses and stats.duplicated
    assert stats.delayed
    assert canary_bodies == 0
    assert "Traceback" not in server.output()
