"""Sync as the CLI and the window use it: enrol, sync once, status.

Plain functions over a ``Store``, safe to call from a worker thread (they open their
own sessions, take a clock, report progress and honour a cancel check between
batches and pages). None of them blocks other work on the store for long: each batch
and each pulled page is its own short write transaction.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

import httpx

from desktop.clock import Clock, iso_utc, utc_now
from desktop.errors import ServerUnavailable
from desktop.store import Store, audit
from desktop.store.models import SyncState
from desktop.sync import outbox
from desktop.sync.client import RetryPolicy, SyncClient, enrol_request
from desktop.sync.errors import NotEnrolled, ServerRefused
from desktop.sync.pull_apply import Applied, apply_page
from desktop.sync.push import Cancel, Progress, push_outbox
from desktop.sync.state import (
    enrolment,
    last_error,
    save_cursor,
    save_last_error,
    save_last_sync,
    save_pending_batch,
    utc_text,
)
from shared.models import MAX_BATCH_ITEMS

MAX_PULL_PAGES = 200  # 100,000 changes in one sync; the rest comes at the next one


@dataclass(frozen=True)
class SyncStatus:
    """What the window shows and ``sync status`` prints (Qt-free)."""

    server: str | None
    device_id: str | None
    tenant_id: str | None
    last_sync: str | None
    outbox: int
    rejected: int
    last_error: str | None
    device_name: str | None = None  # shown in the window; not in the contract's JSON

    @property
    def enrolled(self) -> bool:
        return self.server is not None

    def as_dict(self) -> dict[str, object]:
        """The contract's ``sync status --json`` document."""
        return {
            "server": self.server,
            "device_id": self.device_id,
            "tenant_id": self.tenant_id,
            "last_sync": self.last_sync,
            "outbox": self.outbox,
        }


@dataclass(frozen=True)
class SyncReport:
    """What one sync did."""

    stored: int
    duplicate: int
    rejected: dict[str, str]
    pulled: Applied
    outbox: int
    cancelled: bool = False
    requests: int = 0
    batches: int = 0
    replayed: int = 0
    pages: int = 0
    messages: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {
            "pushed": {
                "stored": self.stored,
                "duplicate": self.duplicate,
                "rejected": len(self.rejected),
            },
            "rejected_reasons": sorted(set(self.rejected.values())),
            "pulled": {
                "rules_set": self.pulled.rules_set,
                "rules_removed": self.pulled.rules_removed,
                "mappings_set": self.pulled.mappings_set,
                "mappings_removed": self.pulled.mappings_removed,
                "feedback_added": self.pulled.feedback_added,
            },
            "outbox": self.outbox,
            "cancelled": self.cancelled,
        }


def default_device_name() -> str:
    return f"Upstream on {socket.gethostname()}"[:120]


def enroll(
    store: Store,
    server: str,
    code: str,
    *,
    device_name: str | None = None,
    clock: Clock = utc_now,
    policy: RetryPolicy | None = None,
    transport: httpx.BaseTransport | None = None,
) -> SyncStatus:
    """Exchange an enrolment code for a device token; replaces an earlier enrolment."""
    url = server.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ServerRefused(f"the server address must start with http:// or https://, not {url!r}")
    request = enrol_request(code.strip(), device_name or default_device_name())
    with SyncClient(url, policy=policy or RetryPolicy(), transport=transport) as client:
        client.handshake()
        answer = client.enrol(request)
    with store.write() as session:
        at = iso_utc(clock())
        before = enrolment(session)
        row = session.get(SyncState, 1)
        if row is None:
            row = SyncState(id=1)
            session.add(row)
        row.server_url, row.device_id, row.tenant_id = url, answer.device_id, answer.tenant_id
        row.device_name = request.device_name
        row.device_token, row.enrolled_at, row.last_sync, row.pull_cursor = (
            answer.device_token,
            at,
            None,
            0,
        )
        # A batch made for an earlier enrolment carries its device id: rebuild it.
        save_pending_batch(session, None, at=at)
        save_last_error(session, None, at=at)
        audit.append(
            session,
            "sync.enrolled",
            "sync_state",
            answer.device_id,
            {
                "server": url,
                "tenant_id": answer.tenant_id,
                "replaced_device_id": None if before is None else before.device_id,
            },
            clock=clock,
        )
    return status(store)


