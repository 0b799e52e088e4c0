"""The days a measure covers: a period of whole calendar days in the team's zone, the same
number of days before it, and the day that counts as "today" (a commitment due before it
and still open is overdue).

`/nudge progress` counts today and the days before it up to now (`calendar`); the digest
counts the seven whole days before the day it is made (`ending`). Every measure reads its
bounds from here, so the two can never disagree on a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

REACH_DAYS = 30  # recognition reach looks back this far, whatever the period
PILOT_DAYS = 30  # a pilot has this long to be closed with a learning
VOICE_DAYS = 7  # an idea or hope has this long to get a reply
BROAD_DAYS = 90  # people touching at least three practices, over this many days


def midnight(day: date, zone: str) -> datetime:
    """The moment `day` begins in `zone`, in UTC."""
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(UTC)


@dataclass(frozen=True)
class Window:
    """The period [start, end) and the one before it [previous_start, start).

    `first`..`last` are the calendar days of the period in `zone`; `today` is the local day
    of `end` (a commitment due before it and still open is overdue)."""

    days: int
    first: date
    last: date
    today: date
    end: datetime
    zone: str

    @property
    def start(self) -> datetime:
        return midnight(self.first, self.zone)

    @property
    def previous_first(self) -> date:
        return self.first - timedelta(days=self.days)

    @property
    def previous_last(self) -> date:
        return self.first - timedelta(days=1)

    @property
    def previous_start(self) -> datetime:
        return midnight(self.previous_first, self.zone)

    def back(self, days: int) -> tuple[datetime, datetime, datetime]:
        """The previous start, start and end moved `days` calendar days back (the window of
        things old enough to have had `days` days by the end)."""
        shift = timedelta(days=days)
        local_end = self.end.astimezone(ZoneInfo(self.zone))
        return (
            midnight(self.previous_first - shift, self.zone),
            midnight(self.first - shift, self.zone),
            (local_end - shift).astimezone(UTC),  # the same wall-clock time, days earlier
        )

    def trailing(self, days: int) -> tuple[datetime, datetime, datetime]:
        """A trailing window of `days` days ending at `end` ([from, end)), and the same one
        ending at `start` ([previous from, start)): (previous from, from, start)."""
        return (
            midnight(self.first - timedelta(days=days), self.zone),
            midnight(self.last + timedelta(days=1) - timedelta(days=days), self.zone),
            self.start,
        )


def calendar(days: int, now: datetime, zone: str) -> Window:
    """The last `days` calendar days in `zone`, today included, up to `now`."""
    today = now.astimezone(ZoneInfo(zone)).date()
    return Window(days, today - timedelta(days=days - 1), today, today, now, zone)


def ending(days: int, stop: datetime, zone: str) -> Window:
    """The `days` whole days before the day of `stop` in `zone` (a digest's week)."""
    today = stop.astimezone(ZoneInfo(zone)).date()
    last = today - timedelta(days=1)
    return Window(days, last - timedelta(days=days - 1), last, today, stop, zone)
