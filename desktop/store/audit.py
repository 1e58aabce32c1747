"""Tamper-evident audit trail.

Each entry's SHA-256 covers its own fields and the previous entry's hash, so editing,
inserting or deleting a row breaks the chain from that row on. The newest entry's
sequence number and hash are also kept in ``store_meta`` (written in the same
transaction), which catches rows deleted from, or appended to, the end of the chain.

Entries say who did what to which object, with a before/after summary. They never
carry patient data: callers pass counts, ids and setting values, not row contents.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import Clock, iso_utc, utc_now
from desktop.store.models import AuditEntry, StoreMeta

GENESIS_HASH = "0" * 64
HEAD_KEY = "audit_head"

ProblemKind = Literal["altered", "inserted", "deleted"]


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    at: str
    actor: str
    action: str
    object_type: str
    object_id: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class AuditProblem:
    seq: int
    kind: ProblemKind
    message: str


@dataclass(frozen=True)
class AuditVerification:
    entries_checked: int
    problem: AuditProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def current_actor() -> str:
    """The OS user running this process."""
    try:
        return getpass.getuser()
    except OSError:
        # No login name (e.g. a service account without one): record the numeric id.
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown-user"


def canonical_json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    seq: int,
    at: str,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None,
    details_json: str,
    prev_hash: str,
) -> str:
    material = json.dumps(
        [seq, at, actor, action, object_type, object_id, details_json, prev_hash],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def append(
    session: Session,
    action: str,
    object_type: str,
    object_id: str | None = None,
    details: Mapping[str, Any] | None = None,
    *,
    actor: str | None = None,
    clock: Clock = utc_now,
) -> AuditRecord:
    """Add one entry in the caller's transaction (which should hold the write lock)."""
    head = _read_head(session)
    prev_seq, prev_hash = head if head else (0, GENESIS_HASH)
    seq = prev_seq + 1
    at = iso_utc(clock())
    who = actor or current_actor()
    details_json = canonical_json(dict(details or {}))
    digest = entry_hash(seq, at, who, action, object_type, object_id, details_json, prev_hash)
    session.add(
        AuditEntry(
            seq=seq,
            at=at,
            actor=who,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details_json=details_json,
            prev_hash=prev_hash,
            hash=digest,
        )
    )
    session.merge(StoreMeta(key=HEAD_KEY, value=f"{seq}:{digest}"))
    session.flush()
    return AuditRecord(seq, at, who, action, object_type, object_id, json.loads(details_json))


def entries(session: Session, *, limit: int | None = None, offset: int = 0) -> list[AuditRecord]:
    """Entries oldest first."""
    stmt = select(AuditEntry).order_by(AuditEntry.seq).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        AuditRecord(
            row.seq,
            row.at,
            row.actor,
            row.action,
            row.object_type,
            row.object_id,
            json.loads(row.details_json),
        )
        for row in session.scalars(stmt)
    ]


def verify(session: Session) -> AuditVerification:
    """Walk the chain and report the first altered, inserted or deleted entry."""
    head = _read_head(session)
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    rows = session.execute(
        select(
            AuditEntry.seq,
            AuditEntry.at,
            AuditEntry.actor,
            AuditEntry.action,
            AuditEntry.object_type,
            AuditEntry.object_id,
            AuditEntry.details_json,
            AuditEntry.prev_hash,
            AuditEntry.hash,
        ).order_by(AuditEntry.seq)
    )
    for seq, at, actor, action, object_type, object_id, details_json, prev_hash, digest in rows:
        problem = _check_entry(
            (seq, at, actor, action, object_type, object_id, details_json, prev_hash, digest),
            expected_seq,
            expected_prev,
            head,
        )
        if problem is not None:
            return AuditVerification(checked, problem)
        expected_prev = digest
        expected_seq = seq + 1
        checked += 1
    return AuditVerification(checked, _check_end(head, expected_seq - 1, expected_prev))


def _check_entry(
    row: tuple[int, str, str, str, str, str | None, str, str, str],
    expected_seq: int,
    expected_prev: str,
    head: tuple[int, str] | None,
) -> AuditProblem | None:
    seq, at, actor, action, object_type, object_id, details_json, prev_hash, digest = row
    if head is None or seq > head[0]:
        return AuditProblem(seq, "inserted", f"entry {seq} was added after the last one written")
    recomputed = entry_hash(seq, at, actor, action, object_type, object_id, details_json, prev_hash)
    if recomputed != digest:
        return AuditProblem(seq, "altered", f"entry {seq} was altered after it was written")
    if prev_hash == expected_prev and seq == expected_seq:
        return None
    if seq > expected_seq and prev_hash != expected_prev:
        gap = (
            f"entry {expected_seq} was"
            if seq == expected_seq + 1
            else f"entries {expected_seq} to {seq - 1} were"
        )
        return AuditProblem(expected_seq, "deleted", f"{gap} deleted")
    return AuditProblem(seq, "inserted", f"entry {seq} was inserted into the trail")


def _check_end(head: tuple[int, str] | None, last_seq: int, last_hash: str) -> AuditProblem | None:
    if head is None:
        return None  # no entry was ever written, and none is there (rows would have failed)
    head_seq, head_hash = head
    if head_seq > last_seq:
        gap = (
            f"entry {head_seq} was"
            if head_seq == last_seq + 1
            else (f"entries {last_seq + 1} to {head_seq} were")
        )
        return AuditProblem(last_seq + 1, "deleted", f"{gap} deleted from the end of the trail")
    if head_hash != last_hash:
        return AuditProblem(
            head_seq, "altered", f"entry {head_seq} was altered after it was written"
        )
    return None


def _read_head(session: Session) -> tuple[int, str] | None:
    value = session.scalar(select(StoreMeta.value).where(StoreMeta.key == HEAD_KEY))
    if value is None:
        return None
    seq_text, _, digest = value.partition(":")
    return int(seq_text), digest
