"""National Provider Identifiers: 10 digits, the last a Luhn check digit.

The check digit is computed over the nine leading digits prefixed with ``80840``
(the health-industry issuer prefix), as the NPI standard prescribes.
"""

from __future__ import annotations

import numpy as np

NPI_PREFIX = "80840"


def luhn_check_digit(digits: str) -> int:
    """The Luhn digit that makes ``digits`` + it a valid Luhn number."""
    total = 0
    # Double every second digit counted from the right of the final number, i.e.
    # starting with the rightmost digit of ``digits``.
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def npi_from_base(base9: str) -> str:
    """The full NPI for nine leading digits."""
    if len(base9) != 9 or not base9.isdigit():
        raise ValueError(f"an NPI base has nine digits, not {base9!r}")
    return base9 + str(luhn_check_digit(NPI_PREFIX + base9))


def is_valid_npi(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and npi_from_base(npi[:9]) == npi


def synthetic_npis(rng: np.random.Generator, count: int, *, first_digit: str = "1") -> list[str]:
    """``count`` distinct valid NPIs; ``first_digit`` 1 = individual, 2 = organisation."""
    seen: set[str] = set()
    result: list[str] = []
    while len(result) < count:
        base = first_digit + "".join(str(d) for d in rng.integers(0, 10, size=8))
        npi = npi_from_base(base)
        if npi not in seen:
            seen.add(npi)
            result.append(npi)
    return result
