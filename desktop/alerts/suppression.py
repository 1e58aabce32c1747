"""The one suppression policy: whether a finding that passed a rule is raised or held.

Everything that can hold an alert back is decided here, in this order (the first
that applies decides), with the time passed in (``now``) and never read:

1. **Operator feedback "noise"** (the latest verdict over every device, last writer
   wins): held for ``noise_hold_days`` after the verdict, unless the effect has grown
   by ``noise_regrow_percent`` % or more since then, which raises it again.
2. **Flapping**: the alert was raised and then cleared ``flapping_count`` times or
   more within ``flapping_window_days``: held until those cycles age out.
3. **Resolved, then found again**: the latest verdict is "resolved" and the alert has
   not been raised since. If the finding went away (after the verdict, or before it
   and had not been found since) and is back, or is still found ``resolved_hold_days``
   after it, it is raised again (it came back); before that it is held while the fix
   reaches the analysis windows.
4. **Cooldown**: the same fingerprint was raised within ``cooldown_days``. An open
   alert stays open (nothing is hidden; it is only not raised twice); one that had
   cleared stays held until the cooldown ends.
5. Otherwise the alert is raised.

"Days" are spans of 24 hours between aware UTC instants, never calendar dates, so
midnight and the time zone of the clock change nothing. The parameters are stored
as the store setting ``alerts.suppression`` (defaults below, shipped by migration).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from sqlalchemy.orm import Session

from desktop.clock import Clock, utc_now
from desktop.errors import InvalidInput
from desktop.store.settings import SettingChange, get_setting, set_setting

SETTING_KEY = "alerts.suppression"


@dataclass(frozen=True)
class PolicyParams:
    cooldown_days: int = 7
    flapping_count: int = 3
    flapping_window_days: int = 14
    noise_hold_days: int = 30
    noise_regrow_percent: float = 50.0
    resolved_hold_days: int = 30

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidInput(f"suppression setting {f.name} must be a number")
            if not math.isfinite(value) or value < 0:
                raise InvalidInput(f"suppression setting {f.name} cannot be {value}")
        if self.flapping_count < 1:
            raise InvalidInput("suppression setting flapping_count is at least 1")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> PolicyParams:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InvalidInput(f"unknown suppression setting(s) {unknown}; known: {sorted(known)}")
        return cls(**dict(values))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_params(session: Session) -> PolicyParams:
    stored = get_setting(session, SETTING_KEY, {})
    if not isinstance(stored, dict):
        raise InvalidInput(f"the stored setting {SETTING_KEY} must be a JSON object")
    return PolicyParams.from_mapping(stored)


def save_params(session: Session, params: PolicyParams, *, clock: Clock = utc_now) -> SettingChange:
    """Store new parameters (audited by the settings service)."""
    return set_setting(session, SETTING_KEY, params.as_dict(), clock=clock)


class Reason(StrEnum):
    # raised
    NEW = "new"
    RAISED_AGAIN = "raised_again"  # seen before, not held by anything now
    EFFECT_GREW = "effect_grew_after_noise"
    RETURNED = "returned_after_resolved"
    # suppressed
    COOLDOWN = "cooldown"
    FLAPPING = "flapping"
    NOISE = "feedback_noise"
    RESOLVED_HOLD = "resolved_recently"


Verdict = Literal["real", "noise", "resolved"]


@dataclass(frozen=True)
class FeedbackView:
    """The verdict in force for a fingerprint (see ``feedback.effective_feedback``)."""

    verdict: Verdict
    at: datetime  # when the operator gave it (the wall part of its clock stamp)
    effect: float | None  # the effect when it was given, if known


@dataclass(frozen=True)
class AlertHistory:
    """What the store knows of a fingerprint before this run."""

    state: str | None  # None: never seen; else open | suppressed | resolved | closed
    last_raised_at: datetime | None
    last_cleared_at: datetime | None
    cycles: tuple[datetime, ...]  # when it cleared after being raised (open), oldest first
    last_found_at: datetime | None = None  # the latest run that found it (raised or held)

    @classmethod
    def new(cls) -> AlertHistory:
        return cls(None, None, None, ())

    @property
    def absent_before(self) -> bool:
        """It went away and had not been found again before this run."""
        cleared = self.last_cleared_at
        return cleared is not None and (self.last_found_at is None or cleared > self.last_found_at)


@dataclass(frozen=True)
class Decision:
    outcome: Literal["raised", "suppressed"]
    reason: Reason
    policy: str  # which part of the policy decided: e.g. "policy:cooldown"
    message: str  # for people: shown with the alert in the CLI, the JSON and the report
    until: datetime | None = None  # when a hold ends (None: not held, or not by time)
    keeps_open: bool = False  # a cooldown on an open alert: it stays open

    @property
    def text(self) -> str:
        return f"{self.reason}: {self.message}"


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()


def _held(reason: Reason, message: str, until: datetime | None, **kw: Any) -> Decision:
    return Decision("suppressed", reason, f"policy:{reason}", message, until, **kw)


def _raised(reason: Reason, message: str) -> Decision:
    return Decision("raised", reason, f"policy:{reason}", message)


def _grew(effect: float, reference: float | None, percent: float) -> bool:
    if reference is None:
        return False
    if reference == 0:
        return effect != 0
    growth = (abs(effect) / abs(reference) - 1.0) * 100.0
    return growth >= percent - 1e-9  # 0.15 after 0.10 is 50 %, whatever the float rounding


def decide(
    history: AlertHistory,
    feedback: FeedbackView | None,
    effect: float,
    now: datetime,
    params: PolicyParams,
) -> Decision:
    """The policy for one finding that passed a rule. Pure: same inputs, same answer."""
    if now.tzinfo is None:
        raise ValueError("naive datetime: the clock must give aware datetimes")
    day = timedelta(days=1)
    grew = False
    if feedback is not None and feedback.verdict == "noise":
        until = feedback.at + params.noise_hold_days * day
        if now < until:
            grew = _grew(effect, feedback.effect, params.noise_regrow_percent)
            if not grew:
                return _held(
                    Reason.NOISE,
                    f"marked noise on {_day(feedback.at)}; held until {_day(until)} unless "
                    f"the effect grows by {params.noise_regrow_percent:g}% or more",
                    until,
                )
    window_start = now - params.flapping_window_days * day
    recent = [c for c in history.cycles if c > window_start]
    if len(recent) >= params.flapping_count:
        until = recent[-params.flapping_count] + params.flapping_window_days * day
        return _held(
            Reason.FLAPPING,
            f"raised and cleared {len(recent)} times within {params.flapping_window_days} "
            f"days; held until {_day(until)}",
            until,
        )
    if grew and feedback is not None:
        return _raised(
            Reason.EFFECT_GREW,
            f"marked noise on {_day(feedback.at)}, but the effect grew by "
            f"{params.noise_regrow_percent:g}% or more since",
        )
    resolved = (
        feedback is not None
        and feedback.verdict == "resolved"
        and (history.last_raised_at is None or history.last_raised_at <= feedback.at)
    )
    if resolved and feedback is not None:
        until = feedback.at + params.resolved_hold_days * day
        cleared = history.last_cleared_at
        went_away = cleared is not None and (cleared > feedback.at or history.absent_before)
        if went_away or now >= until:
            return _raised(
                Reason.RETURNED, f"marked resolved on {_day(feedback.at)} and found again"
            )
        return _held(
            Reason.RESOLVED_HOLD,
            f"marked resolved on {_day(feedback.at)}; still in the analysis windows, held "
            f"until {_day(until)} (raised again if it comes back after going away)",
            until,
        )
    if history.last_raised_at is not None:
        until = history.last_raised_at + params.cooldown_days * day
        if now < until:
            is_open = history.state == "open"
            return _held(
                Reason.COOLDOWN,
                f"raised on {_day(history.last_raised_at)}; not raised again until "
                f"{_day(until)}" + (" (the alert stays open)" if is_open else ""),
                until,
                keeps_open=is_open,
            )
        return _raised(Reason.RAISED_AGAIN, "found again after the cooldown")
    return _raised(Reason.NEW, "first time found")


def cycles_from(events: Sequence[tuple[str, datetime]]) -> tuple[datetime, ...]:
    """Times of clears that followed a raise, from (outcome, at) events oldest first."""
    out: list[datetime] = []
    raised = False
    for outcome, at in events:
        if outcome == "raised":
            raised = True
        elif outcome == "cleared":
            if raised:
                out.append(at)
            raised = False
    return tuple(out)


@dataclass(frozen=True)
class StateAfterFeedback:
    state: str
    suppressed_reason: str | None
    suppressed_by: str | None


def after_feedback(
    state: str,
    suppressed_reason: str | None,
    suppressed_by: str | None,
    feedback: FeedbackView,
    params: PolicyParams,
) -> StateAfterFeedback:
    """An alert's state once a verdict is recorded (the next run applies ``decide``).

    Noise holds an alert that is found now (open or held); resolved resolves it; real
    lifts a hold that came from an earlier noise verdict.
    """
    if feedback.verdict == "noise":
        if state not in ("open", "suppressed"):
            return StateAfterFeedback(state, suppressed_reason, suppressed_by)
        until = feedback.at + params.noise_hold_days * timedelta(days=1)
        held = _held(
            Reason.NOISE,
            f"marked noise on {_day(feedback.at)}; held until {_day(until)} unless the "
            f"effect grows by {params.noise_regrow_percent:g}% or more",
            until,
        )
        return StateAfterFeedback("suppressed", held.text, held.policy)
    if feedback.verdict == "resolved":
        return StateAfterFeedback("resolved", None, None)
    if state == "suppressed" and suppressed_by == f"policy:{Reason.NOISE}":
        return StateAfterFeedback("open", None, None)
    return StateAfterFeedback(state, suppressed_reason, suppressed_by)
