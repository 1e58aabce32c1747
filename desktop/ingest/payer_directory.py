"""Resolving raw payer names to canonical payers during an import.

A name never seen before gets a canonical payer of its own (or the existing payer
whose name has the same key) and an ``auto`` mapping, in the import's transaction,
so a failed import leaves no payer behind. Offices then merge or rename payers
through the mapping services in ``payers``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import Clock, iso_utc, utc_now
from desktop.ingest.payer_keys import display_name, payer_key
from desktop.store.models import Payer, PayerMapping


class PayerDirectory:
    """Raw name -> canonical payer id, loaded once per import and extended as it goes."""

    def __init__(self, session: Session, *, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock
        self._by_key: dict[str, int] = {
            row.raw_key: row.payer_id
            for row in session.execute(select(PayerMapping.raw_key, PayerMapping.payer_id))
        }
        self._payer_by_name_key: dict[str, int] = {
            payer_key(name): payer_id
            for payer_id, name in session.execute(select(Payer.id, Payer.name))
        }
        self._by_raw: dict[str, int] = {}
        self.created_payers: list[str] = []
        self.created_mappings: list[str] = []

    def resolve(self, raw_names: Iterable[str]) -> dict[str, int]:
        """Payer ids for these raw names (non-empty), creating payers and mappings as needed."""
        result: dict[str, int] = {}
        for raw in raw_names:
            if raw not in self._by_raw:
                self._by_raw[raw] = self._resolve_one(raw)
            result[raw] = self._by_raw[raw]
        return result

    def _resolve_one(self, raw: str) -> int:
        key = payer_key(raw)
        if key in self._by_key:
            return self._by_key[key]
        now = iso_utc(self._clock())
        payer_id = self._payer_by_name_key.get(key)
        if payer_id is None:
            payer = Payer(name=self._free_name(display_name(raw)), created_at=now)
            self._session.add(payer)
            self._session.flush()
            payer_id = payer.id
            self._payer_by_name_key[key] = payer_id
            self.created_payers.append(payer.name)
        self._session.add(
            PayerMapping(
                raw_key=key,
                raw_name=display_name(raw),
                payer_id=payer_id,
                source="auto",
                updated_at=now,
            )
        )
        self._session.flush()
        self._by_key[key] = payer_id
        self.created_mappings.append(key)
        return payer_id

    def _free_name(self, name: str) -> str:
        """``name``, or ``name (2)`` … if a payer of exactly that name exists (keys differ)."""
        taken = self._session.scalar(select(Payer.id).where(Payer.name == name))
        if taken is None:
            return name
        suffix = 2
        while self._session.scalar(select(Payer.id).where(Payer.name == f"{name} ({suffix})")):
            suffix += 1
        return f"{name} ({suffix})"
