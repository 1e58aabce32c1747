"""Payer mappings: which canonical payer each exported payer name belongs to.

The UI and sync call these services, each inside the caller's write transaction
(``store.write()``). Every change re-keys the stored claim lines it concerns,
moves quality rules scoped to a payer that goes away, bumps the store's mapping
generation (anything cached from mappings compares it and reloads), is written to
the audit trail and returns a typed result saying what changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from desktop.clock import Clock, iso_utc, utc_now
from desktop.ingest.errors import MappingError
from desktop.ingest.payer_keys import display_name, payer_key
from desktop.store import audit
from desktop.store.models import ClaimLine, Payer, PayerMapping, QualityRule, StoreMeta

MappingSource = Literal["user", "server"]
GENERATION_KEY = "payer_mapping_generation"


@dataclass(frozen=True)
class PayerMappingInfo:
    raw_name: str
    raw_key: str
    payer: str
    payer_id: int
    source: str
    updated_at: str


@dataclass(frozen=True)
class PayerInfo:
    id: int
    name: str
    raw_names: tuple[str, ...]
    lines: int


@dataclass(frozen=True)
class PayerMappingChange:
    """What a mapping operation changed (``changed`` is False when it was already so)."""

    raw_keys: tuple[str, ...]
    before: dict[str, str | None]  # raw key -> canonical payer name before
    after: str | None  # the canonical payer now (None when a mapping was removed)
    lines_rekeyed: int
    payers_created: tuple[str, ...]
    payers_removed: tuple[str, ...]
    generation: int

    @property
    def changed(self) -> bool:
        return bool(self.lines_rekeyed or self.payers_created or self.payers_removed) or any(
            name != self.after for name in self.before.values()
        )


def mapping_generation(session: Session) -> int:
    """Bumped by every mapping change: caches built from mappings compare it to reload."""
    value = session.scalar(select(StoreMeta.value).where(StoreMeta.key == GENERATION_KEY))
    return int(value) if value is not None else 0


def list_payer_mappings(session: Session) -> list[PayerMappingInfo]:
    rows = session.execute(
        select(PayerMapping, Payer.name)
        .join(Payer, Payer.id == PayerMapping.payer_id)
        .order_by(Payer.name, PayerMapping.raw_key)
    ).all()
    return [
        PayerMappingInfo(m.raw_name, m.raw_key, name, m.payer_id, m.source, m.updated_at)
        for m, name in rows
    ]


def list_payers(session: Session) -> list[PayerInfo]:
    counts = select(ClaimLine.payer_id, func.count()).group_by(ClaimLine.payer_id)
    lines: dict[int, int] = {payer_id: count for payer_id, count in session.execute(counts)}
    raw: dict[int, list[str]] = {}
    for payer_id, raw_name in session.execute(
        select(PayerMapping.payer_id, PayerMapping.raw_name).order_by(PayerMapping.raw_name)
    ):
        raw.setdefault(payer_id, []).append(raw_name)
    return [
        PayerInfo(p.id, p.name, tuple(raw.get(p.id, ())), int(lines.get(p.id, 0)))
        for p in session.scalars(select(Payer).order_by(Payer.name))
    ]


def set_payer_mapping(
    session: Session,
    raw_name: str,
    payer_name: str,
    *,
    source: MappingSource = "user",
    clock: Clock = utc_now,
) -> PayerMappingChange:
    """Map the raw name ``raw_name`` to the canonical payer ``payer_name`` (created if new)."""
    key = _key_of(raw_name)
    target, created = _payer_named(session, payer_name, clock)
    mapping = session.scalar(select(PayerMapping).where(PayerMapping.raw_key == key))
    before = None if mapping is None else _name_of(session, mapping.payer_id)
    if mapping is not None and mapping.payer_id == target.id and mapping.source == source:
        return _unchanged(session, key, before)
    now = iso_utc(clock())
    rekeyed = 0
    old_payer_id = None if mapping is None else mapping.payer_id
    if mapping is None:
        mapping = PayerMapping(
            raw_key=key,
            raw_name=display_name(raw_name),
            payer_id=target.id,
            source=source,
            updated_at=now,
        )
        session.add(mapping)
    else:
        mapping.payer_id, mapping.source, mapping.updated_at = target.id, source, now
    session.flush()
    if old_payer_id is not None and old_payer_id != target.id:
        rekeyed = _rekey_lines(session, old_payer_id, target.id, {key})
    removed = _drop_if_unused(session, old_payer_id, target.id)
    return _record(
        session,
        "payer_mapping.set",
        (key,),
        {key: before},
        target.name,
        rekeyed,
        created,
        removed,
        source,
        clock,
    )


def merge_payers(
    session: Session,
    payer_name: str,
    into_payer_name: str,
    *,
    source: MappingSource = "user",
    clock: Clock = utc_now,
) -> PayerMappingChange:
    """Map every raw name of ``payer_name`` to ``into_payer_name`` and remove the first."""
    merged = _existing_payer(session, payer_name)
    target, created = _payer_named(session, into_payer_name, clock)
    if merged.id == target.id:
        return _unchanged(session, None, merged.name)
    mappings = list(session.scalars(select(PayerMapping).where(PayerMapping.payer_id == merged.id)))
    keys = tuple(m.raw_key for m in mappings)
    now = iso_utc(clock())
    for mapping in mappings:
        mapping.payer_id, mapping.source, mapping.updated_at = target.id, source, now
    rekeyed = _rekey_lines(session, merged.id, target.id, None)
    removed = _drop_if_unused(session, merged.id, target.id)
    return _record(
        session,
        "payer.merged",
        keys,
        dict.fromkeys(keys, merged.name),
        target.name,
        rekeyed,
        created,
        removed,
        source,
        clock,
    )


def remove_payer_mapping(
    session: Session, raw_name: str, *, clock: Clock = utc_now
) -> PayerMappingChange:
    """Forget the mapping of ``raw_name``: its lines go to a payer named after it, as when new."""
    key = _key_of(raw_name)
    mapping = session.scalar(select(PayerMapping).where(PayerMapping.raw_key == key))
    if mapping is None:
        raise MappingError(f"there is no payer mapping for {raw_name!r}")
    old_payer_id = mapping.payer_id
    before = _name_of(session, old_payer_id)
    own_name = mapping.raw_name
    session.delete(mapping)
    session.flush()
    own, created = _payer_named(session, own_name, clock)
    # The name goes back to an automatic mapping onto the payer named after it.
    session.add(
        PayerMapping(
            raw_key=key,
            raw_name=own_name,
            payer_id=own.id,
            source="auto",
            updated_at=iso_utc(clock()),
        )
    )
    session.flush()
    moved = own.id != old_payer_id
    rekeyed = _rekey_lines(session, old_payer_id, own.id, {key}) if moved else 0
    removed = _drop_if_unused(session, old_payer_id, own.id)
    return _record(
        session,
        "payer_mapping.removed",
        (key,),
        {key: before},
        own.name,
        rekeyed,
        created,
        removed,
        "user",
        clock,
    )


# --- internals ------------------------------------------------------------------------


def _key_of(raw_name: str) -> str:
    key = payer_key(raw_name)
    if not key:
        raise MappingError("a payer name needs at least one letter or digit")
    return key


def _payer_named(session: Session, name: str, clock: Clock) -> tuple[Payer, tuple[str, ...]]:
    """The payer called ``name`` (same key), created if there is none."""
    shown = display_name(name)
    if not payer_key(shown):
        raise MappingError("a payer name needs at least one letter or digit")
    for payer in session.scalars(select(Payer)):
        if payer_key(payer.name) == payer_key(shown):
            return payer, ()
    payer = Payer(name=shown, created_at=iso_utc(clock()))
    session.add(payer)
    session.flush()
    return payer, (shown,)


def _existing_payer(session: Session, name: str) -> Payer:
    for payer in session.scalars(select(Payer)):
        if payer_key(payer.name) == payer_key(name):
            return payer
    raise MappingError(f"there is no payer named {name!r}")


def _name_of(session: Session, payer_id: int) -> str:
    name = session.scalar(select(Payer.name).where(Payer.id == payer_id))
    if name is None:
        raise MappingError(f"payer {payer_id} does not exist")
    return name


def _rekey_lines(session: Session, old: int, new: int, keys: set[str] | None) -> int:
    """Move lines of payer ``old`` (only those whose raw name has one of ``keys``) to ``new``."""
    if keys is None:
        result = session.execute(
            update(ClaimLine).where(ClaimLine.payer_id == old).values(payer_id=new)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
    raw_names = session.scalars(
        select(ClaimLine.payer_raw).where(ClaimLine.payer_id == old).distinct()
    ).all()
    matching = [raw for raw in raw_names if payer_key(raw) in keys]
    moved = 0
    for start in range(0, len(matching), 500):
        result = session.execute(
            update(ClaimLine)
            .where(
                ClaimLine.payer_id == old, ClaimLine.payer_raw.in_(matching[start : start + 500])
            )
            .values(payer_id=new)
        )
        moved += int(result.rowcount)  # type: ignore[attr-defined]
    return moved


def _drop_if_unused(session: Session, payer_id: int | None, successor: int) -> tuple[str, ...]:
    """Remove a payer no mapping or line refers to any more; its scoped rules follow on."""
    if payer_id is None or payer_id == successor:
        return ()
    in_use = session.scalar(
        select(PayerMapping.id).where(PayerMapping.payer_id == payer_id).limit(1)
    ) or session.scalar(select(ClaimLine.id).where(ClaimLine.payer_id == payer_id).limit(1))
    if in_use:
        return ()
    name = _name_of(session, payer_id)
    session.execute(
        update(QualityRule)
        .where(QualityRule.scope_payer_id == payer_id)
        .values(scope_payer_id=successor)
    )
    session.execute(delete(Payer).where(Payer.id == payer_id))
    return (name,)


def _bump_generation(session: Session) -> int:
    generation = mapping_generation(session) + 1
    session.merge(StoreMeta(key=GENERATION_KEY, value=str(generation)))
    return generation


def _unchanged(session: Session, key: str | None, name: str | None) -> PayerMappingChange:
    keys = () if key is None else (key,)
    return PayerMappingChange(
        keys, dict.fromkeys(keys, name), name, 0, (), (), mapping_generation(session)
    )


def _record(
    session: Session,
    action: str,
    keys: Sequence[str],
    before: dict[str, str | None],
    after: str,
    rekeyed: int,
    created: tuple[str, ...],
    removed: tuple[str, ...],
    source: str,
    clock: Clock,
) -> PayerMappingChange:
    generation = _bump_generation(session)
    session.flush()
    audit.append(
        session,
        action,
        "payer_mapping",
        after,
        {
            "raw_keys": list(keys),
            "before": before,
            "after": after,
            "lines_rekeyed": rekeyed,
            "payers_created": list(created),
            "payers_removed": list(removed),
            "source": source,
            "generation": generation,
        },
        clock=clock,
    )
    return PayerMappingChange(tuple(keys), before, after, rekeyed, created, removed, generation)
