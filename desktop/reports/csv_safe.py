"""CSV that a spreadsheet cannot execute: formula-like text cells are neutralised.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
(also after leading spaces) gets a leading apostrophe, so Excel, LibreOffice and
Google Sheets show it as text instead of evaluating it. Numbers written as numbers
(``int``/``float``, e.g. ``-12.5``) are left alone: they cannot carry a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(DANGEROUS_FIRST) or text.lstrip(" ").startswith(DANGEROUS_FIRST):
        return "'" + text
    return text


class SafeCsvWriter:
    """``csv.writer`` whose every row goes through ``neutralise``."""

    def __init__(self, stream: TextIO) -> None:
        self._writer = csv.writer(stream, lineterminator="\r\n")

    def writerow(self, row: Sequence[Any]) -> None:
        self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.writerow(row)
