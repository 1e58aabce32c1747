"""The fixed vocabulary of the demo office: payers, procedure codes, reasons, modifiers.

Names and codes do not depend on the seed, so a change can name its payer and code
before any data exist; what the seed varies is how each payer behaves (see
``market``). Every payer name is invented: no real insurer is named.
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_PAYERS = 24
DEFAULT_CODES = 120
MAX_PAYERS = 400
MAX_CODES = 6_000


class PayerKind(StrEnum):
    COMMERCIAL = "commercial"
    MEDICARE_LIKE = "medicare_like"
    MEDICAID_LIKE = "medicaid_like"
    REGIONAL = "regional"


# Claim filing indicator (837 SBR09 / 835 CLP06) by kind.
FILING_INDICATOR = {
    PayerKind.COMMERCIAL: "CI",
    PayerKind.MEDICARE_LIKE: "MB",
    PayerKind.MEDICAID_LIKE: "MC",
    PayerKind.REGIONAL: "CI",
}

# The large payers, by volume rank: a few big commercial plans, a Medicare-like and a
# Medicaid-like programme; the long tail follows from ``_tail_payer_name``.
HEAD_PAYERS: tuple[tuple[str, PayerKind], ...] = (
    ("Acme Health", PayerKind.COMMERCIAL),
    ("Northwind Health Plan", PayerKind.COMMERCIAL),
    ("Federal Senior Care Program", PayerKind.MEDICARE_LIKE),
    ("Brightwater Mutual", PayerKind.COMMERCIAL),
    ("State Medical Assistance Plan", PayerKind.MEDICAID_LIKE),
    ("Kestrel Benefit Trust", PayerKind.COMMERCIAL),
    ("Harborline Community Care", PayerKind.MEDICAID_LIKE),
    ("Tallgrass Health", PayerKind.COMMERCIAL),
    ("Silverpine Senior Advantage", PayerKind.MEDICARE_LIKE),
)
_TAIL_FIRST = (
    "Alderbrook", "Bluefen", "Copperleaf", "Driftmoor", "Emberline", "Foxhollow",
    "Glimmerdale", "Hazelmere", "Ironwood", "Juniper Reach", "Kettlerock", "Larkspur",
    "Marrowgate", "Nettlefield", "Oakhaven", "Pebblebrook", "Quillstone", "Ravenmoor",
    "Saltmarsh", "Thistledown",
)  # fmt: skip
_TAIL_SECOND = (
    "Health", "Care Alliance", "Benefit Plan", "Mutual", "Health Cooperative",
    "Employee Trust", "Medical Plan", "Wellness Partners", "Health Network", "Assurance",
    "Care Plan", "Health Guild", "Benefits Group", "Care Collective", "Health Trust",
    "Plan Administrators", "Medical Group Plan", "Health Services", "Benefit Society",
    "Health Alliance",
)  # fmt: skip


@dataclass(frozen=True)
class PayerInfo:
    name: str
    x12_id: str
    kind: PayerKind

    @property
    def filing_indicator(self) -> str:
        return FILING_INDICATOR[self.kind]


def _tail_payer_name(index: int) -> str:
    first = _TAIL_FIRST[index % len(_TAIL_FIRST)]
    second = _TAIL_SECOND[(index // len(_TAIL_FIRST) + index) % len(_TAIL_SECOND)]
    return f"{first} {second}"


@functools.cache
def payers(count: int) -> tuple[PayerInfo, ...]:
    if not 1 <= count <= MAX_PAYERS:
        raise ValueError(f"1..{MAX_PAYERS} payers, not {count}")
    result: list[PayerInfo] = []
    for rank in range(count):
        if rank < len(HEAD_PAYERS):
            name, kind = HEAD_PAYERS[rank]
        else:
            name, kind = _tail_payer_name(rank - len(HEAD_PAYERS)), PayerKind.REGIONAL
        result.append(PayerInfo(name, f"SY{rank + 1:03d}", kind))
    return tuple(result)


def payer_names(count: int) -> tuple[str, ...]:
    return tuple(p.name for p in payers(count))


class CodeFamily(StrEnum):
    EVALUATION = "evaluation"
    PROCEDURE = "procedure"
    LAB = "lab"
    IMAGING = "imaging"
    THERAPY = "therapy"
    DRUG = "drug"
    VACCINE = "vaccine"
    PREVENTIVE = "preventive"
    EMERGING = "emerging"  # Category III (T) and proprietary lab (U) codes


@dataclass(frozen=True)
class ProcedureCode:
    code: str
    family: CodeFamily
    rate: float  # a Medicare-like allowed amount per unit, in dollars
    weight: float  # relative volume in a family practice


E, P, L, IM, T, D, V, PV, EM = (
    CodeFamily.EVALUATION,
    CodeFamily.PROCEDURE,
    CodeFamily.LAB,
    CodeFamily.IMAGING,
    CodeFamily.THERAPY,
    CodeFamily.DRUG,
    CodeFamily.VACCINE,
    CodeFamily.PREVENTIVE,
    CodeFamily.EMERGING,
)

# Common codes of a multi-specialty practice, by volume, with rough unit prices.
HEAD_CODES: tuple[ProcedureCode, ...] = tuple(
    ProcedureCode(code, family, rate, weight)
    for code, family, rate, weight in (
        ("99213", E, 92.0, 120), ("99214", E, 131.0, 95), ("36415", L, 3.0, 70),
        ("85025", L, 8.0, 45), ("80053", L, 11.0, 38), ("99212", E, 57.0, 32),
        ("99203", E, 110.0, 22), ("97110", T, 30.0, 30), ("99204", E, 168.0, 18),
        ("80061", L, 14.0, 22), ("83036", L, 10.0, 18), ("99215", E, 184.0, 14),
        ("97140", T, 27.0, 18), ("90471", P, 18.0, 16), ("96372", P, 15.0, 14),
        ("81002", L, 3.5, 14), ("97530", T, 34.0, 12), ("87880", L, 12.0, 9),
        ("84443", L, 17.0, 12), ("93000", IM, 17.0, 10), ("90686", V, 20.0, 10),
        ("99396", PV, 150.0, 9), ("99395", PV, 140.0, 7), ("G0439", PV, 130.0, 6),
        ("J3301", D, 2.0, 6), ("20610", P, 65.0, 6), ("71046", IM, 30.0, 7),
        ("99202", E, 73.0, 6), ("97112", T, 33.0, 6), ("J1100", D, 1.0, 5),
        ("11721", P, 45.0, 5), ("17000", P, 60.0, 5), ("73030", IM, 30.0, 4),
        ("73562", IM, 38.0, 4), ("87635", L, 51.0, 5), ("99205", E, 222.0, 3),
        ("G0008", V, 36.0, 5), ("90715", V, 35.0, 3), ("97161", T, 100.0, 3),
        ("72148", IM, 230.0, 2), ("70551", IM, 220.0, 2), ("93306", IM, 220.0, 2),
        ("76856", IM, 100.0, 2), ("G0438", PV, 170.0, 2), ("99497", E, 86.0, 2),
        ("17110", P, 110.0, 2), ("11102", P, 100.0, 2), ("12001", P, 110.0, 1.5),
        ("69210", P, 45.0, 2), ("10060", P, 120.0, 1.5), ("90472", P, 10.0, 3),
        ("J0696", D, 1.0, 2), ("J1885", D, 1.0, 1.5), ("82306", L, 29.0, 4),
        ("84153", L, 18.0, 3), ("82947", L, 4.0, 3), ("81001", L, 3.0, 3),
        ("Q0091", PV, 45.0, 1.5), ("90732", V, 120.0, 1), ("A4550", D, 5.0, 1),
        ("0202U", EM, 400.0, 0.6), ("0240U", EM, 140.0, 0.5), ("0042T", EM, 200.0, 0.2),
    )
)  # fmt: skip

_TAIL_FAMILIES = (P, L, IM, T, D, E, EM)
_TAIL_FAMILY_SHARE = (0.34, 0.22, 0.16, 0.08, 0.10, 0.04, 0.06)


def _tail_code(rnd: random.Random, family: CodeFamily) -> str:
    if family is CodeFamily.DRUG:
        return f"{rnd.choice('JJJJQAE')}{rnd.randrange(10_000):04d}"
    if family is CodeFamily.EMERGING:
        return f"{rnd.randrange(1, 1000):04d}{rnd.choice('TU')}"
    low, high = {
        P: (10_000, 69_999),
        L: (80_000, 89_999),
        IM: (70_000, 79_999),
        T: (97_000, 97_799),
        E: (99_000, 99_499),
    }[family]
    return f"{rnd.randint(low, high):05d}"


@functools.cache
def _code_table() -> tuple[ProcedureCode, ...]:
    """The head codes, then tail codes of valid shapes (fixed: not seeded by the user)."""
    rnd = random.Random(20_260_101)  # the standard library's generator: stable across versions
    seen = {c.code for c in HEAD_CODES}
    table = list(HEAD_CODES)
    rank = 0
    while len(table) < MAX_CODES:
        (family,) = rnd.choices(_TAIL_FAMILIES, weights=_TAIL_FAMILY_SHARE)
        code = _tail_code(rnd, family)
        if code in seen:
            continue
        seen.add(code)
        rate = round(math.exp(rnd.gauss(math.log(70.0), 0.9)), 2)
        weight = 1.2 / (1.0 + rank) ** 0.7
        table.append(ProcedureCode(code, family, max(rate, 2.0), weight))
        rank += 1
    return tuple(table)


def codes(count: int) -> tuple[ProcedureCode, ...]:
    if not 1 <= count <= MAX_CODES:
        raise ValueError(f"1..{MAX_CODES} codes, not {count}")
    return _code_table()[:count]


def procedure_codes(count: int) -> tuple[str, ...]:
    return tuple(c.code for c in codes(count))


# Line-level denial reasons with their typical share of a payer's denials, and remark
# codes that usually accompany them.
DENIAL_REASONS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("CO-97", 0.16, ("M15", "M80")),
    ("CO-16", 0.14, ("MA130", "M127", "N290")),
    ("CO-50", 0.13, ("N115", "N386")),
    ("CO-197", 0.11, ("N54",)),
    ("CO-4", 0.09, ("N519", "M114")),
    ("PI-204", 0.08, ("N130",)),
    ("CO-18", 0.07, ("N522", "M86")),
    ("CO-11", 0.06, ("M76",)),
    ("CO-29", 0.05, ("N211",)),
    ("CO-151", 0.05, ("M86", "N362")),
    ("CO-96", 0.04, ("N130", "M25")),
    ("CO-27", 0.02, ("N30",)),
)
# Reasons that reduce a paid line (status partial) rather than deny it.
REDUCTION_REASONS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("CO-59", 0.6, ("M80",)),
    ("CO-150", 0.4, ("N362",)),
)
CONTRACTUAL = "CO-45"
DEDUCTIBLE, COINSURANCE, COPAY = "PR-1", "PR-2", "PR-3"

# Place of service codes and their share of claims.
PLACES_OF_SERVICE: tuple[tuple[str, float], ...] = (
    ("11", 0.80), ("22", 0.05), ("02", 0.04), ("10", 0.02), ("31", 0.03),
    ("12", 0.02), ("21", 0.02), ("23", 0.01), ("19", 0.01),
)  # fmt: skip
TELEHEALTH_PLACES = frozenset({"02", "10"})

# Modifier strings (``;``-separated, as in the CSV) and, per code family, how often each
# appears; the first entry, "", is no modifier.
MODIFIERS: tuple[str, ...] = (
    "", "25", "GP", "GP;59", "LT", "RT", "59", "XU", "26", "TC", "91", "QW", "JZ", "95",
    "25;95",
)  # fmt: skip
MODIFIER_MIX: dict[CodeFamily, dict[str, float]] = {
    E: {"25": 0.10, "95": 0.03},
    P: {"LT": 0.12, "RT": 0.12, "59": 0.05, "XU": 0.02, "25": 0.0},
    L: {"91": 0.02, "QW": 0.10},
    IM: {"26": 0.10, "TC": 0.05, "LT": 0.06, "RT": 0.06},
    T: {"GP": 0.88, "GP;59": 0.08},
    D: {"JZ": 0.35},
    V: {},
    PV: {"25": 0.02},
    EM: {"59": 0.03},
}
# Units billed per line by family: values and their probabilities (mostly one).
UNITS_MIX: dict[CodeFamily, tuple[tuple[int, ...], tuple[float, ...]]] = {
    T: ((1, 2, 3, 4), (0.40, 0.35, 0.20, 0.05)),
    D: ((1, 2, 4, 8, 10), (0.45, 0.2, 0.15, 0.12, 0.08)),
    P: ((1, 2), (0.96, 0.04)),
    L: ((1, 2), (0.98, 0.02)),
}
# How much more often a family is denied than a payer's average line.
DENIAL_FACTOR: dict[CodeFamily, float] = {
    E: 0.85, P: 1.1, L: 0.75, IM: 1.9, T: 1.3, D: 1.25, V: 0.5, PV: 0.9, EM: 2.2,
}  # fmt: skip
