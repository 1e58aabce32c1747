"""Raw payer names as exported -> the key payer mappings match on.

"Blue Cross & Blue Shield, Inc." and "BLUE CROSS BLUE SHIELD INC" are the same payer
to a billing office: keys ignore case, punctuation and spacing (after Unicode
compatibility normalisation, so full-width letters count as letters).
"""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")


def payer_key(raw_name: str) -> str:
    folded = unicodedata.normalize("NFKC", raw_name).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def display_name(raw_name: str) -> str:
    """A raw name tidied for showing as a canonical payer (inner spacing collapsed)."""
    return " ".join(unicodedata.normalize("NFKC", raw_name).split())
