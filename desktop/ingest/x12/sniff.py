"""``sniff``: is this content an X12 835, an X12 837, or neither?

Decided from the first few KB of content, never from the file name: the separators
are found as the reader finds them, then the first ST segment names the transaction
set (or, when the head ends before any ST, the GS01 functional group: HP = 835,
HC = 837).
"""

from __future__ import annotations

import re
from typing import Literal

from desktop.ingest.x12.delimiters import detect_delimiters, strip_preamble
from desktop.ingest.x12.errors import NotX12Error

_UTF8_BOM = b"\xef\xbb\xbf"
_GROUPS: dict[str, Literal["835", "837"]] = {"HP": "835", "HC": "837"}


def sniff(head: bytes) -> Literal["835", "837"] | None:
    text = strip_preamble(head.removeprefix(_UTF8_BOM).decode("latin-1"))
    try:
        delimiters = detect_delimiters(text)
    except NotX12Error:
        return None
    element = re.escape(delimiters.element)
    boundary = r"(?:^|[\r\n" + re.escape(delimiters.segment) + r"])\s*"
    st = re.search(boundary + "ST" + element + r"\s*(\d{3})", text)
    if st is not None:
        found = st.group(1)
        return "835" if found == "835" else "837" if found == "837" else None
    gs = re.search(boundary + "GS" + element + r"\s*([A-Z]{2})", text)
    if gs is not None:
        return _GROUPS.get(gs.group(1))
    return None
