"""The server killed (SIGKILL) at 20 random moments during pushes: every item arrives once."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.store.models import OutboxItem
from desktop.sync import service
from desktop.sync.client import RetryPolicy
from desktop.sync.errors import ServerUnreachable
from desktop.sync.hlc import next_hlc
from desktop.sync.outbox import enqueue
from desktop.sync.state import pending_batch
from tests.conftest import StoreFactory
from tests.desktop.sync.server import SyncServer
from tests.desktop.sync.support import FAST_RETRIES, opened
from tests.helpers.stubs import MovableClock

KILLS = 20
ITEMS_PER_ROUND = 240
BATCH = 40
pytestmark = pytest.mark.slow

START = datetime(2026, 11, 2, 10, 15, tzinfo=UTC)
# Give up quickly while the server is down: the next round's sync picks the batch up.
WHILE_KILLED = RetryPolicy(
    attempts=2, base_delay_s=0.01, max_delay_s=0.05, connect_timeout_s=0.5, read_timeout_s=2.0
)


def add_items(path: Path, rng: random.Random, round_no: int, clock: MovableClock) -> None:
    with opened(path) as store, store.write() as session:
        for i in range(ITEMS_PER_ROUND):
            if i % 2:
                lines = rng.randint(11, 900)
                payload: dict[str, object] = {
                    "week": f"2026-W{1 + (round_no + i) % 52:02d}",
                    "payer": f"Payer {i % 7}",
                    "cpt": f"{99200 + i % 40}",
                    "lines": lines,
                    "denied_lines": lines // 9,
                    "billed": lines * 150.0,
                    "allowed": lines * 110.0,
                    "paid": lines * 90.0,
                    "days_to_pay_p50": 14.0,
                    "days_to_pay_p90": 33.5,
                }
                enqueue(session, "aggregate", payload, clock=clock)
            else:
                verdict = rng.choice(["real", "noise", "resolved"])
                payload = {"fingerprint": f"{i:064x}", "verdict": verdict, "note": None}
                payload["hlc"] = next_hlc(session, clock=clock)
                enqueue(session, "feedback", payload, clock=clock)
            clock.advance(timedelta(milliseconds=3))


def push_and_kill(path: Path, server: SyncServer, clock: MovableClock, rng: random.Random) -> bool:
    """Push in a thread; kill the server a random moment after a random batch was answered.

    True when the kill interrupted the push (it failed; the next round resumes it).
    """
    answered = threading.Event()
    kill_after = rng.randint(1, ITEMS_PER_ROUND // BATCH - 2)
    failures: list[ServerUnreachable] = []

    def progress(done: int, total: int, what: str) -> None:
        if done >= kill_after * BATCH:
            answered.set()

    def push() -> None:
        try:
            with opened(path) as store:
                service.sync_once(
                    store, progress, clock=clock, policy=WHILE_KILLED, batch_items=BATCH
                )
        except ServerUnreachable as error:
            failures.append(error)
        finally:
            answered.set()

    worker = threading.Thread(target=push)
    worker.start()
    assert answered.wait(60)
    time.sleep(rng.uniform(0.0, 0.03))
    server.kill()
    worker.join(60)
    assert not worker.is_alive()
    return bool(failures)


def test_twenty_kills_during_pushes_lose_nothing_and_double_nothing(
    tmp_path: Path, make_store: StoreFactory
) -> None:
    rng = random.Random(20261128)
    clock = MovableClock(START)
    server = SyncServer(tmp_path / "server").start()
    path = make_store().path
    try:
        tenant = server.tenant("Lakeside Billing")
        with opened(path) as store:
            device_id = service.enroll(
                store, server.base_url, server.code(tenant), clock=clock, policy=FAST_RETRIES
            ).device_id
        assert device_id is not None
        interrupted = resent = 0
        for round_no in range(KILLS):
            add_items(path, rng, round_no, clock)
            with opened(path) as store, store.read() as session:
                resent += pending_batch(session) is not None
            interrupted += push_and_kill(path, server, clock, rng)
            server.start()
        replayed = 0
        with opened(path) as store:
            for _ in range(5):
                if service.status(store).outbox == 0:
                    break
                replayed += service.sync_once(store, clock=clock, policy=FAST_RETRIES).replayed
            with store.read() as session:
                outbox_ids = set(session.scalars(select(OutboxItem.id)))
                unsent = session.scalars(
                    select(OutboxItem.id).where(OutboxItem.sent_at.is_(None))
                ).all()
    finally:
        server.stop()
    on_server = server.item_ids(device_id)
    duplicates = len(on_server) - len(set(on_server))
    lost = len(outbox_ids - set(on_server))
    extra = len(set(on_server) - outbox_ids)
    print(
        f"\nkills={KILLS} interrupted_pushes={interrupted} outbox_items={len(outbox_ids)} "
        f"items_on_server={len(on_server)} duplicates={duplicates} lost={lost} extra={extra} "
        f"batches_left_in_flight_and_resent={resent} replayed_at_the_end={replayed}"
    )
    assert unsent == []
    assert duplicates == 0 and lost == 0 and extra == 0
    assert len(on_server) == KILLS * ITEMS_PER_ROUND
    assert interrupted >= KILLS - 2  # the kills did land during pushes
