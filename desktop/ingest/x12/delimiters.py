"""Find the separators of an X12 file from its first segment.

With an envelope the ISA says it all: the element separator is the character after
``ISA``, ISA16 is the component separator and the character after ISA16 ends the
segment. The ISA is found by counting separators, not by fixed offsets, so ISA
fields that are not padded to their fixed width still work. A file that starts at
``GS`` or ``ST`` has no ISA: the element separator follows the segment id and the
terminator is the first character that cannot belong to the segment; the component
separator is then learnt from the first composite element (see ``composites``).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.ingest.x12.errors import NotX12Error

ISA_ELEMENTS = 16
BLANKS = " \t\r\n\x0b\x0c"
_NEWLINES = "\r\n"
_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Delimiters:
    element: str
    segment: str  # "\n" when segments end at line breaks
    component: str | None  # None when the file has no ISA to declare it
    repetition: str | None = None  # ISA11 in 005010; None in 004010 (ISA11 = "U")


def strip_preamble(text: str) -> str:
    """Drop a byte-order mark and leading whitespace."""
    return text.lstrip(_BOM + BLANKS)


def _is_separator(char: str) -> bool:
    # Control characters (FS, GS, US: \x1c-\x1f) are valid X12 separators, so only
    # ordinary blanks are excluded, not everything str.isspace() calls a space.
    return not char.isalnum() and char not in BLANKS


def detect_delimiters(head: str) -> Delimiters:
    """Delimiters from the start of the file; raises ``NotX12Error`` when it is not X12."""
    text = strip_preamble(head)
    if not text:
        raise NotX12Error("The file is empty.")
    if text.startswith("ISA"):
        return _from_isa(text)
    if text.startswith(("ST", "GS")):
        return _from_first_segment(text)
    raise NotX12Error("The file does not start with an X12 ISA, GS or ST segment.")


def _from_isa(text: str) -> Delimiters:
    if len(text) < 4 or not _is_separator(text[3]):
        raise NotX12Error("The ISA segment has no element separator after 'ISA'.")
    element = text[3]
    position = 3
    for _ in range(ISA_ELEMENTS - 1):
        position = text.find(element, position + 1)
        if position < 0:
            raise NotX12Error("The ISA segment is incomplete: it has fewer than 16 elements.")
    # `position` is now the separator before ISA16; ISA16 is one character.
    if position + 2 >= len(text):
        raise NotX12Error("The ISA segment is incomplete: the file ends inside it.")
    component = text[position + 1]
    terminator = _terminator_at(text, position + 2, element)
    if not _is_separator(terminator) and terminator != "\n":
        raise NotX12Error("The ISA segment does not end after ISA16 (fields are misaligned).")
    if not _is_separator(component) or len({element, component, terminator}) < 3:
        raise NotX12Error("The ISA segment declares unusable separators.")
    repetition_field = text[: position + 1].split(element)[11:12]
    repetition = repetition_field[0] if repetition_field else ""
    rep = repetition if len(repetition) == 1 and _is_separator(repetition) else None
    return Delimiters(element=element, segment=terminator, component=component, repetition=rep)


def _from_first_segment(text: str) -> Delimiters:
    if len(text) < 3 or not _is_separator(text[2]):
        raise NotX12Error("The first segment has no element separator after its identifier.")
    element = text[2]
    position = 3
    while position < len(text) and (
        text[position].isalnum() or text[position] in (element, " ", ".", "-")
    ):
        position += 1
    if position >= len(text):
        raise NotX12Error("The first segment never ends: no segment terminator was found.")
    terminator = _terminator_at(text, position, element)
    return Delimiters(element=element, segment=terminator, component=None)


def _terminator_at(text: str, position: int, element: str) -> str:
    """The segment terminator found at ``position``, seeing past line breaks.

    A line break there is either the terminator itself (the next segment follows) or
    a break written before the real terminator (a separator character follows).
    """
    char = text[position]
    if char not in _NEWLINES:
        return char
    following = text[position:].lstrip(_NEWLINES)
    if following and _is_separator(following[0]) and following[0] != element:
        return following[0]
    return "\n"
