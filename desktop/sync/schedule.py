"""When the app syncs next in the background: a steady interval while all is well, capped
exponential backoff with jitter after failures, back to the interval after a success.

Pure (no timers, no Qt): the window's worker asks ``after_success`` / ``after_failure``
for the delay and arms its own timer. "Sync now" simply runs a sync at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class BackgroundSchedule:
    interval_s: float = 300.0
    first_retry_s: float = 15.0
    max_retry_s: float = 1800.0
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0

    def after_success(self) -> float:
        self.failures = 0
        return self.interval_s

    def after_failure(self) -> float:
        """The wait before the next try: doubling per failure, capped, fully jittered."""
        ceiling = min(self.max_retry_s, self.first_retry_s * 2**self.failures)
        self.failures += 1
        return self.rng.uniform(ceiling / 2, ceiling)
