"""Claim lines out of the store as ``ClaimColumns``, fast: the engines never see SQL.

Turning millions of rows into Python objects is what makes reading an encrypted store
slow (about 3 µs per line here), so the lines are also kept as columnar snapshots:
blocks of ``BLOCK_LINES`` lines by id, one compact blob per column (see
``column_codec``). Loading then decrypts a few blobs per block and hands numpy views
to the engines.

Freshness is guaranteed by construction, not by convention: triggers mark the block
of any updated or deleted line dirty (rows INSERT OR REPLACE removes included: every
connection turns ``recursive_triggers`` on), and lines above the highest covered id
are new.
``refresh_claim_columns`` rebuilds exactly those blocks (the import pipeline calls it
inside its transaction; an analysis calls it first too). ``load_claim_columns`` never
returns stale data: a block that is not current is read from ``claim_line`` instead.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop.engines.columns import MISSING, NO_REASON, ClaimColumns, primary_denial_reason
from desktop.store.column_codec import (
    EncodedColumn,
    decode_floats,
    decode_ints,
    encode_floats,
    encode_ints,
)
from desktop.store.models.claim_columns import BLOCK_LINES

log = logging.getLogger(__name__)

# Bump when the encoding of a block changes: blocks of another format are rebuilt.
FORMAT = 2

ALL_FIELDS: tuple[str, ...] = (
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
    "claim",
)
_INT32_FIELDS = ("date_of_service", "submitted_date", "decision_date", "paid_date")
_INT64_FIELDS = ("billed_cents", "allowed_cents", "paid_cents", "claim")
_DICTIONARY_FIELDS = ("cpt", "denial_reason")

# A block's lines come back as one text per column, built by SQLite and parsed in C:
# handing Python one value at a time costs ~0.3 µs per value, several times more.
# Integers travel as comma-separated decimals (numpy parses them), units and text as
# JSON arrays (exact doubles, and NULL kept). All aggregates of one query see the rows
# in the same order. Absent dates and amounts become MISSING, and pairs of 32-bit
# values travel as one 64-bit integer (low half, high half).
_LO = "({} & 4294967295)"
_INTEGERS = (
    f"{_LO.format('payer_id')} | (status << 32)",
    f"{_LO.format('date_of_service')} | (submitted_date << 32)",
    f"{_LO.format(f'coalesce(decision_date, {MISSING})')} | (coalesce(paid_date, {MISSING}) << 32)",
    "billed_cents",
    f"coalesce(allowed_cents, {MISSING})",
    f"coalesce(paid_cents, {MISSING})",
)
_JSON = ("units", "cpt", "carc_codes", "claim_id")
_BLOCK_SQL = (
    "SELECT count(*), max(id), "
    + ", ".join(f"group_concat({expression}, ',')" for expression in _INTEGERS)
    + ", "
    + ", ".join(f"json_group_array({expression})" for expression in _JSON)
    + " FROM claim_line WHERE id >= ? AND id < ?"
)

Progress = Callable[[int, int], None]


class SnapshotMismatch(RuntimeError):
    """The snapshot disagrees with ``claim_line`` (a bug or a write that bypassed the triggers)."""


@dataclass(frozen=True)
class ColumnRefresh:
    """What a refresh changed."""

    blocks_rebuilt: int
    blocks_removed: int
    lines_encoded: int


@dataclass
class _Block:
    """One block in memory: encoded columns plus the dictionaries of its text columns."""

    number: int
    n_lines: int
    max_id: int
    columns: dict[str, EncodedColumn] = field(default_factory=dict)
    dictionaries: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _State:
    clean: list[int]
    stale: list[int]


def refresh_claim_columns(session: Session, *, progress: Progress | None = None) -> ColumnRefresh:
    """Bring the snapshots up to date, in the caller's write transaction.

    The import pipeline calls this after its lines are upserted and before it commits,
    so that the next analysis reads current blocks; the cost is proportional to the
    blocks the import touched (new lines, and blocks of updated lines).
    """
    state = _state(session)
    con = _driver(session)
    rebuilt = removed = encoded = 0
    for done, number in enumerate(state.stale, start=1):
        block = _build_block(con, number)
        con.execute("DELETE FROM claim_column_block WHERE block = ?", (number,))
        if block.n_lines:
            _write_block(con, block)
            rebuilt += 1
            encoded += block.n_lines
        else:
            removed += 1
        if progress is not None:
            progress(done, len(state.stale))
    con.execute("DELETE FROM claim_column_dirty")
    if state.stale:
        log.info("claim columns: %d blocks rebuilt, %d removed", rebuilt, removed)
    return ColumnRefresh(rebuilt, removed, encoded)


def refresh_after_import(session: Session, stored: object) -> None:
    """The import pipeline's hook (``ImportOptions(hooks=(refresh_after_import,))``).

    Runs in the import's transaction after its lines are upserted: the snapshots of
    the blocks the import touched are rebuilt and commit with the import, so the next
    analysis reads current blocks. ``stored`` (what the pipeline tells hooks) is not
    needed: the triggers and the covered ids already say which blocks changed.
    """
    refresh_claim_columns(session)


def load_claim_columns(
    session: Session, fields: Collection[str] = ALL_FIELDS, *, verify: bool = False
) -> ClaimColumns:
    """Every stored line as columns (only ``fields`` are read; the others are MISSING).

    ``claim`` is a 64-bit fingerprint of the claim id: lines of one claim share it.

    Run it in one read session, so that every block comes from the same snapshot of
    the store. ``verify`` also counts ``claim_line`` and fails loudly on a mismatch.
    """
    unknown = set(fields) - set(ALL_FIELDS)
    if unknown:
        raise ValueError(f"unknown claim columns: {sorted(unknown)}")
    wanted = [f for f in ALL_FIELDS if f in fields]
    state = _state(session)
    blocks = _read_blocks(session, state.clean, wanted)
    if state.stale:
        con = _driver(session)
        blocks.extend(_build_block(con, number) for number in state.stale)
        blocks.sort(key=lambda b: b.number)
    total = sum(b.n_lines for b in blocks)
    if verify:
        stored = session.execute(text("SELECT count(*) FROM claim_line")).scalar_one()
        if stored != total:
            raise SnapshotMismatch(
                f"the claim-column snapshot holds {total} lines, claim_line {stored}"
            )
    payer_ids, payer_names = _payers(session)
    return _assemble(blocks, wanted, total, payer_ids, payer_names)


def _driver(session: Session) -> Any:
    """The DB-API connection of the session's transaction (rows without ORM overhead)."""
    return session.connection().connection.dbapi_connection


