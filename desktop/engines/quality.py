"""The data-quality engine: rules checked over a batch of incoming claim lines.

Pure computation on numpy columns (no SQL, no Qt). A rule has a severity: an
``error`` rejects the row, a ``warning`` lets it be stored and flags it. A rule may
be scoped to one canonical payer and/or one CPT code; rules are grouped by scope
and a group is skipped outright when its payer or code is not in the batch, so the
cost grows with rows x applicable rules, not rows x all rules.

``RuleBook(rules).check(batch, context)`` returns every issue (row, field, rule,
severity, message) and the mask of rejected rows. File-level findings (835
balancing, X12 parser warnings) become issues through ``file_issues``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from desktop.engines.line_batch import BoolArray, LineBatch
from desktop.engines.quality_checks import BUILTIN_CHECKS, Check
from desktop.engines.quality_context import LineContext
from desktop.engines.quality_custom import RuleDefinitionError, compile_rule

Severity = Literal["error", "warning"]
RuleKind = Literal["builtin", "required", "range", "regex", "compare"]
OFFICE_KINDS: Final = ("required", "range", "regex", "compare")


@dataclass(frozen=True)
class BuiltinRule:
    code: str
    severity: Severity
    description: str


# The built-in rules and their default severities (an office may change severity or
# switch a rule off). File-level rules have no row check of their own.
BUILTIN_RULES: Final[tuple[BuiltinRule, ...]] = (
    BuiltinRule("row_shape", "error", "A row has as many fields as the header."),
    BuiltinRule("required_field", "error", "Required columns have a value."),
    BuiltinRule("line_number_format", "error", "line_number is a whole number of at least 1."),
    BuiltinRule("cpt_format", "error", "cpt is a CPT or HCPCS code."),
    BuiltinRule("modifier_format", "warning", "modifiers are up to four 2-character codes."),
    BuiltinRule("units_range", "error", "units is a number greater than 0."),
    BuiltinRule("place_of_service_format", "warning", "place_of_service has 2 digits."),
    BuiltinRule("date_format", "error", "Dates are valid calendar dates."),
    BuiltinRule(
        "date_order",
        "error",
        "date_of_service <= submitted_date <= decision_date <= paid_date.",
    ),
    BuiltinRule("date_in_future", "error", "No date lies in the future."),
    BuiltinRule("amount_format", "error", "Amounts are decimal numbers."),
    BuiltinRule("amount_negative", "error", "Amounts are not negative."),
    BuiltinRule("status_value", "error", "status is paid, denied, partial or pending."),
    BuiltinRule(
        "status_consistency",
        "warning",
        "A denied line pays 0; a paid line has a paid date; a pending one has none.",
    ),
    BuiltinRule("carc_format", "warning", "Adjustment reasons are GROUP-CODE items."),
    BuiltinRule("carc_group", "warning", "Adjustment group codes are CO, PR, OA, PI or CR."),
    BuiltinRule("rarc_format", "warning", "Remark codes look like N30 or M127."),
    BuiltinRule("npi_check_digit", "warning", "rendering_npi has a valid NPI check digit."),
    BuiltinRule(
        "duplicate_in_file",
        "warning",
        "A claim line appears once per file (a later repeat replaces the earlier one).",
    ),
    BuiltinRule(
        "duplicate_across_files",
        "warning",
        "A stored claim line is not replaced by one for another payer, code or date.",
    ),
    BuiltinRule("x12_balance", "warning", "An 835 balances: charge - adjustments = paid."),
    BuiltinRule("x12_structure", "warning", "An X12 file follows its implementation guide."),
)
BUILTIN_CODES: Final = frozenset(rule.code for rule in BUILTIN_RULES)
FILE_LEVEL_CODES: Final = frozenset({"x12_balance", "x12_structure"})


@dataclass(frozen=True)
class Rule:
    """One rule as the engine checks it (the store keeps these in ``quality_rule``)."""

    code: str
    kind: RuleKind
    severity: Severity
    field: str | None = None
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    scope_payer_id: int | None = None
    scope_cpt: str | None = None
    description: str = ""
    enabled: bool = True


@dataclass(frozen=True)
class Issue:
    row: int | None  # source position; None for the file as a whole
    field: str | None
    rule: str
    severity: Severity
    message: str


@dataclass(frozen=True)
class FileCheck:
    """A file-level finding handed to the engine (e.g. one 835 balance check)."""

    rule: str
    position: int | None
    message: str


@dataclass
class QualityResult:
    issues: list[Issue]
    rejected: BoolArray

    @property
    def rows_rejected(self) -> int:
        return int(self.rejected.sum())


def builtin_rules() -> list[Rule]:
    return [Rule(r.code, "builtin", r.severity, description=r.description) for r in BUILTIN_RULES]


def compile_check(rule: Rule) -> Check | None:
    """The check of one rule (None for file-level rules); raises ``RuleDefinitionError``."""
    if rule.kind == "builtin":
        if rule.code not in BUILTIN_CODES:
            raise RuleDefinitionError(f"{rule.code!r} is not a built-in rule")
        return BUILTIN_CHECKS.get(rule.code)
    return compile_rule(rule.kind, rule.field, rule.params, rule.description)


ScopeKey = tuple[int | None, str | None]


class RuleBook:
    """Enabled rules compiled once per import and grouped by scope."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._groups: dict[ScopeKey, list[tuple[Rule, Check]]] = {}
        self._file_rules: dict[str, Rule] = {}
        for rule in rules:
            if not rule.enabled:
                continue
            if rule.code in FILE_LEVEL_CODES:
                self._file_rules[rule.code] = rule
                continue
            check = compile_check(rule)
            if check is not None:
                key = (rule.scope_payer_id, rule.scope_cpt)
                self._groups.setdefault(key, []).append((rule, check))

    @property
    def rule_count(self) -> int:
        return sum(len(group) for group in self._groups.values())

    def check(self, batch: LineBatch, context: LineContext) -> QualityResult:
        rejected = np.zeros(len(batch), bool)
        issues: list[Issue] = []
        scopes = _ScopeIndex(batch)
        for (payer_id, cpt), group in self._groups.items():
            index = scopes.rows(payer_id, cpt)
            if index is None:
                sub_batch, sub_context = batch, context
            elif index.size == 0:
                continue  # this scope's payer or code is not in the batch
            else:
                sub_batch, sub_context = batch.take(index), context.take(index)
            for rule, check in group:
                for flag in check(sub_batch, sub_context):
                    hits = np.flatnonzero(flag.mask)
                    if hits.size == 0:
                        continue
                    rows = sub_batch.row[hits]
                    issues.extend(
                        Issue(int(r), flag.field, rule.code, rule.severity, flag.describe(int(i)))
                        for i, r in zip(hits, rows, strict=True)
                    )
                    if rule.severity == "error":
                        rejected[hits if index is None else index[hits]] = True
        return QualityResult(issues, rejected)

    def file_issues(self, checks: Sequence[FileCheck]) -> list[Issue]:
        issues = []
        for check in checks:
            rule = self._file_rules.get(check.rule)
            if rule is not None:
                issues.append(Issue(check.position, None, rule.code, rule.severity, check.message))
        return issues

    def rejects_file(self, checks: Sequence[FileCheck]) -> bool:
        """An error-severity file-level finding rejects the whole file."""
        return any(issue.severity == "error" for issue in self.file_issues(checks))


