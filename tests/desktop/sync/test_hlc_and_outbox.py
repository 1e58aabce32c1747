from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from desktop.store import open_store
from desktop.sync.hlc import Hlc, HlcError, next_hlc, observe_hlc
from desktop.sync.outbox import enqueue, pending_count
from shared.models.feedback import Hlc as WireHlc
from tests.conftest import PASSPHRASE
from tests.helpers.stubs import MovableClock

START = datetime(2026, 11, 2, 10, 15, tzinfo=UTC)


def test_local_stamps_keep_increasing_when_the_wall_clock_goes_back(store_path: Path) -> None:
    clock = MovableClock(START)
    stamps: list[str] = []
    with open_store(store_path, PASSPHRASE) as store:
        for step in (0, 0, -3600, 1, 86400):
            clock.advance(timedelta(seconds=step))
            with store.write() as session:
                stamps.append(next_hlc(session, clock=clock))
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    wire = TypeAdapter(WireHlc)
    for stamp in stamps:
        wire.validate_python(stamp)
        assert str(Hlc.parse(stamp)) == stamp


def test_a_seen_remote_stamp_from_a_fast_clock_orders_later_local_events_after_it(
    store_path: Path,
) -> None:
    clock = MovableClock(START)
    remote = "2026-11-03T10:15:00.000Z-0007-remote01"  # a device a day ahead
    with open_store(store_path, PASSPHRASE) as store, store.write() as session:
        observe_hlc(session, remote, clock=clock)
        local = next_hlc(session, clock=clock)
    assert local > remote
    assert Hlc.parse(local).wall == Hlc.parse(remote).wall


def test_a_malformed_stamp_is_refused(store_path: Path) -> None:
    with (
        open_store(store_path, PASSPHRASE) as store,
        store.write() as session,
        pytest.raises(HlcError),
    ):
        observe_hlc(session, "yesterday")


def test_outbox_items_count_until_sent(store_path: Path) -> None:
    with open_store(store_path, PASSPHRASE) as store:
        with store.write() as session:
            first = enqueue(session, "feedback", {"verdict": "noise"}, item_id="fb-1")
            enqueue(session, "aggregate", {"lines": 12})
            assert first.id == "fb-1"
        with store.read() as session:
            assert pending_count(session) == 2
