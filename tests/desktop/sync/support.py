"""What the sync end-to-end tests share: devices (real stores) and feedback as given."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from desktop.clock import Clock, iso_utc
from desktop.store import Store, open_store
from desktop.store.models import Feedback
from desktop.sync.client import RetryPolicy
from desktop.sync.hlc import next_hlc
from desktop.sync.outbox import enqueue
from desktop.sync.state import enrolment
from tests.conftest import PASSPHRASE

# Short waits so that a test of many failures stays quick; still exponential and jittered.
FAST_RETRIES = RetryPolicy(
    attempts=8, base_delay_s=0.02, max_delay_s=0.3, connect_timeout_s=1.0, read_timeout_s=2.0
)


@contextmanager
def opened(path: Path) -> Iterator[Store]:
    with open_store(path, PASSPHRASE) as store:
        yield store


def give_feedback(
    store: Store, fingerprint: str, verdict: str, clock: Clock, note: str | None = None
) -> str:
    """An operator's judgment as the alerts service records it: row and outbox item at once."""
    with store.write() as session:
        stamp = next_hlc(session, clock=clock)
        state = enrolment(session)
        feedback_id = str(uuid.uuid4())
        session.add(
            Feedback(
                id=feedback_id,
                fingerprint=fingerprint,
                verdict=verdict,
                note=note,
                effect_at_feedback=None,
                actor="tester",
                device_id=None if state is None else state.device_id,
                hlc=stamp,
                created_at=iso_utc(clock()),
                origin="local",
            )
        )
        enqueue(
            session,
            "feedback",
            {"fingerprint": fingerprint, "verdict": verdict, "note": note, "hlc": stamp},
            item_id=feedback_id,
            clock=clock,
        )
    return feedback_id


def effective_verdict(store: Store, fingerprint: str) -> Feedback | None:
    """The judgment that holds: latest by (hlc, device id), last writer wins."""
    with store.read() as session:
        rows = session.scalars(select(Feedback).where(Feedback.fingerprint == fingerprint)).all()
    return max(rows, key=lambda r: (r.hlc, r.device_id or ""), default=None)


def feedback_rows(store: Store) -> list[Feedback]:
    with store.read() as session:
        return list(session.scalars(select(Feedback)))
