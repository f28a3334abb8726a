"""Rate limits for the hot path (every pin a phone sends): all of a request's counters in one round
trip to Redis, or in this process's memory without any timer thread.

Flask-Limiter guards everything else (logins, joins, code look-ups). A pin is checked against two
limits (per participant, per walk); through Flask-Limiter that cost two Redis scripts and about a
millisecond, a fifth of the whole request. Here it is one small script for all of them (an INCR per
limit, and its window's end set when the counter is new), fixed windows, the same storage URI
(RATELIMIT_STORAGE_URI) and key prefix.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterable

from limits import RateLimitItem, parse_many


# Every counter of a request in one command (EVALSHA): counted, and given its window's end when new.
_COUNT = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  if counts[i] == 1 then redis.call('EXPIREAT', key, ARGV[i]) end
end
return counts
"""


@functools.lru_cache(maxsize=64)
def parse(text: str) -> tuple[RateLimitItem, ...]:
    """'30 per minute; 500 per hour' as limit items (parsed once per distinct text)."""
    return tuple(parse_many(text))


class Exceeded(Exception):
    """A limit is used up; `retry_after` seconds until its window ends."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class Quota:
    """Fixed-window counters in Redis (redis://…) or in memory (memory://, one process only)."""

    def __init__(self, storage_uri: str, prefix: str = ""):
        self.prefix = f"{prefix}:quota" if prefix else "quota"
        self.redis = None
        if storage_uri.startswith(("redis://", "rediss://", "unix://")):
            import redis

            self.redis = redis.Redis.from_url(storage_uri)
            self._count = self.redis.register_script(_COUNT)
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._next_purge = 0.0

    def hit(self, limits: Iterable[tuple[str, str]], now: float | None = None) -> None:
        """Count one hit against every (key, limit text); raise Exceeded if any is used up.

        A refused hit still counts, as a hammering client should not win by being refused.
        """
        now = time.time() if now is None else now
        checks = []
        for key, text in limits:
            for item in parse(text):
                window = item.get_expiry()
                start = int(now // window * window)
                checks.append((f"{self.prefix}:{key}:{item.amount}/{window}:{start}", item.amount, start + window))
        counts = self._redis_incr(checks) if self.redis is not None else self._memory_incr(checks, now)
        over = [end for (_, amount, end), count in zip(checks, counts) if count > amount]
        if over:
            raise Exceeded(max(1, int(max(over) - now)))

    def _redis_incr(self, checks) -> list[int]:
        return self._count(keys=[name for name, _, _ in checks], args=[int(end) + 1 for _, _, end in checks])

    def _memory_incr(self, checks, now: float) -> list[int]:
        with self._lock:
            if now >= self._next_purge:  # forget ended windows now and then, not on a timer
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
                self._next_purge = now + 60
            out = []
            for name, _, end in checks:
                count = self._counts.get(name, (0, end))[0] + 1
                self._counts[name] = (count, end)
                out.append(count)
            return out
