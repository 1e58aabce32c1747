"""Split a stream of X12 text into numbered segments, a chunk at a time.

Only the unfinished tail of the last chunk is kept between reads, so memory stays
bounded however large the file is. Unless segments end at line breaks, every line
break is dropped: files wrapped at a fixed width, and breaks before or after the
terminator, read the same as a file on one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

from desktop.ingest.x12.delimiters import BLANKS, Delimiters

CHUNK_CHARS = 1 << 20
MAX_SEGMENT_CHARS = 1 << 20
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")


# One segment: its number in the file and its elements (``elements[0]`` is the id).
# A plain tuple: there are millions of them in a large file.
Segment = tuple[int, list[str]]


@dataclass(frozen=True, slots=True)
class BadSegment:
    """A piece between two terminators that is not a segment (no valid identifier)."""

    number: int
    overlong: bool = False  # no terminator for longer than MAX_SEGMENT_CHARS


@dataclass(frozen=True, slots=True)
class TruncatedSegment:
    """Text after the last terminator: the file was cut inside this segment.

    Its values cannot be trusted (an amount may have lost digits), so it is not read.
    A final IEA without its terminator is common and harmless; it is read normally.
    """

    number: int
    id: str  # the segment id when the text starts with one, else ""


def iter_segments(
    chunks: Iterable[str], delimiters: Delimiters
) -> Iterator[Segment | BadSegment | TruncatedSegment]:
    """Numbered segments of the text; empty pieces (doubled terminators) are not counted."""
    terminator = delimiters.segment
    element = delimiters.element
    drop = "\r" if terminator == "\n" else "\r\n"
    table = str.maketrans("", "", drop)
    valid_id = _SEGMENT_ID.fullmatch
    known_ids: set[str] = set()
    number = 0
    tail = ""
    overlong = False  # inside a piece already reported as too long
    for chunk in chunks:
        text = chunk.translate(table)
        if overlong:
            end = text.find(terminator)
            if end < 0:
                continue
            text, overlong = text[end + 1 :], False
        pieces = (tail + text).split(terminator)
        tail = pieces.pop()
        for piece in pieces:
            raw = piece.strip(BLANKS)
            if not raw:
                continue
            number += 1
            elements = raw.split(element)
            seg_id = elements[0]
            if seg_id not in known_ids:
                seg_id = seg_id.strip(BLANKS)
                if valid_id(seg_id) is None:
                    yield BadSegment(number)
                    continue
                elements[0] = seg_id
                if len(known_ids) < 256:
                    known_ids.add(seg_id)
            yield number, elements
        if len(tail) > MAX_SEGMENT_CHARS:
            # No real segment is this long: keep memory bounded, skip to the next terminator.
            number += 1
            yield BadSegment(number, overlong=True)
            tail, overlong = "", True
    raw = tail.strip(BLANKS)
    if raw:
        number += 1
        elements = raw.split(element)
        seg_id = elements[0].strip(BLANKS)
        if seg_id == "IEA":
            elements[0] = seg_id
            yield number, elements
        else:
            yield TruncatedSegment(number, seg_id if valid_id(seg_id) else "")


def read_chunks(stream: TextIO, first: str) -> Iterator[str]:
    """The already-read head, then the rest of a text stream in bounded chunks."""
    yield first
    while chunk := stream.read(CHUNK_CHARS):
        yield chunk
