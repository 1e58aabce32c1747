"""The analysis run hook that puts de-identified aggregates in the outbox.

Runs inside the run's write transaction, so the outbox items exist exactly when the
run does, and only when the store is enrolled with a sync server. A payload carries a
week, a canonical payer, a procedure code and sums: nothing that names a patient or a
claim (``AggregateItem`` refuses any other field).

How a cell sent again is identified: each run's cells get new item ids, derived from
the run id and the cell (``uuid5``), so the same run never queues a cell twice and a
later run's figures are new items. The server keeps every item and reads the newest
per device, week and payer, so a newer run's cell supersedes the older one there.
Stable ids per cell would not work: the server stores an item id once and answers
any later value under that id as a duplicate. A cell whose figures are unchanged
since it was last queued is not queued again, and an older item of the same cell is
deleted from the outbox once it is superseded and either acknowledged already or not
yet sent (sending it would only be overwritten), which keeps one row per cell.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop.analysis.records import RunHook
from desktop.engines.columns import ClaimColumns
from desktop.engines.windows import AnalysisWindows
from desktop.store import audit
from desktop.store.models import AnalysisRun, OutboxItem
from desktop.sync import outbox
from desktop.sync.cells import Cell, build_cells
from desktop.sync.state import enrolment, pending_batch
from desktop.sync.suppression import decide
from shared.models import AggregateItem

ITEM_NAMESPACE = uuid.UUID("3b0f6c2e-5d41-4b8e-9a57-0c1d2e3f4a5b")
CellKey = tuple[str, str, str | None]


def payload(cell: Cell) -> dict[str, Any]:
    """The wire fields of a cell except its item id (added at push time with the kind)."""
    return {
        "week": cell.week,
        "payer": cell.payer,
        "cpt": cell.cpt,
        "lines": cell.lines,
        "denied_lines": cell.denied_lines,
        "billed": cell.billed,
        "allowed": cell.allowed,
        "paid": cell.paid,
        "days_to_pay_p50": cell.days_to_pay_p50,
        "days_to_pay_p90": cell.days_to_pay_p90,
    }


def item_id(run_id: str, key: CellKey) -> str:
    week, payer, cpt = key
    return str(uuid.uuid5(ITEM_NAMESPACE, f"{run_id}\x1f{week}\x1f{payer}\x1f{cpt or '*'}"))


def queue_aggregates(
    session: Session, run_id: str, cols: ClaimColumns, windows: AnalysisWindows
) -> None:
    """The run hook: queue this run's sendable cells when the store is enrolled."""
    if enrolment(session) is None:
        return
    run = session.get(AnalysisRun, run_id)
    if run is None:
        raise LookupError(f"analysis run {run_id} is not in this transaction")
    when = run.finished_at or run.started_at
    decision = decide(build_cells(cols, windows))
    previous = _latest_by_cell(session)
    in_flight = set(batch.item_ids) if (batch := pending_batch(session)) else set()
    queued = unchanged = invalid = 0
    for cell in decision.send:
        body = payload(cell)
        try:
            AggregateItem.model_validate({"item_id": item_id(run_id, cell.key), **body})
        except ValidationError:
            invalid += 1  # e.g. a payer name the wire refuses; counted in the audit entry
            continue
        old = previous.get(cell.key)
        if old is not None and json.loads(old.payload_json) == body:
            unchanged += 1
            continue
        if old is not None and old.id not in in_flight:
            session.execute(delete(OutboxItem).where(OutboxItem.id == old.id))
        outbox.enqueue(
            session, "aggregate", body, item_id=item_id(run_id, cell.key), clock=_at(when)
        )
        queued += 1
    audit.append(
        session,
        "sync.aggregates_queued",
        "analysis_run",
        run_id,
        {
            "queued": queued,
            "unchanged": unchanged,
            "invalid": invalid,
            "held_back_small": decision.count("small"),
            "held_back_complementary": decision.count("complementary"),
        },
        clock=_at(when),
    )


def _latest_by_cell(session: Session) -> dict[CellKey, OutboxItem]:
    latest: dict[CellKey, OutboxItem] = {}
    rows = session.scalars(
        select(OutboxItem)
        .where(OutboxItem.kind == "aggregate")
        .order_by(OutboxItem.created_at, OutboxItem.id)
    )
    for row in rows:
        body = json.loads(row.payload_json)
        latest[(body["week"], body["payer"], body["cpt"])] = row
    return latest


def _at(text: str) -> Any:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return lambda: moment


AGGREGATES_HOOK: RunHook = queue_aggregates
