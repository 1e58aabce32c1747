"""Streaming reader of claims CSV files: a block of rows at a time, never the whole file.

RFC 4180 quoting (fields with commas, quotes and line breaks), any line ends, the
encoding found by ``detect``. A row with more or fewer fields than the header (a
truncated last line, a stray delimiter) is reported as a problem of that row, not
guessed at. Blank lines are skipped but still counted, so row numbers match what a
spreadsheet shows (data row N is spreadsheet row N + 1).

Most exports quote nothing. For those, a block of text is split on the delimiter in
one go after numpy has checked that every line has the header's number of fields,
which is several times faster than the csv module. The first quote hands the rest
of the file to the csv module (a quoted field may hold a delimiter or span lines);
a block with ragged or blank lines goes to it alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import BinaryIO

import numpy as np

from desktop.errors import InvalidInput
from desktop.ingest.column_mappings import ColumnMappingInfo
from desktop.ingest.csv_layout import CsvLayout, resolve_layout
from desktop.ingest.detect import FileFacts, FileFormat
from desktop.ingest.phi_policy import PhiPolicy
from desktop.ingest.rows import FileFinding, RawChunk, RowProblem

MappingLookup = Callable[[list[str]], ColumnMappingInfo | None]
CHARS_PER_ROW_GUESS = 160
MIN_BLOCK_CHARS = 1024
MAX_BLOCK_CHARS = 32 * 1024 * 1024
MAX_LINE_CHARS = 16 * 1024 * 1024  # a "line" longer than this is not a claims export
_BLANK = " \t"


class CsvReader:
    """Opens the file and reads its header at once; ``chunks`` reads the rest lazily."""

    def __init__(
        self,
        facts: FileFacts,
        policy: PhiPolicy,
        find_mapping: MappingLookup,
        *,
        layout: CsvLayout | None = None,
    ) -> None:
        """Read the header and resolve the layout (or check the header against ``layout``,
        already resolved by the process that hands this reader's chunks to the import)."""
        self._name = facts.path.name
        self._records = 0
        self._carry = ""  # the start of a line whose end is in the next block
        self._csv: Iterator[list[str]] | None = None
        self._binary: BinaryIO = facts.path.open("rb")
        try:
            self._text = io.TextIOWrapper(self._binary, encoding=facts.encoding, newline="")
            header = self._read_header()
            if layout is None:
                layout = resolve_layout(self._name, header, policy, find_mapping(header))
            elif tuple(h.strip() for h in header) != layout.headers:
                raise InvalidInput(f"{self._name}: the file changed while it was being imported")
            self.layout: CsvLayout = layout
        except BaseException:
            self._binary.close()
            raise

    @property
    def format(self) -> FileFormat:
        return "csv"

    @property
    def merges(self) -> bool:
        return False

    @property
    def columns(self) -> tuple[str, ...]:
        return self.layout.columns

    def bytes_read(self) -> int:
        return self._binary.tell()

    def findings(self) -> list[FileFinding]:
        return []

    def close(self) -> None:
        self._text.close()

    def chunks(self, rows: int) -> Iterator[RawChunk]:
        block_chars = min(max(rows * CHARS_PER_ROW_GUESS, MIN_BLOCK_CHARS), MAX_BLOCK_CHARS)
        while True:
            first = self._records + 1
            if self._csv is None:
                block = self._read_block(block_chars)
                if not block:
                    return
                if '"' in block:
                    lines = chain(io.StringIO(block, newline=""), self._rest())
                    self._csv = self._csv_reader(lines)
                else:
                    plain = self._split_plain(block)
                    if plain is not None:
                        columns, count = plain
                        self._records += count
                        positions = np.arange(first, first + count, dtype=np.int64)
                        yield RawChunk(positions, self._select(columns))
                        continue
                    records = self._parse(self._csv_reader(io.StringIO(block, newline="")), -1)
            if self._csv is not None:
                records = self._parse(self._csv, rows)
                if not records:
                    return
            self._records += len(records)
            chunk = self._chunk(records, first)
            if len(chunk):
                yield chunk

    # --- internals ----------------------------------------------------------------

    def _read_header(self) -> list[str]:
        try:
            first_line = self._text.readline(MAX_LINE_CHARS)
        except UnicodeDecodeError as exc:
            raise self._decode_error(exc) from exc
        if not first_line.strip():
            raise InvalidInput(f"{self._name}: the first line is empty; a header row is needed")
        self._delimiter = _delimiter(first_line)
        if '"' in first_line:  # a quoted header: let the csv module read it and all the rest
            self._csv = self._csv_reader(chain([first_line], self._text))
            header = self._parse(self._csv, 1)[0]
        else:
            header = next(csv.reader([first_line], delimiter=self._delimiter))
        return [h.strip().lstrip("\ufeff") for h in header]

    def _csv_reader(self, lines: Iterable[str]) -> Iterator[list[str]]:
        return csv.reader(lines, delimiter=self._delimiter, strict=False)

    def _rest(self) -> Iterator[str]:
        """The lines after the last block, the carried start of a line completed first."""
        if self._carry:
            carry, self._carry = self._carry, ""
            yield carry + self._text.readline()
        yield from self._text

    def _read_block(self, chars: int) -> str:
        """About ``chars`` characters of whole lines ("" at the end of the file)."""
        try:
            text = self._carry + self._text.read(chars)
            while text and _last_line_end(text) < 0:
                more = self._text.read(chars)
                if not more:
                    break  # the file's last line has no line end
                text += more
                if len(text) > MAX_LINE_CHARS:
                    raise InvalidInput(
                        f"{self._name}: row {self._records + 1} is longer than "
                        f"{MAX_LINE_CHARS // 2**20} MB; this is not a claims export"
                    )
            if text.endswith("\r"):
                text += self._text.read(1)  # keep a CR LF pair in one block
        except UnicodeDecodeError as exc:
            raise self._decode_error(exc) from exc
        end = _last_line_end(text) + 1
        if end in (0, len(text)):
            self._carry = ""
            return text
        self._carry = text[end:]
        return text[:end]

    def _split_plain(self, block: str) -> tuple[list[list[str]], int] | None:
        """The block's cells by column and its row count, if every line has the header's shape."""
        if "\r" in block:
            block = block.replace("\r\n", "\n").replace("\r", "\n")
        block = block.removesuffix("\n")
        width, delimiter = self.layout.width, self._delimiter
        encoded = block.encode("utf-8")
        data = np.frombuffer(encoded, dtype=np.uint8)
        line_ends = np.append(np.flatnonzero(data == 10), data.size)
        delimiters = np.flatnonzero(data == ord(delimiter))
        if np.any(np.diff(np.searchsorted(delimiters, line_ends), prepend=0) != width - 1):
            return None
        # A row of empty cells is short: the few short lines are looked at one by one.
        lengths = np.diff(line_ends, prepend=-1) - 1
        short = np.flatnonzero(lengths < 3 * width)
        blank = (_BLANK + delimiter).encode()
        for start, length in zip(line_ends[short] - lengths[short], lengths[short], strict=True):
            if not encoded[start : start + length].strip(blank):
                return None  # the csv path skips it as a blank line
        cells = block.replace("\n", delimiter).split(delimiter)
        return [cells[i::width] for i in range(width)], int(line_ends.size)

    def _select(self, by_position: list[list[str]]) -> dict[str, list[str | None]]:
        columns: dict[str, list[str | None]] = {}
        for column, sources in self.layout.sources.items():
            if len(sources) == 1:
                columns[column] = by_position[sources[0]]  # type: ignore[assignment]
            else:  # numbered modifier columns -> "25;59"
                parts = zip(*(by_position[s] for s in sources), strict=True)
                columns[column] = [";".join(p.strip() for p in row if p.strip()) for row in parts]
        return columns

    def _parse(self, reader: Iterator[list[str]], rows: int) -> list[list[str]]:
        try:
            return list(reader if rows < 0 else islice(reader, rows))
        except csv.Error as exc:
            raise InvalidInput(
                f"{self._name}: row {self._records + 1} or soon after cannot be read as CSV "
                f"({exc}); check for an unclosed quote"
            ) from exc
        except UnicodeDecodeError as exc:
            raise self._decode_error(exc) from exc

    def _decode_error(self, exc: UnicodeDecodeError) -> InvalidInput:
        return InvalidInput(
            f"{self._name}: the text is not valid {exc.encoding} near row "
            f"{self._records + 1}; save the file as UTF-8"
        )

    def _chunk(self, records: list[list[str]], first: int) -> RawChunk:
        width = self.layout.width
        problems: list[RowProblem] = []
        kept: list[list[str]] = []
        positions: list[int] = []
        for offset, record in enumerate(records):
            if len(record) != width:
                if not any(field.strip() for field in record):
                    continue  # a blank line, or a row of empty cells
                problems.append(_shape_problem(first + offset, len(record), width))
                kept.append((record + [""] * width)[:width])
            elif not any(field.strip() for field in record):
                continue
            else:
                kept.append(record)
            positions.append(first + offset)
        by_position = [list(c) for c in zip(*kept, strict=True)] if kept else [[]] * width
        return RawChunk(np.array(positions, dtype=np.int64), self._select(by_position), problems)


def _last_line_end(text: str) -> int:
    """Where the last line of ``text`` ends (its CR or LF), -1 if no line does."""
    end = max(text.rfind("\n"), text.rfind("\r"))
    if 0 <= end < len(text) - 1 and text[end] == "\r" and text[end + 1] == "\n":
        end += 1
    return end


def _delimiter(header_line: str) -> str:
    """Comma per the contract; a header with tabs or semicolons and no comma says otherwise."""
    if "," in header_line:
        return ","
    if "\t" in header_line:
        return "\t"
    if ";" in header_line:
        return ";"
    return ","


def _shape_problem(position: int, found: int, width: int) -> RowProblem:
    if found < width:
        return RowProblem(
            position,
            f"the row has {found} fields but the header has {width} "
            "(an incomplete or truncated line?)",
        )
    return RowProblem(
        position,
        f"the row has {found} fields but the header has {width} (an unquoted comma?)",
    )
