"""A plain-words hint about how hard a passphrase is to guess (no Qt, no store).

A rough estimate from length and character variety, in the spirit of "use a few
unrelated words": it guides a person, it does not enforce a policy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Level = Literal["empty", "weak", "fair", "strong"]

COMMON = frozenset(
    {"password", "passw0rd", "123456", "12345678", "qwerty", "letmein", "welcome", "admin"}
)


@dataclass(frozen=True)
class StrengthHint:
    level: Level
    bits: float
    message: str


def passphrase_hint(passphrase: str) -> StrengthHint:
    if not passphrase:
        return StrengthHint("empty", 0.0, "Choose a passphrase: a few unrelated words work well.")
    if passphrase.lower() in COMMON:
        return StrengthHint("weak", 0.0, "Weak: this is one of the first passphrases guessed.")
    pool = 0
    if any(c.islower() for c in passphrase):
        pool += 26
    if any(c.isupper() for c in passphrase):
        pool += 26
    if any(c.isdigit() for c in passphrase):
        pool += 10
    if any(not c.isalnum() for c in passphrase):
        pool += 33
    distinct = len(set(passphrase))
    bits = min(len(passphrase), distinct * 2) * math.log2(max(pool, 2))
    if bits < 40:
        return StrengthHint("weak", bits, "Weak: add more words or characters.")
    if bits < 64:
        return StrengthHint("fair", bits, "Fair: one or two more words would make it strong.")
    return StrengthHint("strong", bits, "Strong.")
