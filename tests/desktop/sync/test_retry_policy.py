"""The backoff: exponential, jittered, capped, and Retry-After honoured within the cap."""

from __future__ import annotations

import random

from desktop.sync.client import RetryPolicy


def test_waits_grow_then_stay_under_the_cap_and_jitter() -> None:
    policy = RetryPolicy(attempts=8, base_delay_s=0.5, max_delay_s=4.0)
    rng = random.Random(1)
    for attempt in range(8):
        waits = [policy.delay(attempt, rng, None) for _ in range(200)]
        ceiling = min(4.0, 0.5 * 2**attempt)
        assert all(0 <= w <= ceiling for w in waits)
        assert len({round(w, 6) for w in waits}) > 150  # jittered, not a fixed step
    assert max(policy.delay(7, rng, None) for _ in range(200)) > 3.0


def test_retry_after_is_honoured_but_never_beyond_the_cap() -> None:
    policy = RetryPolicy(base_delay_s=0.1, max_delay_s=5.0)
    rng = random.Random(2)
    assert policy.delay(0, rng, 2.0) >= 2.0
    assert policy.delay(0, rng, 3600.0) == 5.0


def test_the_background_schedule_backs_off_after_failures_and_resets_on_success() -> None:
    from desktop.sync.schedule import BackgroundSchedule

    schedule = BackgroundSchedule(
        interval_s=300, first_retry_s=10, max_retry_s=160, rng=random.Random(3)
    )
    waits = [schedule.after_failure() for _ in range(8)]
    ceilings = [min(160, 10 * 2**i) for i in range(8)]
    assert all(c / 2 <= w <= c for w, c in zip(waits, ceilings, strict=True))
    assert schedule.after_success() == 300
    assert schedule.after_failure() <= 10
