"""Slack's limits, kept by one replica's poster (schedules/posting.py): one post in flight
per channel, the next `channel_interval` seconds after it began (or after it ended, when it
took over half that: the client may have waited Retry-After on a 429), and at most
`per_workspace` posts of one workspace in flight, so one big workspace cannot take the
whole pool. Not thread-safe: the poster calls it under its own lock."""

from __future__ import annotations

from collections import Counter

from schedules.limits import Limits

BUSY = float("inf")  # a channel's next post waits for the one in flight


class Pace:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._channel_at: dict[str, float] = {}  # channel -> earliest next post (monotonic)
        self._team: Counter[str] = Counter()

    def admit(self, team_id: str, channel_id: str, now: float) -> float | None:
        """0.0 and counted as in flight if a post there may go now; else how long until the
        channel may take one (None: until a post in flight ends)."""
        at = self._channel_at.get(channel_id, 0.0)
        if at > now:
            return None if at == BUSY else at - now
        if self._team[team_id] >= self.limits.per_workspace:
            return None
        self._channel_at[channel_id] = BUSY
        self._team[team_id] += 1
        return 0.0

    def done(
        self, team_id: str, channel_id: str, began: float, now: float, later: float = 0.0
    ) -> None:
        """A post admitted at `began` ended at `now` (`later`: the channel waits that many
        seconds more)."""
        interval = self.limits.channel_interval
        at = (began if now - began < interval / 2 else now) + interval  # slow: retried?
        self._channel_at[channel_id] = max(at, now + later)
        self._team[team_id] -= 1
        if not self._team[team_id]:
            del self._team[team_id]
        if len(self._channel_at) > 50_000:  # forget channels free to post again
            self._channel_at = {c: t for c, t in self._channel_at.items() if t > now}
