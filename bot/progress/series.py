"""The practices over time, for the chart: what was done per practice on each calendar day
(7 days or less) or in each calendar week, Monday to Sunday (beyond), in the team's zone.

The bars cover exactly the period `/nudge progress` counts in that zone, so the chart and
the summary add up to the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import catalogue
from bot.progress import tally
from bot.progress.service import midnight, period


@dataclass(frozen=True)
class Bucket:
    """One bar: the calendar days `first` to `last` (both included), which are the moments
    [start, end) in the team's zone (the last bar ends now)."""

    first: date
    last: date
    start: datetime
    end: datetime

    @property
    def day_count(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Series:
    """Counts per practice in consecutive bars covering the last `days` calendar days,
    oldest first: a day each for 7 days or less, a calendar week each beyond (the first
    and last weeks cut to the period)."""

    days: int
    bucket_days: int
    buckets: tuple[Bucket, ...]
    counts: dict[str, tuple[int, ...]]  # practice key -> one count per bar
    zone: str = "UTC"
    today: date | None = None

    @property
    def total(self) -> int:
        return sum(sum(c) for c in self.counts.values())


def bucket_days_for(days: int) -> int:
    return 1 if days <= 7 else 7


def buckets(days: int, now: datetime, zone: str) -> tuple[Bucket, ...]:
    """The bars of the last `days` calendar days in `zone`, today included."""
    where = ZoneInfo(zone)
    window = period(days, now, zone)
    assert window.first is not None and window.last is not None
    spans: list[tuple[date, date]] = []
    day = window.first
    while day <= window.last:
        if bucket_days_for(days) == 1:
            last = day
        else:  # to the Sunday of its week, or today
            last = min(day + timedelta(days=6 - day.weekday()), window.last)
        spans.append((day, last))
        day = last + timedelta(days=1)
    return tuple(
        Bucket(
            first=first,
            last=last,
            start=midnight(first, where),
            end=now if last == window.last else midnight(last + timedelta(days=1), where),
        )
        for first, last in spans
    )


def practice_series(
    session: Session, *, team_id: str, channel_id: str, days: int, now: datetime, zone: str = "UTC"
) -> Series:
    """Counts per practice per calendar day or week in `zone`, for a chart. The bars add up
    to the current period of `channel_progress` with the same zone (same start, same items),
    and are read the same way: whole UTC days from the daily rollups, the rest raw."""
    bars = buckets(days, now, zone)
    where = ZoneInfo(zone)
    found = tally.per_period(
        session, team_id, channel_id, [bar.start for bar in bars] + [bars[-1].end]
    )
    tallies = {key: [0] * len(bars) for key in catalogue.PRACTICE_KEYS}
    for at, counted in enumerate(found):
        for (practice, _kind), count in counted.items():
            if practice in tallies:
                tallies[practice][at] += count
    return Series(
        days=days,
        bucket_days=bucket_days_for(days),
        buckets=bars,
        counts={key: tuple(values) for key, values in tallies.items()},
        zone=zone,
        today=now.astimezone(where).date(),
    )