def _state(session: Session) -> _State:
    rows = session.execute(
        text("SELECT block, format, max_id FROM claim_column_block ORDER BY block")
    ).all()
    dirty = set(session.execute(text("SELECT block FROM claim_column_dirty")).scalars())
    max_id = session.execute(text("SELECT max(id) FROM claim_line")).scalar_one() or 0
    covered = max((int(r.max_id) for r in rows), default=0)
    stale = dirty | {int(r.block) for r in rows if r.format != FORMAT}
    # Lines above the highest covered id are new; their blocks (possibly the last,
    # partly filled one) are rebuilt whole.
    if max_id > covered:
        stale |= set(range((covered + 1) // BLOCK_LINES, max_id // BLOCK_LINES + 1))
    known = {int(r.block) for r in rows}
    stale = {b for b in stale if b in known or b <= max_id // BLOCK_LINES}
    clean = sorted(known - stale)
    return _State(clean=clean, stale=sorted(stale))


def _build_block(con: Any, number: int) -> _Block:
    lo = number * BLOCK_LINES
    count, max_id, *texts = con.execute(_BLOCK_SQL, (lo, lo + BLOCK_LINES)).fetchone()
    if not count:
        return _Block(number, 0, 0)
    integers = [np.fromstring(t, dtype=np.int64, sep=",") for t in texts[: len(_INTEGERS)]]
    units, cpt, carc, claim_ids = (json.loads(t) for t in texts[len(_INTEGERS) :])
    block = _block_from_values(number, int(max_id), integers, units, cpt, carc)
    block.columns["claim"] = encode_ints(claim_fingerprints(claim_ids), missing=None)
    return block


def claim_fingerprints(claim_ids: Sequence[str]) -> npt.NDArray[np.int64]:
    """A 64-bit fingerprint per claim id (CRC-32 and Adler-32 of its UTF-8 bytes).

    Equal ids give equal fingerprints in every block and every process (Python's own
    ``hash`` is salted per process). Claim ids of one office differ in a few
    characters, which CRC-32 always tells apart; a rare collision would only merge two
    claims in the count of independent payments.
    """
    encoded = [c.encode() for c in claim_ids]
    high = np.fromiter(map(zlib.crc32, encoded), dtype=np.uint64, count=len(encoded))
    low = np.fromiter(map(zlib.adler32, encoded), dtype=np.uint64, count=len(encoded))
    out: npt.NDArray[np.int64] = ((high << np.uint64(32)) | low).view(np.int64)
    return out


def _block_from_values(
    number: int,
    max_id: int,
    integers: Sequence[npt.NDArray[np.int64]],
    units: list[float],
    cpt: list[str],
    carc: list[str | None],
) -> _Block:
    payer_status, dos_submitted, decided_paid, billed, allowed, paid = integers
    block = _Block(number, len(cpt), max_id)
    ints: dict[str, npt.NDArray[np.int64]] = {}
    for low, high, packed in (
        ("payer", "status", payer_status),
        ("date_of_service", "submitted_date", dos_submitted),
        ("decision_date", "paid_date", decided_paid),
    ):
        ints[low], ints[high] = _unpack_pair(packed)
    ints["billed_cents"], ints["allowed_cents"], ints["paid_cents"] = billed, allowed, paid
    for name, values in ints.items():
        if len(values) != block.n_lines:
            raise SnapshotMismatch(f"column {name} of block {number} has {len(values)} values")
        block.columns[name] = encode_ints(values)
    block.columns["units"] = encode_floats(np.array(units, dtype=np.float64))
    block.dictionaries["cpt"], cpt_index = _dictionary_encode(cpt)
    block.columns["cpt"] = encode_ints(cpt_index, missing=None)
    block.dictionaries["denial_reason"], reason_index = _denial_reasons(carc)
    block.columns["denial_reason"] = encode_ints(reason_index, missing=NO_REASON)
    return block


def _unpack_pair(
    packed: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The two signed 32-bit halves packed by ``_LINES_SQL``."""
    low = (packed & 0xFFFFFFFF).astype(np.uint32).view(np.int32).astype(np.int64)
    return low, packed >> 32


def _dictionary_encode(values: Sequence[str]) -> tuple[list[str], npt.NDArray[np.int64]]:
    """Distinct values (first-seen order) and each value's index into them."""
    index = {value: i for i, value in enumerate(dict.fromkeys(values))}
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
    return list(index), codes


def _denial_reasons(carc: Sequence[str | None]) -> tuple[list[str], npt.NDArray[np.int64]]:
    """Each line's primary denial reason, dictionary-encoded (no reason -> -1)."""
    reasons: dict[str, int] = {}
    by_text: dict[str | None, int] = {}
    for codes in dict.fromkeys(carc):
        reason = primary_denial_reason(codes)
        by_text[codes] = -1 if reason is None else reasons.setdefault(reason, len(reasons))
    index = np.fromiter(map(by_text.__getitem__, carc), dtype=np.int64, count=len(carc))
    return list(reasons), index


def _write_block(con: Any, block: _Block) -> None:
    con.execute(
        "INSERT INTO claim_column_block (block, format, n_lines, max_id) VALUES (?, ?, ?, ?)",
        (block.number, FORMAT, block.n_lines, block.max_id),
    )
    con.executemany(
        "INSERT INTO claim_column_data (block, name, dtype, base, dictionary_json, data) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                block.number,
                name,
                column.dtype,
                column.base,
                json.dumps(block.dictionaries[name]) if name in block.dictionaries else None,
                column.data,
            )
            for name, column in block.columns.items()
        ],
    )


def _read_blocks(session: Session, numbers: list[int], wanted: list[str]) -> list[_Block]:
    if not numbers:
        return []
    con = _driver(session)
    blocks = {
        int(number): _Block(int(number), int(n), int(max_id))
        for number, n, max_id in con.execute(
            "SELECT block, n_lines, max_id FROM claim_column_block ORDER BY block"
        )
    }
    placeholders = ",".join("?" * len(wanted))
    for number, name, dtype, base, dictionary_json, data in con.execute(
        "SELECT block, name, dtype, base, dictionary_json, data FROM claim_column_data "
        f"WHERE name IN ({placeholders})",
        wanted,
    ):
        block = blocks.get(int(number))
        if block is None:
            continue
        block.columns[name] = EncodedColumn(dtype, int(base), bytes(data))
        if dictionary_json is not None:
            block.dictionaries[name] = json.loads(dictionary_json)
    chosen = set(numbers)
    return [b for n, b in sorted(blocks.items()) if n in chosen]


def _payers(session: Session) -> tuple[npt.NDArray[np.int64], tuple[str, ...]]:
    rows = session.execute(text("SELECT id, name FROM payer ORDER BY name, id")).all()
    return np.array([int(r.id) for r in rows], dtype=np.int64), tuple(str(r.name) for r in rows)


def _assemble(
    blocks: list[_Block],
    wanted: list[str],
    total: int,
    payer_ids: npt.NDArray[np.int64],
    payer_names: tuple[str, ...],
) -> ClaimColumns:
    arrays: dict[str, Any] = {}
    dictionaries: dict[str, tuple[str, ...]] = {"cpt": (), "denial_reason": ()}
    for name in ALL_FIELDS:
        if name not in wanted:
            arrays[name] = _absent(name, total)
        elif name in _DICTIONARY_FIELDS:
            arrays[name], dictionaries[name] = _merge_dictionary_column(blocks, name, total)
        elif name == "units":
            arrays[name] = _concat(blocks, name, total, np.float64)
        elif name == "payer":
            arrays[name] = _payer_index(_concat(blocks, name, total, np.int64), payer_ids)
        elif name == "status":
            arrays[name] = _concat(blocks, name, total, np.int8)
        elif name in _INT32_FIELDS:
            arrays[name] = _concat(blocks, name, total, np.int32)
        else:
            arrays[name] = _concat(blocks, name, total, np.int64)
    claim = arrays.pop("claim")
    return ClaimColumns(
        **arrays,
        claim=claim if "claim" in wanted else None,
        payer_names=payer_names if "payer" in wanted else (),
        cpt_codes=dictionaries["cpt"],
        reason_codes=dictionaries["denial_reason"],
    )


def _absent(name: str, total: int) -> npt.NDArray[Any]:
    """A read-only column of MISSING (no memory per line) for a field not asked for."""
    dtype: Any = np.int32
    fill: float = MISSING
    if name in _INT64_FIELDS:
        dtype = np.int64
    elif name == "units":
        dtype, fill = np.float64, np.nan
    elif name == "status":
        dtype, fill = np.int8, -1
    elif name in ("payer", *_DICTIONARY_FIELDS):
        fill = NO_REASON
    return np.broadcast_to(np.array(fill, dtype=dtype), (total,))


def _concat(blocks: list[_Block], name: str, total: int, dtype: Any) -> npt.NDArray[Any]:
    out = np.empty(total, dtype=dtype)
    pos = 0
    for block in blocks:
        column = block.columns[name]
        end = pos + block.n_lines
        if dtype is np.float64:
            out[pos:end] = decode_floats(column, block.n_lines)
        else:
            out[pos:end] = decode_ints(column, block.n_lines, dtype)
        pos = end
    return out


def _merge_dictionary_column(
    blocks: list[_Block], name: str, total: int
) -> tuple[npt.NDArray[np.int32], tuple[str, ...]]:
    """One sorted dictionary for all blocks, and every line's index into it."""
    merged = sorted({value for block in blocks for value in block.dictionaries[name]})
    position = {value: i for i, value in enumerate(merged)}
    out = np.empty(total, dtype=np.int32)
    pos = 0
    for block in blocks:
        local = decode_ints(block.columns[name], block.n_lines, np.int64, missing=NO_REASON)
        # One extra slot maps the local "none" (-1) to NO_REASON.
        remap = np.array([position[v] for v in block.dictionaries[name]] + [NO_REASON], np.int32)
        out[pos : pos + block.n_lines] = remap[local]
        pos += block.n_lines
    return out, tuple(merged)


def _payer_index(
    payer_id: npt.NDArray[np.int64], payer_ids: npt.NDArray[np.int64]
) -> npt.NDArray[np.int32]:
    """Store payer ids -> positions in the name-sorted payer dictionary."""
    if len(payer_id) == 0:
        return np.empty(0, np.int32)
    lookup = np.full(int(max(payer_ids.max(initial=0), payer_id.max())) + 1, -1, np.int32)
    lookup[payer_ids] = np.arange(len(payer_ids), dtype=np.int32)
    index = lookup[payer_id]
    if (index < 0).any():
        raise SnapshotMismatch("a claim line refers to a payer that is not in the payer table")
    return index
