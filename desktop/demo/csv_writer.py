"""Writing a demo data set as a claims CSV of the contract format, fast and in chunks.

Every text column is a lookup into a small table of pre-formatted (and, where needed,
quoted) strings, and amounts are formatted once per distinct value, so a chunk of
lines becomes text with a handful of numpy takes and one join.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

from desktop.demo import phi_canary
from desktop.demo.config import DemoConfig
from desktop.demo.dataset import DemoDataset, from_day
from desktop.demo.generate import generate
from desktop.demo.truth import DemoTruth
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
STATUS_TEXT = {s: s.name.lower() for s in ClaimStatus}
CHUNK_LINES = 100_000
NEWLINE = "\r\n"  # RFC 4180

Progress = Callable[[int, int], None]
ObjectArray = npt.NDArray[np.object_]


def quote(value: str) -> str:
    """RFC 4180 quoting, only when the value needs it."""
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def table(values: list[str] | tuple[str, ...]) -> ObjectArray:
    return np.array([quote(v) for v in values], dtype=object)


def default_truth_path(out: Path) -> Path:
    return out.with_suffix(".truth.json")


def write_demo_csv(
    out: Path,
    *,
    seed: int = 1,
    lines: int = 100_000,
    months: int = 12,
    as_of: date | None = None,
    config: DemoConfig | None = None,
    truth_path: Path | None = None,
    phi_canary: bool = False,
    progress: Progress | None = None,
) -> DemoTruth:
    """Generate and write a claims CSV and its truth JSON; returns the truth.

    With ``config`` None, the default scenario of ``DemoConfig.default(seed, lines,
    months, as_of)`` is written; a given ``config`` is used as is. The truth goes to
    ``truth_path`` (default: ``out`` with the suffix ``.truth.json``). Both files are
    written to temporary names and renamed at the end: nothing half-written remains.
    """
    chosen = config or DemoConfig.default(seed, lines, months, as_of)
    dataset = generate(chosen)
    write_dataset_csv(out, dataset, phi_canary=phi_canary, progress=progress)
    atomic_write_text(truth_path or default_truth_path(out), dataset.truth.to_json())
    return dataset.truth


def write_dataset_csv(
    out: Path,
    dataset: DemoDataset,
    *,
    phi_canary: bool = False,
    progress: Progress | None = None,
) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = _partial_path(out)
    try:
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            header = list(CSV_COLUMNS)
            if phi_canary:
                header[1:1] = phi_canary_columns()
            handle.write(",".join(header) + NEWLINE)
            formatter = _ChunkFormatter(dataset, phi_canary=phi_canary)
            total = len(dataset)
            for start in range(0, total, CHUNK_LINES):
                stop = min(start + CHUNK_LINES, total)
                handle.write(formatter.rows(start, stop))
                if progress is not None:
                    progress(stop, total)
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def phi_canary_columns() -> list[str]:
    return list(phi_canary.PHI_CANARY_COLUMNS)


def atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _partial_path(path)
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _partial_path(path: Path) -> Path:
    """Where a file is written before it is renamed into place (same folder: same disk)."""
    return path.with_name(f".{path.name}.partial")


def format_cents(cents: npt.NDArray[np.int64]) -> ObjectArray:
    """``12345`` -> ``"123.45"``; ``MISSING`` -> ``""``; each distinct value formatted once."""
    unique, inverse = np.unique(cents, return_inverse=True)
    text = np.array(
        ["" if v == MISSING else f"{v // 100}.{v % 100:02d}" for v in unique.tolist()],
        dtype=object,
    )
    formatted: ObjectArray = text[inverse.reshape(-1)]
    return formatted


class _ChunkFormatter:
    def __init__(self, dataset: DemoDataset, *, phi_canary: bool) -> None:
        self.data = dataset
        self.phi_canary = phi_canary
        cols = dataset.columns
        claims = dataset.claims
        self.payer = table(list(cols.payer_names))
        self.payer_id = table([p.x12_id for p in dataset.payers])
        self.cpt = table(list(cols.cpt_codes))
        self.modifier = table(dataset.text.modifiers)
        self.carc = table(dataset.text.carc_codes)
        self.rarc = table(dataset.text.rarc_codes)
        self.npi = table(claims.npis)
        self.place = table(claims.places)
        self.status = np.array([STATUS_TEXT[ClaimStatus(v)] for v in range(4)], dtype=object)
        max_line = int(dataset.text.line_number.max(initial=1))
        self.line_number = np.array([str(n) for n in range(max_line + 1)], dtype=object)
        max_units = int(cols.units.max(initial=1))
        self.units = np.array([str(n) for n in range(max_units + 1)], dtype=object)
        days = np.concatenate([cols.date_of_service, cols.submitted_date, cols.decision_date])
        real = days[days != MISSING]
        self.first_day = int(real.min(initial=0))
        last_day = int(real.max(initial=0))
        # The last slot is the empty text of a missing date.
        self.dates = np.array(
            [from_day(d).isoformat() for d in range(self.first_day, last_day + 1)] + [""],
            dtype=object,
        )

    def _dates(self, days: npt.NDArray[np.int32]) -> ObjectArray:
        index = np.where(days == MISSING, len(self.dates) - 1, days - self.first_day)
        formatted: ObjectArray = self.dates[index]
        return formatted

    def rows(self, start: int, stop: int) -> str:
        data, cols = self.data, self.data.columns
        window = slice(start, stop)
        claim = data.text.claim[window]
        first_claim, last_claim = int(claim[0]), int(claim[-1])
        prefix = data.claim_id_prefix
        claim_ids = np.array(
            [f"{prefix}{c + 1:07d}" for c in range(first_claim, last_claim + 1)], dtype=object
        )
        local = claim - first_claim
        claim_payer = cols.payer[window]
        fields: list[ObjectArray] = [
            claim_ids[local],
            self.line_number[data.text.line_number[window]],
            self.payer[claim_payer],
            self.payer_id[claim_payer],
            self.cpt[cols.cpt[window]],
            self.modifier[data.text.modifier[window]],
            self.units[cols.units[window].astype(np.int64)],
            self.place[data.claims.place_of_service[claim]],
            self._dates(cols.date_of_service[window]),
            self._dates(cols.submitted_date[window]),
            self._dates(cols.decision_date[window]),
            self._dates(cols.paid_date[window]),
            format_cents(cols.billed_cents[window]),
            format_cents(cols.allowed_cents[window]),
            format_cents(cols.paid_cents[window]),
            self.status[cols.status[window]],
            self.carc[data.text.carc[window]],
            self.rarc[data.text.rarc[window]],
            self.npi[data.claims.npi[claim]],
        ]
        if self.phi_canary:
            patients = data.claims.patient[first_claim : last_claim + 1].tolist()
            canary = [
                table(list(column))
                for column in zip(*map(phi_canary.canary_values, patients), strict=True)
            ]
            fields[1:1] = [values[local] for values in canary]
        lists = [f.tolist() for f in fields]
        return NEWLINE.join(map(",".join, zip(*lists, strict=True))) + NEWLINE
