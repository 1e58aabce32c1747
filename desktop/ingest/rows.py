"""The canonical rows every reader produces, in chunks, and the reader interface.

A reader (claims CSV, X12 835/837) yields ``RawChunk``s: columns of the claims-CSV
contract holding text in the contract's formats, one value per row, plus each row's
source position. ``None`` means "this file does not say: keep what is stored" and
only merge sources (835 remittances) use it; ``""`` means "empty".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from desktop.ingest.detect import FileFormat


@dataclass(frozen=True)
class RowProblem:
    """A row the reader could not read whole (e.g. fewer fields than the header)."""

    position: int
    message: str


@dataclass(frozen=True)
class FileFinding:
    """Something about the file as a whole, or a segment of it (X12 warnings, balancing)."""

    rule: str
    position: int | None
    message: str


Factors = tuple[npt.NDArray[np.int32], list[str | None]]


@dataclass
class RawChunk:
    positions: npt.NDArray[np.int64]
    columns: dict[str, list[str | None]]
    problems: list[RowProblem] = field(default_factory=list)
    _factors: dict[str, Factors] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.positions)

    def factorized(self, column: str) -> Factors:
        """The column as a code per row into its distinct cells (computed once, shared by
        the PHI guard and the conversion: the per-row work is one pass in C)."""
        if column not in self._factors:
            cells = self.columns[column]
            index = _Codes()
            codes = np.fromiter(map(index.__getitem__, cells), np.int32, count=len(cells))
            self._factors[column] = (codes, list(index))
        return self._factors[column]


class _Codes(dict[str | None, int]):
    """Cell -> code, the next free code given to each cell not seen before: one pass in C
    over the cells (a plain dict lookup per cell) and a Python call per distinct one."""

    def __missing__(self, cell: str | None) -> int:
        code = self[cell] = len(self)
        return code


class SourceReader(Protocol):
    """What the pipeline needs from a reader of one file."""

    @property
    def format(self) -> FileFormat: ...

    @property
    def merges(self) -> bool:
        """True when ``None`` values mean "keep what is stored" (835 remittances)."""
        ...

    @property
    def columns(self) -> tuple[str, ...]:
        """The contract columns this file provides."""
        ...

    def chunks(self, rows: int) -> Iterator[RawChunk]:
        """The rows, ``rows`` at a time, read lazily: the file is never held whole."""
        ...

    def bytes_read(self) -> int:
        """How far into the file reading has got (for progress)."""
        ...

    def findings(self) -> list[FileFinding]:
        """File-level findings; complete once ``chunks`` is exhausted."""
        ...

    def close(self) -> None: ...
