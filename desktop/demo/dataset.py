"""A generated demo data set: the engines' column batch plus the text a file writer needs.

Per-line text (modifiers, adjustment and remark codes, NPIs, places of service) is
dictionary-encoded like the columns, so a million lines stay small in memory; claim
ids are formatted on demand from the claim number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from desktop.demo.catalog import PayerInfo
from desktop.demo.config import DemoConfig
from desktop.demo.truth import DemoTruth
from desktop.engines.columns import ClaimColumns

EPOCH = date(1970, 1, 1)

Bools = npt.NDArray[np.bool_]
I8 = npt.NDArray[np.int8]
I16 = npt.NDArray[np.int16]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]


def to_day(day: date) -> int:
    """Days since 1970-01-01, the store's and the columns' date encoding."""
    return (day - EPOCH).days


def from_day(day: int) -> date:
    return EPOCH + timedelta(days=int(day))


@dataclass(frozen=True)
class LineText:
    """Per-line values that only files need, as indexes into small tables."""

    claim: I32  # claim number (0-based) of each line
    line_number: I16
    modifier: I16  # index into ``modifiers``
    carc: I32  # index into ``carc_codes``
    rarc: I16  # index into ``rarc_codes``
    modifiers: tuple[str, ...]  # "" = none; ``;``-separated as in the CSV
    carc_codes: tuple[str, ...]  # "" = none; e.g. "CO-45;PR-2"
    rarc_codes: tuple[str, ...]  # "" = none; e.g. "N30"


@dataclass(frozen=True)
class Adjustments:
    """Amounts (cents) behind each line's adjustment codes, for remittance files."""

    contractual: I64  # CO-45: billed - allowed
    deductible: I64  # PR-1
    coinsurance: I64  # PR-2
    copay: I64  # PR-3
    reduction: I64  # a payer rule that cut a paid line (status partial)


@dataclass(frozen=True)
class ClaimTable:
    """One row per claim; lines of claim ``i`` are ``first_line[i]:first_line[i+1]``."""

    first_line: I64  # length n_claims + 1
    payer: I32
    submitted: I32
    date_of_service: I32
    remittance: I32  # the payer's remittance day, even when after as_of (latent)
    patient: I32  # synthetic patient number (patients come back for more visits)
    npi: I16  # index into ``npis``
    place_of_service: I16  # index into ``places``
    npis: tuple[str, ...]
    places: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.payer)

    @property
    def days_to_pay(self) -> I32:
        """Every claim's true days from submission to remittance, before censoring."""
        lag: I32 = self.remittance - self.submitted
        return lag


@dataclass(frozen=True)
class DemoDataset:
    config: DemoConfig
    columns: ClaimColumns
    text: LineText
    adjustments: Adjustments
    claims: ClaimTable
    payers: tuple[PayerInfo, ...]
    truth: DemoTruth

    def __len__(self) -> int:
        return len(self.columns)

    @property
    def claim_id_prefix(self) -> str:
        return f"DM{self.config.seed}-"

    def claim_id(self, claim: int) -> str:
        return f"{self.claim_id_prefix}{claim + 1:07d}"

    def claim_ids(self, start: int = 0, stop: int | None = None) -> list[str]:
        """Claim ids of lines ``start:stop``, as the files carry them."""
        prefix = self.claim_id_prefix
        return [f"{prefix}{c + 1:07d}" for c in self.text.claim[start:stop].tolist()]

    def modifiers(self, start: int = 0, stop: int | None = None) -> list[str]:
        """Modifier text of lines ``start:stop`` ("" or e.g. "25;95")."""
        table = self.text.modifiers
        return [table[i] for i in self.text.modifier[start:stop].tolist()]

    def carc_codes(self, start: int = 0, stop: int | None = None) -> list[str]:
        """Adjustment reasons of lines ``start:stop`` ("" or e.g. "CO-45;PR-2")."""
        table = self.text.carc_codes
        return [table[i] for i in self.text.carc[start:stop].tolist()]

    def rarc_codes(self, start: int = 0, stop: int | None = None) -> list[str]:
        table = self.text.rarc_codes
        return [table[i] for i in self.text.rarc[start:stop].tolist()]

    def rendering_npis(self, start: int = 0, stop: int | None = None) -> list[str]:
        npis, npi = self.claims.npis, self.claims.npi
        return [npis[npi[c]] for c in self.text.claim[start:stop].tolist()]

    def places_of_service(self, start: int = 0, stop: int | None = None) -> list[str]:
        places, place = self.claims.places, self.claims.place_of_service
        return [places[place[c]] for c in self.text.claim[start:stop].tolist()]

    def payer_ids(self, start: int = 0, stop: int | None = None) -> list[str]:
        """X12 payer identifiers of lines ``start:stop``."""
        ids = [p.x12_id for p in self.payers]
        return [ids[p] for p in self.columns.payer[start:stop].tolist()]

    def payer_claim_number(self, claim: int) -> str:
        """The payer's own control number for a claim (835 CLP07)."""
        payer = self.payers[int(self.claims.payer[claim])]
        return f"{payer.x12_id}{self.config.seed % 1000:03d}{claim + 1:09d}"