class _ScopeIndex:
    """Rows of the batch by payer and by code, computed only when a scope asks."""

    def __init__(self, batch: LineBatch) -> None:
        self._batch = batch
        self._by_payer: dict[int, npt.NDArray[np.intp]] | None = None
        self._by_cpt: dict[str, npt.NDArray[np.intp]] | None = None

    def rows(self, payer_id: int | None, cpt: str | None) -> npt.NDArray[np.intp] | None:
        """Rows in scope (None: all rows)."""
        if payer_id is None and cpt is None:
            return None
        index: npt.NDArray[np.intp] | None = None
        if payer_id is not None:
            if self._by_payer is None:
                self._by_payer = _group(self._batch.payer_id, None)
            index = self._by_payer.get(payer_id, np.empty(0, np.intp))
        if cpt is not None:
            if self._by_cpt is None:
                codes, values = self._batch.factorized("cpt")
                self._by_cpt = _group(codes, values)
            cpt_rows = self._by_cpt.get(cpt, np.empty(0, np.intp))
            index = cpt_rows if index is None else np.intersect1d(index, cpt_rows)
        return index


def _group(codes: npt.NDArray[Any], values: npt.NDArray[Any] | None) -> dict[Any, Any]:
    """Value -> the rows holding it, by one stable sort of the codes.

    ``values`` maps codes to values (several codes may share one value); without it
    the codes are the values.
    """
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    distinct, starts = np.unique(sorted_codes, return_index=True)
    ends = np.append(starts[1:], len(order))
    groups: dict[Any, Any] = {}
    for code, start, end in zip(distinct.tolist(), starts, ends, strict=True):
        key = code if values is None else values[code]
        rows = order[start:end]
        groups[key] = rows if key not in groups else np.sort(np.concatenate((groups[key], rows)))
    return groups
