"""``read_x12``: one file -> ``X12File``, streaming.

The envelope (ISA/GS/ST ... SE/GE/IEA) is followed here; the segments of each
transaction set go to the 835 or 837 parser as they are read, so no more than one
segment is held at a time. Envelope damage (missing SE, wrong counts, a stray
segment between transaction sets) becomes warnings. Only content that is not X12,
or X12 without any 835 or 837, raises.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from desktop.ingest.x12.claim_parser import ClaimBatchParser
from desktop.ingest.x12.delimiters import detect_delimiters, strip_preamble
from desktop.ingest.x12.elements import Composites, WarningLog, element
from desktop.ingest.x12.errors import UnsupportedX12Error
from desktop.ingest.x12.model import (
    ClaimBatch,
    Remittance,
    X12File,
    X12Kind,
    X12Warning,
)
from desktop.ingest.x12.remittance_parser import RemittanceParser
from desktop.ingest.x12.segments import (
    BadSegment,
    TruncatedSegment,
    iter_segments,
    read_chunks,
)
from desktop.ingest.x12.settlement import settle

HEAD_CHARS = 64 * 1024
_FUNCTIONAL_GROUPS: dict[str, X12Kind] = {"HP": "835", "HC": "837"}
_ENVELOPE_IDS = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})


def read_x12(path: Path) -> X12File:
    """Read an 835 or 837 file. Raises ``X12ReadError`` (an ``InvalidInput``) if it is
    not X12 or holds no 835/837; ``OSError`` if it cannot be opened."""
    with path.open("r", encoding="utf-8", errors="replace", newline="") as stream:
        return read_x12_stream(stream)


def read_x12_stream(stream: TextIO) -> X12File:
    """Like ``read_x12``, from an open text stream."""
    head = strip_preamble(stream.read(HEAD_CHARS))
    delimiters = detect_delimiters(head)
    log = WarningLog()
    envelope = _Envelope(Composites(delimiters.component, delimiters.element, log), log)
    for item in iter_segments(read_chunks(stream, head), delimiters):
        if isinstance(item, tuple):
            envelope.segment(*item)
        else:
            envelope.damaged(item)
    return envelope.finish()


class _Envelope:
    def __init__(self, composites: Composites, log: WarningLog) -> None:
        self._composites = composites
        self._log = log
        self._kind: X12Kind | None = None
        self._version: str | None = None
        self._functional_group = ""
        self._remittances: list[Remittance] = []
        self._batches: list[ClaimBatch] = []
        self._other_sets: set[str] = set()
        self._isa: int | None = None
        self._gs: int | None = None
        self._groups_in_isa = 0
        self._sets_in_gs = 0
        self._parser: RemittanceParser | ClaimBatchParser | None = None
        self._st: int | None = None  # ST of the open transaction set (read or skipped)
        self._st_control = ""
        self._count = 0  # segments since ST, for SE01
        self._last = 0

    def segment(self, number: int, elements: list[str]) -> None:
        self._last = number
        seg_id = elements[0]
        if seg_id not in _ENVELOPE_IDS:
            if self._st is not None:
                self._count += 1
                if self._parser is not None:
                    self._parser.feed(number, elements)
            else:
                self._log.add(
                    number, f"{seg_id} outside a transaction set (no ST before it); skipped."
                )
        elif seg_id == "ISA":
            self._isa_segment(number)
        elif seg_id == "GS":
            self._gs_segment(number, elements)
        elif seg_id == "ST":
            self._st_segment(number, elements)
        elif seg_id == "SE":
            self._se_segment(number, elements)
        elif seg_id == "GE":
            self._ge_segment(number, elements)
        else:
            self._iea_segment(number, elements)

    def damaged(self, item: BadSegment | TruncatedSegment) -> None:
        """A piece that is not a segment, or a last segment cut by the end of the file."""
        self._last = item.number
        if isinstance(item, TruncatedSegment):
            self._log.add(
                item.number,
                "The file ends inside this segment (no terminator after it): the file looks "
                "truncated, and the segment is not read.",
            )
            if self._parser is not None:
                self._parser.skip_damaged(item.id)
            return
        if self._st is not None:
            self._count += 1
        if item.overlong:
            self._log.add(
                item.number,
                "Text far longer than any segment, with no terminator: skipped up to the "
                "next terminator.",
            )
        else:
            self._log.add(item.number, "Not a segment (no valid segment identifier); skipped.")

    def finish(self) -> X12File:
        if self._st is not None:
            self._log.add(
                self._last,
                f"The file ends inside the transaction set that starts at segment {self._st} "
                "(no SE): it may be truncated; what was read is kept.",
            )
            self._close_set()
        if self._gs is not None:
            self._log.add(self._last, f"The functional group at segment {self._gs} has no GE.")
        if self._isa is not None:
            self._log.add(self._last, f"The interchange at segment {self._isa} has no IEA.")
        kind = self._kind or _FUNCTIONAL_GROUPS.get(self._functional_group)
        if kind is None:
            found = ", ".join(sorted(self._other_sets)) or "none"
            raise UnsupportedX12Error(
                f"The file is X12 but holds no 835 or 837 transaction set (found: {found})."
            )
        if self._kind is None:
            self._log.add(self._last, "The file holds no transaction set (no ST segment).")
        extra = (
            settle(self._remittances).warnings if kind == "835" else _repeated_claims(self._batches)
        )
        for warning in extra:
            self._log.add(warning.segment, warning.message)
        warnings = tuple(sorted(self._log.freeze(), key=lambda w: w.segment))
        return X12File(
            kind=kind,
            version=self._version,
            remittances=tuple(self._remittances),
            claim_batches=tuple(self._batches),
            warnings=warnings,
        )

    # -- envelope segments ------------------------------------------------

    def _isa_segment(self, number: int) -> None:
        if self._st is not None:
            self._log.add(
                number, f"ISA before the SE of the transaction set at segment {self._st}."
            )
            self._close_set()
        if self._isa is not None:
            self._log.add(number, f"ISA before the IEA of the interchange at segment {self._isa}.")
        self._isa = number
        self._groups_in_isa = 0

    def _gs_segment(self, number: int, el: list[str]) -> None:
        if self._gs is not None:
            self._log.add(number, f"GS before the GE of the group at segment {self._gs}.")
        self._gs = number
        self._groups_in_isa += 1
        self._sets_in_gs = 0
        self._functional_group = self._functional_group or element(el, 1)
        self._version = self._version or element(el, 8) or None

    def _st_segment(self, number: int, el: list[str]) -> None:
        if self._st is not None:
            self._log.add(number, f"ST before the SE of the transaction set at segment {self._st}.")
            self._close_set()
        self._st = number
        self._st_control = element(el, 2)
        self._count = 1
        self._sets_in_gs += 1
        set_id = element(el, 1)
        if set_id not in ("835", "837"):
            self._other_sets.add(set_id[:3] or "?")
            self._log.add(number, f"Transaction set {set_id[:3]!r} is not an 835 or 837; skipped.")
            return
        if self._kind is None:
            self._kind = "835" if set_id == "835" else "837"
            self._version = self._version or element(el, 3) or None
        elif set_id != self._kind:
            self._log.add(number, f"An {set_id} transaction set in an {self._kind} file; skipped.")
            return
        if set_id == "835":
            self._parser = RemittanceParser(number, self._st_control, self._composites, self._log)
        else:
            self._parser = ClaimBatchParser(number, self._st_control, self._composites, self._log)

    def _se_segment(self, number: int, el: list[str]) -> None:
        if self._st is None:
            self._log.add(number, "SE without an ST before it; skipped.")
            return
        self._count += 1
        if element(el, 1) != str(self._count):
            self._log.add(
                number,
                f"SE01 does not match the {self._count} segments of the transaction set "
                f"starting at segment {self._st}.",
            )
        if element(el, 2) != self._st_control:
            self._log.add(number, "SE02 does not match the control number in ST02.")
        self._close_set()

    def _ge_segment(self, number: int, el: list[str]) -> None:
        if element(el, 1) != str(self._sets_in_gs):
            self._log.add(
                number, f"GE01 does not match the {self._sets_in_gs} transaction sets of the group."
            )
        self._gs = None

    def _iea_segment(self, number: int, el: list[str]) -> None:
        if element(el, 1) != str(self._groups_in_isa):
            self._log.add(
                number,
                f"IEA01 does not match the {self._groups_in_isa} functional groups of the "
                "interchange.",
            )
        self._isa = None

    def _close_set(self) -> None:
        parser = self._parser
        if isinstance(parser, RemittanceParser):
            self._remittances.append(parser.finish())
        elif isinstance(parser, ClaimBatchParser):
            self._batches.append(parser.finish())
        self._parser = None
        self._st = None


def _repeated_claims(batches: list[ClaimBatch]) -> tuple[X12Warning, ...]:
    """An 837 that sends one claim id twice: its later lines replace the earlier."""
    seen: set[str] = set()
    warned: set[str] = set()
    warnings: list[X12Warning] = []
    for batch in batches:
        for claim in batch.claims:
            if claim.claim_id in seen and claim.claim_id not in warned:
                warned.add(claim.claim_id)
                warnings.append(
                    X12Warning(
                        claim.segment,
                        f"Claim {claim.claim_id} is sent more than once in this file; for "
                        "lines with the same number the later one is used.",
                    )
                )
            seen.add(claim.claim_id)
    return tuple(warnings)
