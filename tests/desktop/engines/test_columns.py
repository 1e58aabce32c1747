from __future__ import annotations

import numpy as np
import pytest

from desktop.engines.columns import MISSING, ClaimColumns, primary_denial_reason


@pytest.mark.parametrize(
    ("codes", "reason"),
    [
        (None, None),
        ("", None),
        ("CO-197", "CO-197"),
        ("CO-45;CO-197", "CO-197"),
        ("PR-2;PR-3", "PR-2"),
        ("co-45; pr-1 ;OA-18", "OA-18"),
        ("CO-45", "CO-45"),
        # the same non-denial reasons as the X12 reader (desktop.carc)
        ("CO-253;CO-16", "CO-16"),
        ("OA-23;CR-2;PI-204", "PI-204"),
        ("CO-42;CO-A2", "CO-42"),
    ],
)
def test_primary_denial_reason(codes: str | None, reason: str | None) -> None:
    assert primary_denial_reason(codes) == reason


def columns(n: int) -> ClaimColumns:
    i32 = np.zeros(n, np.int32)
    i64 = np.zeros(n, np.int64)
    return ClaimColumns(
        payer=i32,
        cpt=i32,
        date_of_service=i32,
        submitted_date=i32,
        decision_date=i32,
        paid_date=np.full(n, MISSING, np.int32),
        billed_cents=i64,
        allowed_cents=i64,
        paid_cents=i64,
        units=np.ones(n),
        status=np.array([2] * n, np.int8),
        denial_reason=i32,
    )


def test_columns_must_have_one_length() -> None:
    good = columns(3)
    with pytest.raises(ValueError, match="column units"):
        ClaimColumns(**{**good.__dict__, "units": np.ones(2)})


def test_take_and_masks() -> None:
    cols = columns(4)
    assert len(cols.take(np.array([True, False, True, False]))) == 2
    assert cols.is_denied.all() and not cols.is_paid.any()
    assert len(ClaimColumns.empty()) == 0
