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
