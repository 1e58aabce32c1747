"""Claim lines and quality issues in and out of the store, in bulk, on the import's connection.

Writes use ``executemany`` on the DB-API connection that holds the import's
transaction. Missing values are bound as sentinels (``""``, ``MISSING``) and turned
into NULL by ``NULLIF`` in SQL: binding Python ``None`` costs an order of magnitude
more per value in the SQLite driver than binding a string or an integer.

Lines are upserted on (claim_id, line_number): a later export of the same line
replaces it (its first import is kept). Before a chunk is written, the stored lines
with the same keys are looked up in one query, to tell new lines from updates,
repeats within the file from repeats across files, and to complete 835 lines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from desktop.engines.columns import MISSING
from desktop.engines.line_batch import (
    STATUS_MISSING,
    BoolArray,
    LineBatch,
    object_array,
)
from desktop.engines.quality import Issue

# (batch field, SQL value expression): the order of the bound parameters
_BOUND: Final = (
    ("claim_id", "?"),
    ("line_number", "?"),
    ("payer_raw", "?"),
    ("payer_id", "?"),
    ("payer_x12_id", "NULLIF(?, '')"),
    ("cpt", "?"),
    ("modifiers", "NULLIF(?, '')"),
    ("units", "?"),
    ("place_of_service", "NULLIF(?, '')"),
    ("date_of_service", "?"),
    ("submitted_date", "?"),
    ("decision_date", f"NULLIF(?, {MISSING})"),
    ("paid_date", f"NULLIF(?, {MISSING})"),
    ("billed_cents", "?"),
    ("allowed_cents", f"NULLIF(?, {MISSING})"),
    ("paid_cents", f"NULLIF(?, {MISSING})"),
    ("status", "?"),
    ("carc_codes", "NULLIF(?, '')"),
    ("rarc_codes", "NULLIF(?, '')"),
    ("rendering_npi", "NULLIF(?, '')"),
)
_STORED_FIELDS: Final = tuple(name for name, _ in _BOUND)
_IMPORT_ID: Final = re.compile(r"[0-9a-f-]{36}")
_FORMATS: Final = frozenset({"csv", "835", "837"})
LOOKUP_KEYS_PER_QUERY: Final = 50_000


class LineWriter:
    """Writes accepted rows of one import: new keys by plain INSERT, the rest by upsert.

    The plain INSERT is cheaper than an upsert; it is only used for keys the lookup
    just found absent (in the same write transaction, so nothing can add them since).
    """

    def __init__(self, cursor: Any, import_id: str, source_format: str) -> None:
        if not _IMPORT_ID.fullmatch(import_id) or source_format not in _FORMATS:
            raise ValueError("an import id is a UUID and a format is csv, 835 or 837")
        self._cursor = cursor
        names = ", ".join(name for name, _ in _BOUND)
        values = ", ".join(expression for _, expression in _BOUND)
        updates = ", ".join(f"{n} = excluded.{n}" for n in _STORED_FIELDS[2:])
        # The import's id and format are literals, checked above: they are the same for
        # every row, and binding them would cost as much as three more columns.
        self._insert = (
            f"INSERT INTO claim_line ({names}, source_format, first_import_id, last_import_id) "
            f"VALUES ({values}, '{source_format}', '{import_id}', '{import_id}')"
        )
        self._upsert = (
            f"{self._insert} ON CONFLICT (claim_id, line_number) DO UPDATE SET {updates}, "
            "source_format = excluded.source_format, last_import_id = excluded.last_import_id"
        )

    def write(self, batch: LineBatch, fresh: BoolArray) -> None:
        """Store every row of ``batch``; ``fresh`` marks keys known to be absent and unrepeated.

        Fresh rows go first: a later repeat of a key in the batch then replaces them.
        """
        if len(batch) == 0:
            return
        if fresh.all():
            self._cursor.executemany(self._insert, _rows(batch))
            return
        self._cursor.executemany(self._insert, _rows(batch.take(np.flatnonzero(fresh))))
        self._cursor.executemany(self._upsert, _rows(batch.take(np.flatnonzero(~fresh))))


def _rows(batch: LineBatch) -> Iterator[tuple[Any, ...]]:
    columns = [getattr(batch, name).tolist() for name in _STORED_FIELDS]
    return zip(*columns, strict=True)


ISSUE_SQL: Final = (
    "INSERT INTO quality_issue (import_id, row_number, field, rule, severity, message) "
    "VALUES (?, NULLIF(?, 0), NULLIF(?, ''), ?, ?, ?)"
)


def insert_issues(cursor: Any, import_id: str, issues: list[Issue]) -> None:
    cursor.executemany(
        ISSUE_SQL,
        ((import_id, i.row or 0, i.field or "", i.rule, i.severity, i.message) for i in issues),
    )


@dataclass(frozen=True)
class StoredMatch:
    """Which batch rows have their key stored already, and by which import."""

    found: BoolArray
    by_this_import: BoolArray
    position: npt.NDArray[np.intp]  # the batch rows that were found
    rows: list[tuple[Any, ...]]  # their stored lines, in ``_STORED_FIELDS`` order + last import

    def conflict(self, batch: LineBatch) -> BoolArray:
        """Rows stored by an earlier import for another payer, cpt or date of service."""
        conflict = np.zeros(len(batch), bool)
        if not self.rows:
            return conflict
        at = self.position
        payer = np.array([r[3] for r in self.rows], dtype=np.int64)
        cpt = object_array([r[5] for r in self.rows])
        service = np.array([r[9] for r in self.rows], dtype=np.int64)
        differs = (
            (payer != batch.payer_id[at])
            | (cpt != batch.cpt[at])
            | (service != batch.date_of_service[at])
        )
        conflict[at] = differs & ~self.by_this_import[at]
        return conflict

    def stored_values(self, batch: LineBatch) -> LineBatch:
        """The stored lines aligned with ``batch`` (rows not found hold sentinels)."""
        n = len(batch)
        out: dict[str, Any] = {"row": batch.row}
        for k, name in enumerate(_STORED_FIELDS):
            template = getattr(batch, name)
            values = [r[k] for r in self.rows]
            if template.dtype == object:
                column = np.full(n, "", dtype=object)
                column[self.position] = object_array(["" if v is None else v for v in values])
            else:
                empty = STATUS_MISSING if name == "status" else MISSING
                column = np.full(n, empty, dtype=template.dtype)
                column[self.position] = [empty if v is None else v for v in values]
            out[name] = column
        return LineBatch(**out)


def match_stored(
    cursor: Any, batch: LineBatch, import_id: str, *, only: BoolArray | None = None
) -> StoredMatch:
    """Look up the stored lines with the batch's keys (one query per 50,000 claim ids);
    with ``only``, just those rows' keys (the others are known not to be stored)."""
    n = len(batch)
    codes, claim_ids = batch.factorized("claim_id")
    if only is None:
        wanted = [c for c in claim_ids.tolist() if c]
    else:
        wanted = [c for c in claim_ids[np.unique(codes[only])].tolist() if c]
    rows: dict[tuple[str, int], tuple[Any, ...]] = {}
    fields = ", ".join(_STORED_FIELDS)
    for start in range(0, len(wanted), LOOKUP_KEYS_PER_QUERY):
        cursor.execute(
            f"SELECT {fields}, last_import_id FROM claim_line "
            "WHERE claim_id IN (SELECT value FROM json_each(?))",
            (json.dumps(wanted[start : start + LOOKUP_KEYS_PER_QUERY]),),
        )
        for row in cursor.fetchall():
            rows[(row[0], row[1])] = row
    found = np.zeros(n, bool)
    by_this_import = np.zeros(n, bool)
    if not rows:
        return StoredMatch(found, by_this_import, np.empty(0, np.intp), [])
    keys = zip(batch.claim_id.tolist(), batch.line_number.tolist(), strict=True)
    position = np.array([i for i, key in enumerate(keys) if key in rows], dtype=np.intp)
    matched = [rows[(batch.claim_id[i], int(batch.line_number[i]))] for i in position]
    found[position] = True
    by_this_import[position] = [r[-1] == import_id for r in matched]
    return StoredMatch(found, by_this_import, position, matched)
