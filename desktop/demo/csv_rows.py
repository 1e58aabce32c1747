"""Turning chunks of demo lines into claims-CSV text, fast.

A row is joined from ten pieces rather than nineteen fields: neighbouring columns
that take few distinct values together are rendered once per distinct combination
(``payer,payer_id``; ``cpt,modifiers,units``; ``status,carc,rarc,npi`` …), claim-level
columns once per claim, and amounts once per distinct value. Then one ``str.join``
per row does the rest: about a microsecond a line.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from desktop.demo import phi_canary
from desktop.demo.dataset import DemoDataset, from_day
from desktop.engines.columns import MISSING
from desktop.store.models.claims import ClaimStatus

CSV_COLUMNS = (
    "claim_id",
    "line_number",
    "payer",
    "payer_id",
    "cpt",
    "modifiers",
    "units",
    "place_of_service",
    "date_of_service",
    "submitted_date",
    "decision_date",
    "paid_date",
    "billed_amount",
    "allowed_amount",
    "paid_amount",
    "status",
    "carc_codes",
    "rarc_codes",
    "rendering_npi",
)
NEWLINE = "\r\n"  # RFC 4180
STATUS_TEXT = {s: s.name.lower() for s in ClaimStatus}

ObjectArray = npt.NDArray[np.object_]
Keys = npt.NDArray[np.int64]


def quote(value: str) -> str:
    """RFC 4180 quoting, only when the value needs it."""
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def header(*, with_phi_canary: bool) -> str:
    names = list(CSV_COLUMNS)
    if with_phi_canary:
        names[1:1] = phi_canary.PHI_CANARY_COLUMNS
    return ",".join(names) + NEWLINE


def render_distinct(keys: Keys, render: Callable[[int], str]) -> ObjectArray:
    """``render(key)`` for every entry, calling ``render`` once per distinct key."""
    unique, inverse = np.unique(keys, return_inverse=True)
    texts = np.array([render(k) for k in unique.tolist()], dtype=object)
    rendered: ObjectArray = texts[inverse.reshape(-1)]
    return rendered


def render_cents(cents: npt.NDArray[np.int64]) -> ObjectArray:
    """``12345`` -> ``"123.45"``, ``MISSING`` -> ``""``; each distinct amount formatted once."""
    unique, inverse = np.unique(cents, return_inverse=True)
    values = unique.tolist()
    texts = [f"{v // 100}.{v % 100:02d}" for v in values]
    if values and values[0] == MISSING:  # the smallest value, when present
        texts[0] = ""
    rendered: ObjectArray = np.array(texts, dtype=object)[inverse.reshape(-1)]
    return rendered


class RowFormatter:
    """Formats lines ``start:stop`` of one data set; tables are built once per data set."""

    def __init__(self, dataset: DemoDataset, *, with_phi_canary: bool) -> None:
        self.data = dataset
        self.with_phi_canary = with_phi_canary
        cols, text = dataset.columns, dataset.text
        self.payer = np.array(
            [
                f"{quote(n)},{quote(p.x12_id)}"
                for n, p in zip(cols.payer_names, dataset.payers, strict=True)
            ],
            dtype=object,
        )
        self.cpt = [quote(c) for c in cols.cpt_codes]
        self.modifiers = [quote(m) for m in text.modifiers]
        self.places = [quote(p) for p in dataset.claims.places]
        self.status = [STATUS_TEXT[ClaimStatus(v)] for v in range(len(ClaimStatus))]
        self.carc = [quote(c) for c in text.carc_codes]
        self.rarc = [quote(r) for r in text.rarc_codes]
        self.npis = [quote(n) for n in dataset.claims.npis]
        self.n_units = int(cols.units.max(initial=1)) + 1
        max_line = int(text.line_number.max(initial=1))
        self.line_number = np.array([str(n) for n in range(max_line + 1)], dtype=object)
        days = np.concatenate([cols.date_of_service, cols.decision_date])
        self.first_day = int(days[days != MISSING].min(initial=0))
        self.last_day = int(cols.decision_date.max(initial=self.first_day))
        self.last_day = max(self.last_day, int(cols.submitted_date.max(initial=0)))
        self.dates = [from_day(d).isoformat() for d in range(self.first_day, self.last_day + 1)]
        # decision_date,paid_date: ",", "DAY," or "DAY,DAY" for pending, unpaid, paid lines.
        self.decided = np.array(
            [","] + [f"{d}," + (d if paid else "") for d in self.dates for paid in (0, 1)],
            dtype=object,
        )

    def rows(self, start: int, stop: int) -> str:
        data, cols, text = self.data, self.data.columns, self.data.text
        window = slice(start, stop)
        claim = text.claim[window]
        first_claim, last_claim = int(claim[0]), int(claim[-1])
        local = claim - first_claim
        claim_pieces = self._claim_pieces(first_claim, last_claim + 1)
        code_key = (
            cols.cpt[window].astype(np.int64) * len(self.modifiers) + text.modifier[window]
        ) * self.n_units + cols.units[window].astype(np.int64)
        decision = cols.decision_date[window]
        pending = decision == MISSING
        day = np.where(pending, self.first_day, decision).astype(np.int64) - self.first_day
        paid = cols.paid_date[window] != MISSING
        decided_key = np.where(pending, 0, 1 + day * 2 + paid)
        outcome_key = (
            (cols.status[window].astype(np.int64) * len(self.carc) + text.carc[window])
            * len(self.rarc)
            + text.rarc[window]
        ) * len(self.npis) + data.claims.npi[claim]
        pieces: list[ObjectArray] = [
            claim_pieces[0][local],
            *(piece[local] for piece in claim_pieces[2:]),
            self.line_number[text.line_number[window]],
            self.payer[cols.payer[window]],
            render_distinct(code_key, self._code_text),
            claim_pieces[1][local],
            self.decided[decided_key],
            render_cents(cols.billed_cents[window]),
            render_cents(cols.allowed_cents[window]),
            render_cents(cols.paid_cents[window]),
            render_distinct(outcome_key, self._outcome_text),
        ]
        lists = [piece.tolist() for piece in pieces]
        return NEWLINE.join(map(",".join, zip(*lists, strict=True))) + NEWLINE

    def _claim_pieces(self, first: int, stop: int) -> list[ObjectArray]:
        """Per claim: its id, ``place,date_of_service,submitted_date``, and PHI canary."""
        claims = self.data.claims
        prefix = self.data.claim_id_prefix
        ids = np.array([f"{prefix}{c + 1:07d}" for c in range(first, stop)], dtype=object)
        dates, places = self.dates, self.places
        visits = zip(
            claims.place_of_service[first:stop].tolist(),
            (claims.date_of_service[first:stop] - self.first_day).tolist(),
            (claims.submitted[first:stop] - self.first_day).tolist(),
            strict=True,
        )
        visit = np.array([f"{places[p]},{dates[s]},{dates[u]}" for p, s, u in visits], dtype=object)
        pieces = [ids, visit]
        if self.with_phi_canary:
            patients = claims.patient[first:stop].tolist()
            canary = [",".join(map(quote, phi_canary.canary_values(p))) for p in patients]
            pieces.append(np.array(canary, dtype=object))
        return pieces

    def _code_text(self, key: int) -> str:
        rest, units = divmod(key, self.n_units)
        cpt, modifier = divmod(rest, len(self.modifiers))
        return f"{self.cpt[cpt]},{self.modifiers[modifier]},{units}"

    def _outcome_text(self, key: int) -> str:
        rest, npi = divmod(key, len(self.npis))
        rest, rarc = divmod(rest, len(self.rarc))
        status, carc = divmod(rest, len(self.carc))
        return f"{self.status[status]},{self.carc[carc]},{self.rarc[rarc]},{self.npis[npi]}"
