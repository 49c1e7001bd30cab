"""Per-user flood control: a user who sends more than `limit` updates within `window` seconds gets one
polite warning, then is ignored for `cooldown` seconds. Pure apart from the clock it is given."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    ALLOW = "allow"
    WARN = "warn"  # the first update over the limit: say "slow down" once
    DROP = "drop"  # ignored while cooling down


@dataclass
class FloodGate:
    limit: int = 30  # three a second for ten seconds: beyond any person typing, even pasting a report
    window: float = 10.0
    cooldown: float = 60.0
    _seen: dict[int, deque[float]] = field(default_factory=dict)
    _quiet_until: dict[int, float] = field(default_factory=dict)

    def check(self, user_id: int, now: float) -> Verdict:
        if self._quiet_until.get(user_id, 0.0) > now:
            return Verdict.DROP
        times = self._seen.setdefault(user_id, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        times.append(now)
        if len(times) > self.limit:
            self._quiet_until[user_id] = now + self.cooldown
            times.clear()
            return Verdict.WARN
        return Verdict.ALLOW
