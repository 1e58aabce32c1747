"""The data-quality engine over typed batches (built here from contract text rows)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from desktop.engines.line_batch import LineBatch
from desktop.engines.quality import (
    BUILTIN_RULES,
    FileCheck,
    Rule,
    RuleBook,
    builtin_rules,
)
from desktop.engines.quality_checks import earlier_occurrence, npi_is_valid
from desktop.engines.quality_context import LineContext
from desktop.engines.quality_custom import RuleDefinitionError
from desktop.ingest.convert import convert
from desktop.ingest.rows import RawChunk
from tests.desktop.ingest.claims_files import line

TODAY = (date(2026, 6, 1) - date(1970, 1, 1)).days


def batch_of(*rows: dict[str, str], payer_ids: list[int] | None = None) -> LineBatch:
    columns: dict[str, list[str | None]] = {name: [r[name] for r in rows] for name in rows[0]}
    chunk = RawChunk(np.arange(1, len(rows) + 1, dtype=np.int64), columns)
    batch = convert(chunk).batch
    ids = payer_ids if payer_ids is not None else [1] * len(rows)
    return replace(batch, payer_id=np.array(ids, dtype=np.int32))


def check(*rows: dict[str, str], rules: list[Rule] | None = None, **context: object):  # type: ignore[no-untyped-def]
    batch = batch_of(*rows)
    ctx = LineContext.for_rows(len(batch), TODAY, **context)  # type: ignore[arg-type]
    return RuleBook(rules if rules is not None else builtin_rules()).check(batch, ctx)


def found(result) -> set[tuple[int | None, str | None, str]]:  # type: ignore[no-untyped-def]
    return {(i.row, i.field, i.rule) for i in result.issues}


def test_a_good_line_has_no_issue() -> None:
    result = check(line())
    assert result.issues == [] and not result.rejected.any()


@pytest.mark.parametrize(
    ("changes", "field", "rule", "rejected"),
    [
        ({"claim_id": ""}, "claim_id", "required_field", True),
        ({"payer": "NULL"}, "payer", "required_field", True),
        ({"cpt": ""}, "cpt", "required_field", True),
        ({"submitted_date": ""}, "submitted_date", "required_field", True),
        ({"billed_amount": ""}, "billed_amount", "required_field", True),
        ({"status": ""}, "status", "required_field", True),
        ({"line_number": "0"}, "line_number", "line_number_format", True),
        ({"cpt": "9921"}, "cpt", "cpt_format", True),
        ({"cpt": "J1100"}, None, None, False),
        ({"cpt": "0001F"}, None, None, False),
        ({"modifiers": "25;5"}, "modifiers", "modifier_format", False),
        ({"modifiers": "25;59;GT;95;XS"}, "modifiers", "modifier_format", False),
        ({"units": "0"}, "units", "units_range", True),
        ({"units": "many"}, "units", "units_range", True),
        ({"place_of_service": "111"}, "place_of_service", "place_of_service_format", False),
        ({"paid_date": "2026-02-30"}, "paid_date", "date_format", True),
        ({"submitted_date": "2026-01-01"}, "submitted_date", "date_order", True),
        ({"decision_date": "2026-01-06"}, "decision_date", "date_order", True),
        ({"paid_date": "2026-01-19"}, "paid_date", "date_order", True),
        ({"decision_date": "", "paid_date": "2026-01-06"}, "paid_date", "date_order", True),
        ({"paid_date": "2026-07-01"}, "paid_date", "date_in_future", True),
        ({"allowed_amount": "ninety"}, "allowed_amount", "amount_format", True),
        ({"paid_amount": "-5.00"}, "paid_amount", "amount_negative", True),
        ({"status": "rejected"}, "status", "status_value", True),
        ({"status": "denied", "paid_date": ""}, "paid_amount", "status_consistency", False),
        ({"paid_date": ""}, "paid_date", "status_consistency", False),
        ({"status": "pending"}, "paid_date", "status_consistency", False),
        ({"carc_codes": "45"}, "carc_codes", "carc_format", False),
        ({"carc_codes": "CO-45;XX-2"}, "carc_codes", "carc_group", False),
        ({"carc_codes": "CR-45"}, None, None, False),
        ({"rarc_codes": "N30;ZZ1"}, "rarc_codes", "rarc_format", False),
        ({"rendering_npi": "1234567890"}, "rendering_npi", "npi_check_digit", False),
        ({"rendering_npi": "12345"}, "rendering_npi", "npi_check_digit", False),
    ],
)
def test_builtin_rules(
    changes: dict[str, str], field: str | None, rule: str | None, rejected: bool
) -> None:
    result = check(line(**changes))
    if rule is None:
        assert result.issues == []
    else:
        assert (1, field, rule) in found(result)
    assert bool(result.rejected[0]) is rejected


def test_messages_name_the_value_and_the_fix() -> None:
    result = check(line(cpt="9921X"), line(submitted_date="2026-01-01"))
    messages = {i.rule: i.message for i in result.issues}
    assert "'9921X' is not a CPT/HCPCS code" in messages["cpt_format"]
    assert (
        messages["date_order"] == "submitted_date 2026-01-01 is before date_of_service 2026-01-05"
    )


def test_npi_check_digit() -> None:
    assert npi_is_valid("1234567893")
    assert not npi_is_valid("1234567890")
    assert not npi_is_valid("123456789")
    assert not npi_is_valid("12345678９3")


def test_duplicates_within_a_batch_and_from_earlier_chunks() -> None:
    rows = [
        line(claim_id="A"),
        line(claim_id="B"),
        line(claim_id="A"),
        line(claim_id="A", line_number="2"),
    ]
    batch = batch_of(*rows)
    assert earlier_occurrence(batch).tolist() == [-1, -1, 0, -1]
    result = check(*rows, stored_by_this_import=np.array([False, True, False, False]))
    assert {(i.row, i.rule) for i in result.issues} == {
        (3, "duplicate_in_file"),
        (2, "duplicate_in_file"),
    }
    assert "already appeared in row 1" in next(i.message for i in result.issues if i.row == 3)
    assert not result.rejected.any()


def test_conflicting_line_across_files_is_a_warning() -> None:
    result = check(line(), stored_conflict=np.array([True]))
    assert found(result) == {(1, "claim_id", "duplicate_across_files")}


def test_unmatched_remittance_explains_what_is_missing() -> None:
    result = check(line(submitted_date=""), unmatched_remittance=np.array([True]))
    (issue,) = result.issues
    assert "no stored claim line matches this remittance line" in issue.message


def test_row_problems_from_the_reader() -> None:
    result = check(line(), line(claim_id="C0002"), row_problems={1: "the row has 9 fields"})
    assert [(i.row, i.rule, i.message) for i in result.issues] == [
        (2, "row_shape", "the row has 9 fields")
    ]
    assert result.rejected.tolist() == [False, True]


def test_severity_and_switching_rules_off() -> None:
    rules = [
        replace(r, severity="warning") if r.code == "cpt_format" else r for r in builtin_rules()
    ]
    assert not check(line(cpt="1"), rules=rules).rejected.any()
    rules = [replace(r, enabled=False) if r.code == "cpt_format" else r for r in builtin_rules()]
    assert check(line(cpt="1"), rules=rules).issues == []


def office(code: str, kind: str, field: str, params: dict[str, object], **scope: object) -> Rule:
    return Rule(code, kind, "error", field, params, **scope)  # type: ignore[arg-type]


def test_office_rule_kinds() -> None:
    rules = [
        office("need_npi", "required", "rendering_npi", {}),
        office("billed_cap", "range", "billed_amount", {"max": "140.00"}),
        office("since_2026", "range", "date_of_service", {"min": "2026-01-06"}),
        office("acme_claims", "regex", "claim_id", {"pattern": r"C\d{4}"}),
        office(
            "allowed_le_billed", "compare", "allowed_amount", {"op": "<=", "other": "billed_amount"}
        ),
    ]
    result = check(
        line(rendering_npi=""),
        line(billed_amount="150.00"),
        line(claim_id="X1"),
        line(allowed_amount="130.00"),
        rules=rules,
    )
    assert {(i.row, i.rule) for i in result.issues} == {
        (1, "need_npi"),
        (1, "since_2026"),
        (2, "since_2026"),
        (3, "since_2026"),
        (4, "since_2026"),
        (2, "billed_cap"),
        (3, "acme_claims"),
        (4, "allowed_le_billed"),
    }
    message = next(i.message for i in result.issues if i.rule == "billed_cap")
    assert message == "billed_amount 150.00 is outside the allowed range (at most 140.00)"


@pytest.mark.parametrize(
    ("kind", "field", "params", "says"),
    [
        ("range", "payer", {"max": 1}, "number, amount or date"),
        ("range", "billed_amount", {}, "'min' and/or 'max'"),
        ("range", "billed_amount", {"max": "lots"}, "not a number"),
        ("regex", "claim_id", {"pattern": "("}, "not a valid regular expression"),
        ("compare", "paid_date", {"op": "<", "other": "billed_amount"}, "cannot be compared"),
        ("compare", "paid_date", {"op": "~", "other": "decision_date"}, "'op'"),
        ("required", "favourite_colour", {}, "not a column"),
        ("guess", "cpt", {}, "not a kind"),
    ],
)
def test_bad_office_rules_are_refused(
    kind: str, field: str, params: dict[str, object], says: str
) -> None:
    with pytest.raises(RuleDefinitionError, match=says):
        RuleBook([office("bad_rule", kind, field, params)])


def test_scoped_rules_only_see_their_rows() -> None:
    rules = [
        office(
            "acme_99213_cap",
            "range",
            "billed_amount",
            {"max": "100"},
            scope_payer_id=1,
            scope_cpt="99213",
        ),
        office("other_payer", "range", "billed_amount", {"max": "1"}, scope_payer_id=7),
        office("other_code", "range", "billed_amount", {"max": "1"}, scope_cpt="99999"),
    ]
    batch = batch_of(line(), line(cpt="99214"), line(), payer_ids=[1, 1, 2])
    result = RuleBook(rules).check(batch, LineContext.for_rows(3, TODAY))
    assert [(i.row, i.rule) for i in result.issues] == [(1, "acme_99213_cap")]
    assert result.rejected.tolist() == [True, False, False]


def test_file_level_findings() -> None:
    book = RuleBook(builtin_rules())
    issues = book.file_issues(
        [FileCheck("x12_balance", 17, "does not balance"), FileCheck("unknown", 1, "x")]
    )
    assert [(i.row, i.rule, i.severity) for i in issues] == [(17, "x12_balance", "warning")]
    assert not book.rejects_file([FileCheck("x12_balance", 17, "does not balance")])
    strict = RuleBook(
        [replace(r, severity="error") if r.code == "x12_balance" else r for r in builtin_rules()]
    )
    assert strict.rejects_file([FileCheck("x12_balance", 17, "does not balance")])


def test_every_builtin_rule_has_a_description() -> None:
    assert all(r.description for r in BUILTIN_RULES)
    assert len({r.code for r in BUILTIN_RULES}) == len(BUILTIN_RULES)
