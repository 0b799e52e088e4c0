"""A small thread-safe cache whose entries expire, for what Slack tells us about people and
channels (users.info, channel members, a person's channels)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    """Entries live `ttl_seconds`; past `max_entries` the cache starts over (simple, bounded)."""

    def __init__(self, ttl_seconds: float, max_entries: int) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._entries: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit and hit[0] > time.monotonic():
                return hit[1]
        return None

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + self._ttl, value)

    def forget(self, key: K) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def forget_where(self, drop: Callable[[K, V], bool]) -> int:
        """Drop every entry for which `drop(key, value)` is true; how many went."""
        with self._lock:
            gone = [key for key, (_, value) in self._entries.items() if drop(key, value)]
            for key in gone:
                del self._entries[key]
        return len(gone)
