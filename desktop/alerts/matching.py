"""Before the policy: is a finding well-formed, and does an enabled rule take it?

Both answers are typed results that always carry a reason code and a message for
people; neither ever answers ``None``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from desktop.alerts.metrics import DIRECTIONS, KNOWN_METRICS, SEVERITIES, severity_rank
from desktop.alerts.rules import RuleInfo
from desktop.analysis.records import StoredFinding
from desktop.ingest.payer_keys import payer_key

_CPT = re.compile(r"^[0-9A-Z]{5}$")


@dataclass(frozen=True)
class Check:
    """Whether a finding can be evaluated at all; ``reason`` says why not."""

    ok: bool
    reason: str  # "valid" or the invalid reason code
    message: str


def check_finding(f: StoredFinding) -> Check:
    problems: list[tuple[str, str]] = []
    if f.kind not in ("drift", "delay"):
        problems.append(("unknown_kind", f"finding kind {f.kind!r} cannot raise alerts"))
    if f.metric not in KNOWN_METRICS:
        problems.append(("unknown_metric", f"metric {f.metric!r} is not one alerts know"))
    if f.severity not in SEVERITIES:
        problems.append(("unknown_severity", f"severity {f.severity!r} is not low/medium/high"))
    if f.direction not in DIRECTIONS:
        problems.append(("unknown_direction", f"direction {f.direction!r} is not up or down"))
    if not f.payer or not payer_key(f.payer):
        problems.append(("no_payer", "the finding names no payer"))
    if f.cpt is not None and not _CPT.match(f.cpt):
        problems.append(("bad_code", f"procedure code {f.cpt!r} is not 5 letters or digits"))
    for name, value in (("effect", f.effect), ("impact", f.impact), ("q_value", f.q_value)):
        if not math.isfinite(value):
            problems.append(("not_finite", f"the finding's {name} is {value}"))
    if problems:
        code, message = problems[0]
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        return Check(False, code, message + more)
    return Check(True, "valid", "well-formed")


@dataclass(frozen=True)
class RuleMatch:
    """The rule that takes a finding, or why none does (``rule`` is then absent)."""

    matched: bool
    rule: RuleInfo | None
    reason: str  # "matched" or a no-rule reason code
    message: str


def _in_scope(rule: RuleInfo, f: StoredFinding) -> bool:
    spec = rule.spec
    if f.metric not in spec.metrics:
        return False
    if spec.payer is not None and payer_key(spec.payer) != payer_key(f.payer):
        return False
    return spec.cpt is None or spec.cpt == f.cpt


def _shortfalls(rule: RuleInfo, f: StoredFinding) -> list[tuple[str, str]]:
    """Each minimum of the rule the finding misses (empty: it meets them all)."""
    spec = rule.spec
    out: list[tuple[str, str]] = []
    if severity_rank(f.severity) < severity_rank(spec.min_severity):
        out.append(("below_min_severity", f"severity {f.severity} is below {spec.min_severity}"))
    if abs(f.effect) < spec.min_effect:
        out.append(("below_min_effect", f"effect {abs(f.effect):.4g} is below {spec.min_effect:g}"))
    if abs(f.impact) < spec.min_monthly_impact:
        out.append(
            (
                "below_min_impact",
                f"impact ${abs(f.impact):,.0f} a month is below ${spec.min_monthly_impact:,.0f}",
            )
        )
    return out


def match_rule(f: StoredFinding, rules: Sequence[RuleInfo]) -> RuleMatch:
    """The first enabled rule (by id) in scope whose minimums the finding meets."""
    where = f.payer if f.cpt is None else f"{f.payer} / {f.cpt}"
    scoped = [r for r in rules if r.spec.enabled and _in_scope(r, f)]
    if not scoped:
        return RuleMatch(
            False, None, "no_rule_for_metric", f"no enabled rule covers {f.metric} for {where}"
        )
    misses: list[tuple[RuleInfo, list[tuple[str, str]]]] = []
    for rule in scoped:
        short = _shortfalls(rule, f)
        if not short:
            return RuleMatch(True, rule, "matched", f"rule {rule.spec.name!r}")
        misses.append((rule, short))
    rule, short = misses[0]
    code, why = short[0]
    return RuleMatch(False, None, code, f"rule {rule.spec.name!r}: {why}")
