"""Filling a real store with claim lines by plain SQL, as an import would leave them.

Tests of the loader and the analysis need lines in a store without going through the
import pipeline; these helpers write rows straight into ``claim_line`` (and the payer
and import tables they refer to) through the contract's ``open_connection``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from desktop.engines.columns import MISSING, NO_REASON, ClaimColumns

IMPORT_ID = "00000000-0000-0000-0000-000000000001"

_INSERT = (
    "INSERT INTO claim_line (claim_id, line_number, payer_raw, payer_id, cpt, units, "
    "date_of_service, submitted_date, decision_date, paid_date, billed_cents, allowed_cents, "
    "paid_cents, status, carc_codes, source_format, first_import_id, last_import_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'csv', ?, ?)"
)


def ensure_import(con: Any, import_id: str = IMPORT_ID) -> None:
    con.execute(
        "INSERT OR IGNORE INTO import_batch (id, file_name, file_sha256, file_size, format, "
        "state, started_at, rows_read, rows_stored, rows_rejected, summary_json) "
        "VALUES (?, 'test.csv', ?, 0, 'csv', 'committed', '2026-01-01T00:00:00Z', 0, 0, 0, '{}')",
        (import_id, import_id.replace("-", "").ljust(64, "0")),
    )


def ensure_payers(con: Any, names: Sequence[str]) -> dict[str, int]:
    """Payer ids by name, creating the missing ones (ids deliberately not in name order)."""
    for name in sorted(names, reverse=True):
        con.execute(
            "INSERT OR IGNORE INTO payer (name, created_at) VALUES (?, '2026-01-01T00:00:00Z')",
            (name,),
        )
    return {str(n): int(i) for i, n in con.execute("SELECT id, name FROM payer")}


def carc_text(reason: str | None) -> str | None:
    """A stored CARC list whose primary denial reason is ``reason``."""
    return None if reason is None else f"CO-45;{reason}"


def _value(x: Any) -> Any:
    value = int(x)
    return None if value == MISSING else value


def rows_of(
    cols: ClaimColumns, payer_ids: dict[str, int], *, import_id: str, claim_prefix: str
) -> Iterator[tuple[Any, ...]]:
    """Rows for ``_INSERT``; lines sharing a ``cols.claim`` value become lines of one claim."""
    line_numbers: dict[int, int] = {}
    for i in range(len(cols)):
        claim = i if cols.claim is None else int(cols.claim[i])
        line_numbers[claim] = line_numbers.get(claim, 0) + 1
        payer = cols.payer_names[int(cols.payer[i])]
        reason_index = int(cols.denial_reason[i])
        reason = None if reason_index == NO_REASON else cols.reason_codes[reason_index]
        yield (
            f"{claim_prefix}{claim}",
            line_numbers[claim],
            payer,
            payer_ids[payer],
            cols.cpt_codes[int(cols.cpt[i])],
            float(cols.units[i]),
            int(cols.date_of_service[i]),
            int(cols.submitted_date[i]),
            _value(cols.decision_date[i]),
            _value(cols.paid_date[i]),
            int(cols.billed_cents[i]),
            _value(cols.allowed_cents[i]),
            _value(cols.paid_cents[i]),
            int(cols.status[i]),
            carc_text(reason),
            import_id,
            import_id,
        )


def store_lines(
    con: Any, cols: ClaimColumns, *, import_id: str = IMPORT_ID, claim_prefix: str = "C"
) -> None:
    """Insert every line of ``cols`` (claim ids ``<prefix><position>``) in one transaction."""
    con.execute("BEGIN IMMEDIATE")
    ensure_import(con, import_id)
    payer_ids = ensure_payers(con, cols.payer_names)
    con.executemany(
        _INSERT, rows_of(cols, payer_ids, import_id=import_id, claim_prefix=claim_prefix)
    )
    con.execute("COMMIT")


def random_columns(
    n: int, *, seed: int = 0, payers: int = 3, codes: int = 5, start_day: int = 20_000
) -> ClaimColumns:
    """Random but valid-shaped lines (for loader round trips, not for statistics)."""
    rng = np.random.default_rng(seed)
    status = rng.integers(0, 4, n).astype(np.int8)
    dos = (start_day + rng.integers(0, 300, n)).astype(np.int32)
    submitted = dos + rng.integers(0, 10, n).astype(np.int32)
    decided = np.where(status > 0, submitted + rng.integers(1, 40, n), MISSING).astype(np.int32)
    paid = np.where((status == 1) | (status == 3), decided + 2, MISSING).astype(np.int32)
    billed = rng.integers(1_000, 5_000_000, n).astype(np.int64)
    allowed = np.where(status > 0, billed // 2, MISSING).astype(np.int64)
    paid_cents = np.where(paid != MISSING, allowed // 2, MISSING).astype(np.int64)
    reason = np.where(status == 2, rng.integers(0, 3, n), NO_REASON).astype(np.int32)
    return ClaimColumns(
        payer=rng.integers(0, payers, n).astype(np.int32),
        cpt=rng.integers(0, codes, n).astype(np.int32),
        date_of_service=dos,
        submitted_date=submitted,
        decision_date=decided,
        paid_date=paid,
        billed_cents=billed,
        allowed_cents=allowed,
        paid_cents=paid_cents,
        units=rng.choice([1.0, 2.0, 0.5, 1.25], n),
        status=status,
        denial_reason=reason,
        payer_names=tuple(f"Payer {chr(65 + i)}" for i in range(payers)),
        cpt_codes=tuple(f"{99200 + i}" for i in range(codes)),
        reason_codes=("CO-16", "CO-197", "PI-204"),
    )


class ColumnsBuilder:
    """Hand-made claim lines for engine tests: add groups of lines, then ``build()``.

    Every line is its own claim, submitted 3 days after service; ``lag`` days later
    the payer decides it. Denied lines carry ``reason`` (by default the reason the
    same payer and code had before, else CO-97); paid lines are paid on decision day.
    """

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.parts: list[dict[str, Any]] = []
        self.usual_reason: dict[tuple[str, str], str] = {}
        self.payers: list[str] = []
        self.codes: list[str] = []
        self.reasons: list[str] = []
        self._claims = 0

    def _index(self, table: list[str], value: str) -> int:
        if value not in table:
            table.append(value)
        return table.index(value)

    def add(
        self,
        payer: str,
        cpt: str,
        n: int,
        *,
        served_from: int,
        served_to: int,
        denied_share: float = 0.05,
        allowed_cents: int = 10_000,
        paid_share: float = 0.8,
        lag: int = 14,
        reason: str | None = None,
        decided: bool = True,
        units: float = 1.0,
    ) -> ColumnsBuilder:
        """``n`` lines served evenly from day ``served_from`` to ``served_to``."""
        reason = reason or self.usual_reason.get((payer, cpt), "CO-97")
        self.usual_reason.setdefault((payer, cpt), reason)
        served = np.linspace(served_from, served_to, n).round().astype(np.int32)
        # Denials spread evenly over the lines: rates are exactly constant in time, so
        # a test on these lines checks logic, not luck (the benchmark checks luck).
        denied = np.zeros(n, np.bool_)
        n_denied = round(n * denied_share)
        if n_denied:
            denied[np.linspace(0, n - 1, n_denied).round().astype(np.int64)] = True
        status = np.where(denied, 2, 1).astype(np.int8)
        decision = (served + 3 + lag).astype(np.int32)
        if not decided:
            status[:] = 0
            decision[:] = MISSING
        unpaid = denied | (not decided)
        allowed = np.where(unpaid, MISSING, allowed_cents).astype(np.int64)
        paid = np.where(unpaid, MISSING, np.round(allowed_cents * paid_share)).astype(np.int64)
        self.parts.append(
            {
                "payer": np.full(n, self._index(self.payers, payer), np.int32),
                "cpt": np.full(n, self._index(self.codes, cpt), np.int32),
                "date_of_service": served,
                "submitted_date": (served + 3).astype(np.int32),
                "decision_date": decision,
                "paid_date": np.where(unpaid, MISSING, decision).astype(np.int32),
                "billed_cents": np.full(n, allowed_cents * 2, np.int64),
                "allowed_cents": allowed,
                "paid_cents": paid,
                "units": np.full(n, units),
                "status": status,
                "denial_reason": np.where(
                    denied, self._index(self.reasons, reason), NO_REASON
                ).astype(np.int32),
                "claim": np.arange(self._claims, self._claims + n, dtype=np.int64),
            }
        )
        self._claims += n
        return self

    def build(self, *, with_claims: bool = True) -> ClaimColumns:
        fields = {name: np.concatenate([p[name] for p in self.parts]) for name in self.parts[0]}
        claim = fields.pop("claim")
        return ClaimColumns(
            **fields,
            payer_names=tuple(self.payers),
            cpt_codes=tuple(self.codes),
            reason_codes=tuple(self.reasons),
            claim=claim if with_claims else None,
        )


def demo_store_columns(seed: int = 3, lines: int = 60_000) -> ClaimColumns:
    """A demo office with the generator's default injected changes, claims kept."""
    from datetime import date

    from desktop.demo import DemoConfig, generate

    ds = generate(DemoConfig.default(seed=seed, lines=lines, months=7, as_of=date(2026, 10, 31)))
    cols = ds.columns
    return ClaimColumns(
        **{name: getattr(cols, name) for name in ALL_ARRAYS},
        payer_names=cols.payer_names,
        cpt_codes=cols.cpt_codes,
        reason_codes=cols.reason_codes,
        claim=ds.text.claim.astype(np.int64),
    )


ALL_ARRAYS = (
    "payer",
    "cpt",
    "date_of_service",
    "submitted_date",
    "decision_date",
    "paid_date",
    "billed_cents",
    "allowed_cents",
    "paid_cents",
    "units",
    "status",
    "denial_reason",
)
