"""Completing remittance (835) lines with what is stored for the same claim line.

An 835 says what the payer decided and paid; it does not repeat the claim's
submission date, and may leave out other columns. Where the 835 row leaves a value
unset, the stored line's value is kept; a remittance line that matches no stored
line keeps only what the 835 says, and the quality engine explains what is missing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from desktop.engines.line_batch import BoolArray, LineBatch
from desktop.ingest.convert import ConvertedChunk
from desktop.ingest.line_store import StoredMatch


def merge_remittance(converted: ConvertedChunk, match: StoredMatch) -> tuple[LineBatch, BoolArray]:
    """The batch with unset values taken from the stored lines, and the rows that match none."""
    batch = converted.batch
    unset = converted.unset
    partial = np.zeros(len(batch), bool)
    for mask in unset.values():
        partial |= mask
    if not unset:
        return batch, partial
    stored = match.stored_values(batch)
    updates: dict[str, Any] = {}
    for name, mask in unset.items():
        take = mask & match.found
        if take.any():
            column = getattr(batch, name).copy()
            column[take] = getattr(stored, name)[take]
            updates[name] = column
    if "payer_raw" in unset:
        take = unset["payer_raw"] & match.found
        payer_id = batch.payer_id.copy()
        payer_id[take] = stored.payer_id[take]
        updates["payer_id"] = payer_id
    if not updates:
        return batch, partial & ~match.found
    factors = {k: v for k, v in batch.factors.items() if k not in updates}
    merged = replace(batch, **updates, factors=factors, memo={})
    return merged, partial & ~match.found