def status(store: Store) -> SyncStatus:
    with store.read() as session:
        state = enrolment(session)
        return SyncStatus(
            server=None if state is None else state.server_url,
            device_id=None if state is None else state.device_id,
            tenant_id=None if state is None else state.tenant_id,
            last_sync=None
            if state is None or state.last_sync is None
            else utc_text(state.last_sync),
            outbox=outbox.pending_count(session),
            rejected=outbox.rejected_count(session),
            last_error=last_error(session),
            device_name=None if state is None else state.device_name,
        )


def sync_once(
    store: Store,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    *,
    clock: Clock = utc_now,
    policy: RetryPolicy | None = None,
    transport: httpx.BaseTransport | None = None,
    batch_items: int = MAX_BATCH_ITEMS,
) -> SyncReport:
    """Push the whole outbox, then pull every change since the cursor."""
    with store.read() as session:
        state = enrolment(session)
    if state is None:
        raise NotEnrolled(
            "this store is not enrolled with a sync server: run 'upstream sync enroll' first"
        )
    client = SyncClient(
        state.server_url, state.device_token, policy=policy or RetryPolicy(), transport=transport
    )
    try:
        client.handshake()
        tally = push_outbox(
            store,
            client,
            state.device_id,
            clock=clock,
            progress=progress,
            cancel=cancel,
            batch_items=batch_items,
        )
        pulled, pages = Applied(), 0
        if not tally.cancelled:
            pulled, pages, tally.cancelled = _pull(store, client, state.device_id, clock, cancel)
    except ServerUnavailable as error:
        with store.write() as session:
            save_last_error(session, str(error), at=iso_utc(clock()))
        raise
    finally:
        client.close()
    with store.write() as session:
        at = iso_utc(clock())
        if not tally.cancelled:
            save_last_sync(session, at)
        if tally.rejected:
            save_last_error(session, _rejected_message(tally.rejected), at=at)
        elif not tally.cancelled:
            save_last_error(session, None, at=at)  # the problem before this sync is over
        if pulled.anything:
            audit.append(
                session, "sync.pulled", "sync_state", state.device_id, _counts(pulled), clock=clock
            )
        left = outbox.pending_count(session)
    return SyncReport(
        stored=tally.stored,
        duplicate=tally.duplicate,
        rejected=dict(tally.rejected),
        pulled=pulled,
        outbox=left,
        cancelled=tally.cancelled,
        requests=client.requests_made,
        batches=tally.batches,
        replayed=tally.replayed,
        pages=pages,
    )


def _pull(
    store: Store, client: SyncClient, device_id: str, clock: Clock, cancel: Cancel | None
) -> tuple[Applied, int, bool]:
    done, pages, restarted = Applied(), 0, False
    with store.read() as session:
        state = enrolment(session)
    cursor = 0 if state is None else state.pull_cursor
    while pages < MAX_PULL_PAGES:
        if cancel is not None and cancel():
            return done, pages, True
        try:
            page = client.pull(cursor)
        except ServerRefused as error:
            if error.status != 409 or restarted:
                raise
            # The server has fewer changes than this cursor (restored from a backup):
            # pull everything again; applying a change twice changes nothing.
            cursor, restarted = 0, True
            continue
        with store.write() as session:
            done += apply_page(session, page, device_id, clock)
            save_cursor(session, page.next_cursor)
        cursor, pages = page.next_cursor, pages + 1
        if not page.has_more:
            break
    return done, pages, False


def _counts(applied: Applied) -> dict[str, object]:
    return {name: getattr(applied, name) for name in applied.__dataclass_fields__}


def _rejected_message(rejected: dict[str, str]) -> str:
    reasons = "; ".join(sorted(set(rejected.values()))[:3])
    return (
        f"the sync server rejected {len(rejected)} item(s) ({reasons}); they stay in the "
        "outbox, marked, and are not sent again"
    )
