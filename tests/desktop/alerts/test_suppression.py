"""The suppression policy, rule by rule and in combination, on a real store.

Each case is a sequence of steps: ``find`` (a run in which the finding is present,
with the outcome and alert state it must get), ``gone`` (a run without it), ``wait``
(move the clock) and ``say`` (an operator verdict). Every case runs with the clock
in several time zones, and with the zone changing at every step: days are 24-hour
spans, so neither midnight nor the zone may change a decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from desktop.store import open_store
from desktop.store.models import AlertEvent
from tests.conftest import PASSPHRASE
from tests.desktop.alerts.scenario import Scenario, Spec
from tests.helpers.stores import copy_store
from tests.helpers.stubs import MovableClock

A = Spec()


@dataclass(frozen=True)
class Step:
    kind: str  # find | gone | wait | say
    expect: str = ""  # find: "outcome:reason"
    state: str | None = None  # the alert's state after the step
    effect: float = 0.10
    delta: timedelta = timedelta()
    verdict: str = ""


def find(expect: str, state: str | None = None, effect: float = 0.10) -> Step:
    return Step("find", expect, state, effect)


def gone(state: str | None = None) -> Step:
    return Step("gone", state=state)


def wait(days: float = 0, hours: float = 0, minutes: float = 0) -> Step:
    return Step("wait", delta=timedelta(days=days, hours=hours, minutes=minutes))


def say(verdict: str, state: str | None = None) -> Step:
    return Step("say", verdict=verdict, state=state)


FAST_FLAPS = {"cooldown_days": 0, "flapping_count": 3, "flapping_window_days": 14}
CASES: dict[str, tuple[list[Step], dict[str, Any]]] = {
    "a new finding is raised": ([find("raised:new", "open")], {}),
    "cooldown: found again while open is not raised twice": (
        [find("raised:new"), wait(1), find("suppressed:cooldown", "open")],
        {},
    ),
    "cooldown over: raised again": (
        [
            find("raised:new"),
            wait(3),
            find("suppressed:cooldown"),
            wait(4),
            find("raised:raised_again", "open"),
        ],
        {},
    ),
    "cooldown: cleared and back within N days is held": (
        [
            find("raised:new"),
            wait(1),
            gone("closed"),
            wait(1),
            find("suppressed:cooldown", "suppressed"),
            wait(5),
            find("raised:raised_again", "open"),
        ],
        {},
    ),
    "cooldown ends to the minute across midnight": (
        [
            wait(hours=23, minutes=50),
            find("raised:new"),
            wait(days=6, hours=23, minutes=59),
            find("suppressed:cooldown", "open"),
            wait(minutes=1),
            find("raised:raised_again"),
        ],
        {},
    ),
    "flapping: raised and cleared K times within W days is held": (
        [
            find("raised:new"),
            wait(1),
            gone(),
            wait(1),
            find("raised:raised_again"),
            wait(1),
            gone(),
            wait(1),
            find("raised:raised_again"),
            wait(1),
            gone(),
            wait(1),
            find("suppressed:flapping", "suppressed"),
        ],
        FAST_FLAPS,
    ),
    "flapping across midnight: counted in 24-hour spans": (
        [
            wait(hours=23),
            find("raised:new"),
            wait(hours=2),
            gone(),
            wait(hours=2),
            find("raised:raised_again"),
            wait(hours=2),
            gone(),
            wait(hours=2),
            find("raised:raised_again"),
            wait(hours=2),
            gone(),
            wait(hours=2),
            find("suppressed:flapping", "suppressed"),
        ],
        FAST_FLAPS,
    ),
    "flapping ages out of the window": (
        [
            find("raised:new"),
            wait(1),
            gone(),
            wait(1),
            find("raised:raised_again"),
            wait(1),
            gone(),
            wait(1),
            find("raised:raised_again"),
            wait(1),
            gone(),
            wait(1),
            find("suppressed:flapping"),
            wait(6),
            find("suppressed:flapping"),
            wait(2, hours=23),
            find("suppressed:flapping"),
            wait(hours=1),
            find("raised:raised_again", "open"),
        ],
        FAST_FLAPS,
    ),
    "flapping: clears of a held alert do not count": (
        [
            find("raised:new"),
            wait(1),
            gone(),
            wait(1),
            find("suppressed:cooldown"),
            wait(1),
            gone(),
            wait(1),
            find("suppressed:cooldown"),
            wait(1),
            gone(),
            wait(1),
            find("suppressed:cooldown"),
        ],
        {"cooldown_days": 30, "flapping_count": 2},
    ),
    "noise: held for D days": (
        [
            find("raised:new"),
            say("noise", "suppressed"),
            wait(1),
            find("suppressed:feedback_noise", "suppressed"),
            wait(28),
            find("suppressed:feedback_noise"),
            wait(1, minutes=1),
            find("raised:raised_again", "open"),
        ],
        {},
    ),
    "noise: the effect grew by X % or more: raised": (
        [
            find("raised:new", effect=0.10),
            say("noise"),
            wait(2),
            find("raised:effect_grew_after_noise", "open", effect=0.15),
        ],
        {},
    ),
    "noise: the effect grew by less than X %: held": (
        [
            find("raised:new", effect=0.10),
            say("noise"),
            wait(2),
            find("suppressed:feedback_noise", "suppressed", effect=0.149),
        ],
        {},
    ),
    "noise on a cleared alert: held when it comes back": (
        [
            find("raised:new"),
            wait(1),
            gone("closed"),
            say("noise", "closed"),
            wait(10),
            find("suppressed:feedback_noise", "suppressed"),
        ],
        {},
    ),
    "cooldown after feedback: real keeps the cooldown": (
        [find("raised:new"), say("real", "open"), wait(1), find("suppressed:cooldown", "open")],
        {},
    ),
    "cooldown after feedback: noise then real lifts the hold": (
        [
            find("raised:new"),
            say("noise", "suppressed"),
            say("real", "open"),
            wait(1),
            find("suppressed:cooldown", "open"),
            wait(7),
            find("raised:raised_again"),
        ],
        {},
    ),
    "cooldown after feedback: after the noise hold ends, cooldown runs from the last raise": (
        [
            find("raised:new"),
            say("noise"),
            wait(31),
            find("raised:raised_again"),
            wait(1),
            find("suppressed:cooldown", "open"),
        ],
        {},
    ),
    "resolved: still in the windows, held": (
        [
            find("raised:new"),
            say("resolved", "resolved"),
            wait(1),
            find("suppressed:resolved_recently", "suppressed"),
        ],
        {},
    ),
    "resolved then returned: raised again even within the cooldown": (
        [
            find("raised:new"),
            say("resolved", "resolved"),
            wait(1),
            gone("resolved"),
            wait(1),
            find("raised:returned_after_resolved", "open"),
        ],
        {},
    ),
    "resolved, held, went away, returned": (
        [
            find("raised:new"),
            say("resolved"),
            wait(1),
            find("suppressed:resolved_recently"),
            wait(1),
            gone("closed"),
            wait(1),
            find("raised:returned_after_resolved", "open"),
        ],
        {},
    ),
    "resolved after it went away, then back: returned": (
        [
            find("raised:new"),
            wait(1),
            gone("closed"),
            say("resolved", "resolved"),
            wait(1),
            gone("resolved"),
            wait(1),
            find("raised:returned_after_resolved", "open"),
        ],
        {},
    ),
    "resolved and still found after R days: returned": (
        [find("raised:new"), say("resolved"), wait(30), find("raised:returned_after_resolved")],
        {},
    ),
    "resolved then returned: the old verdict no longer applies": (
        [
            find("raised:new"),
            say("resolved"),
            wait(1),
            gone(),
            wait(1),
            find("raised:returned_after_resolved"),
            wait(1),
            find("suppressed:cooldown", "open"),
        ],
        {},
    ),
}

ZONES: dict[str, Callable[[int], timezone]] = {
    "utc": lambda i: UTC,
    "plus14": lambda i: timezone(timedelta(hours=14)),
    "minus11": lambda i: timezone(timedelta(hours=-11)),
    "changing": lambda i: timezone(timedelta(hours=(i * 7) % 25 - 12)),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desktop.store import create_store
    from tests.conftest import FAST_KDF

    path = tmp_path_factory.mktemp("suppression") / "template.upstream"
    create_store(path, "Riverside Family Practice Billing", PASSPHRASE, kdf=FAST_KDF)
    return path


def _copy(template: Path, tmp_path: Path) -> Path:

    return copy_store(template, tmp_path / "s.upstream")


@pytest.mark.parametrize("zone", list(ZONES))
@pytest.mark.parametrize("case", list(CASES))
def test_policy(case: str, zone: str, template: Path, tmp_path: Path) -> None:
    steps, params = CASES[case]
    clock = MovableClock(datetime(2026, 11, 1, 0, 0, tzinfo=UTC).astimezone(ZONES[zone](0)))
    with open_store(_copy(template, tmp_path), PASSPHRASE, clock=clock) as store:
        scenario = Scenario(store, clock)
        if params:
            scenario.params(**params)
        for i, step in enumerate(steps, start=1):
            where = f"step {i} ({step.kind} {step.expect or step.verdict})"
            if step.kind == "wait":
                clock.advance(step.delta)
                clock.now = clock.now.astimezone(ZONES[zone](i))
                continue
            if step.kind == "say":
                scenario.feedback(A, step.verdict)
            else:
                result = (
                    scenario.run(Spec(effect=step.effect))
                    if step.kind == "find"
                    else (scenario.run())
                )
                if step.kind == "find":
                    (outcome,) = result.outcomes
                    got = f"{outcome.outcome}:{outcome.reason}"
                    assert got == step.expect, where
            if step.state is not None:
                assert scenario.alert(A).state == step.state, where
        alert = scenario.alert(A)
        assert alert.state != "suppressed" or alert.suppressed_reason


def test_every_decision_is_stored_with_its_reason_and_who_decided(
    template: Path, tmp_path: Path
) -> None:
    clock = MovableClock(datetime(2026, 11, 1, tzinfo=UTC))
    with open_store(_copy(template, tmp_path), PASSPHRASE, clock=clock) as store:
        scenario = Scenario(store, clock)
        scenario.run(A)
        clock.advance(timedelta(days=1))
        scenario.run(A)
        scenario.feedback(A, "noise", "seasonal")
        clock.advance(timedelta(days=1))
        scenario.run(A)
        with store.read() as session:
            events = session.query(AlertEvent).order_by(AlertEvent.id).all()
            rows = [(e.outcome, (e.reason or "").split(":")[0], e.decided_by) for e in events]
        alert = scenario.alert(A)
    assert rows == [
        ("raised", "new", "policy:new; rule:Denying more"),
        ("suppressed", "cooldown", "policy:cooldown; rule:Denying more"),
        ("suppressed", "feedback_noise", "policy:feedback_noise; rule:Denying more"),
    ]
    assert alert.state == "suppressed"
    assert alert.suppressed_reason is not None
    assert alert.suppressed_reason.startswith("feedback_noise: marked noise on 2026-11-02")
    assert alert.suppressed_by == "policy:feedback_noise"
