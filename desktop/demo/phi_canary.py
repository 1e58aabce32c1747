"""Patient-identifier columns that are obviously synthetic, to prove the PHI guard works.

Every value is recognisable: names and member ids carry ``ZZCANARY``, social security
numbers use area 000 (never issued), and birth dates are derived from the claim
number. Tests look for these exact values anywhere they must never appear (the store,
sync payloads, the server).
"""

from __future__ import annotations

from datetime import date, timedelta

PHI_CANARY_MARKER = "ZZCANARY"
PHI_CANARY_COLUMNS = ("patient_name", "patient_dob", "member_id", "patient_ssn")
_FIRST_BIRTH_DAY = date(1931, 1, 1)


def patient_name(patient: int) -> str:
    return f"{PHI_CANARY_MARKER} TESTPATIENT {patient:06d}"


def patient_dob(patient: int) -> str:
    return (_FIRST_BIRTH_DAY + timedelta(days=(patient * 7_919) % 30_000)).isoformat()


def member_id(patient: int) -> str:
    return f"{PHI_CANARY_MARKER}{patient:08d}"


def patient_ssn(patient: int) -> str:
    return f"000-{(patient // 10_000) % 100:02d}-{patient % 10_000:04d}"


def canary_values(patient: int) -> tuple[str, str, str, str]:
    """The four canary values of one patient, in ``PHI_CANARY_COLUMNS`` order."""
    return patient_name(patient), patient_dob(patient), member_id(patient), patient_ssn(patient)
