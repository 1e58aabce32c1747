"""The keys an import has written so far, in fixed memory (a Bloom filter).

When an import starts on a store without claim lines, the only stored lines it can
meet are its own, from earlier chunks. Rather than asking the store about every key
of every chunk, it asks only about the keys this filter may have seen: a false
"maybe" costs one lookup more, and a "no" is always right. 16 MiB of bits keep false
"maybe"s below 1 in 100 up to about ten million lines, whatever the file's size.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from desktop.engines.line_batch import INVALID, BoolArray, LineBatch

BITS_LOG2: Final = 27  # 2**27 bits = 16 MiB
_MULTIPLIERS: Final = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
)
_SHIFT: Final = np.uint64(64 - BITS_LOG2)


class SeenKeys:
    def __init__(self) -> None:
        self._bits = np.zeros(1 << (BITS_LOG2 - 3), dtype=np.uint8)

    def add(self, batch: LineBatch, rows: BoolArray) -> None:
        for position in self._positions(batch):
            chosen = position[rows]
            np.bitwise_or.at(self._bits, chosen >> 3, (1 << (chosen & 7)).astype(np.uint8))

    def may_contain(self, batch: LineBatch) -> BoolArray:
        maybe = np.ones(len(batch), bool)
        for position in self._positions(batch):
            maybe &= (self._bits[position >> 3] >> (position & 7).astype(np.uint8)) & 1 == 1
        return maybe

    def _positions(self, batch: LineBatch) -> list[npt.NDArray[np.uint64]]:
        """The bits of each row's key (computed once per batch: asked, then added)."""
        if "seen_positions" not in batch.memo:
            codes, claim_ids = batch.factorized("claim_id")
            hashes = np.fromiter(map(hash, claim_ids), np.int64, count=len(claim_ids))
            line = batch.line_number.clip(INVALID, None).astype(np.uint64)
            with np.errstate(over="ignore"):
                key = hashes.view(np.uint64)[codes] * _MULTIPLIERS[0] + line
                key ^= key >> np.uint64(31)
                batch.memo["seen_positions"] = [(key * m) >> _SHIFT for m in _MULTIPLIERS]
        positions: list[npt.NDArray[np.uint64]] = batch.memo["seen_positions"]
        return positions
