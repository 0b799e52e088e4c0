"""Counting what was done in a channel over consecutive periods, from the daily rollups
(models.rollups) where a whole UTC day lies inside a period, and from the raw rows for the
partial days at its edges (a period of the team's zone begins at its local midnight) and
for statements (few, and workspace-wide). The cost follows the number of days asked for,
never the channel's history nor how busy it is beyond a day or two of edges.

`per_period` gives the same numbers as counting the raw rows of bot.progress.activity
(tests/test_rollups.py checks it, for zones on the hour and off it).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from bot.progress import activity
from bot.progress.rollups import utc_day, utc_midnight
from models.rollups import ActivityDay

Key = tuple[str, str]  # (practice, kind)


def _whole_days(lo: datetime, hi: datetime) -> tuple[date, date]:
    """The UTC days [first, stop) wholly inside [lo, hi)."""
    first = utc_day(lo)
    if utc_midnight(first) < lo:
        first += timedelta(days=1)
    return first, max(first, utc_day(hi))


def per_period(
    session: Session, team_id: str, channel_id: str, bounds: Sequence[datetime]
) -> list[Counter[Key]]:
    """What was done per (practice, kind) in each period [bounds[i], bounds[i+1]), the
    last one including its end (it ends now, or where a digest ends)."""
    periods = len(bounds) - 1
    found: list[Counter[Key]] = [Counter() for _ in range(periods)]
    rolled: list[tuple[date, date, int]] = []  # whole UTC days [first, stop) of period i
    edges: list[tuple[datetime, datetime]] = []  # raw [lo, hi] spans
    for i in range(periods):
        lo, hi = bounds[i], bounds[i + 1]
        first, stop = _whole_days(lo, hi)
        if first >= stop:
            edges.append((lo, hi))
            continue
        rolled.append((first, stop, i))
        if lo < utc_midnight(first):
            edges.append((lo, utc_midnight(first)))
        if utc_midnight(stop) <= hi:
            edges.append((utc_midnight(stop), hi))

    if rolled:
        starts = [first for first, _, _ in rolled]
        rows = session.execute(
            select(
                ActivityDay.day, ActivityDay.practice, ActivityDay.kind, ActivityDay.count
            ).where(
                ActivityDay.team_id == team_id,
                ActivityDay.channel_id == channel_id,
                ActivityDay.day >= rolled[0][0],
                ActivityDay.day < rolled[-1][1],
            )
        )
        for day, practice, kind, count in rows:
            at = bisect.bisect_right(starts, day) - 1
            if at >= 0 and day < rolled[at][1]:
                found[rolled[at][2]][(practice, kind)] += count

    end = bounds[-1]
    raw = [
        s
        for lo, hi in _merged(edges)
        for s in activity.selects(team_id, channel_id, lo, hi, statements=False)
    ]
    for practice, kind, created_at in session.execute(activity.published(team_id, bounds[0], end)):
        moment = activity.aware(created_at)
        assert moment is not None
        at = periods - 1 if moment == end else bisect.bisect_right(bounds, moment) - 1
        if 0 <= at < periods:
            found[at][(practice, kind)] += 1
    if not raw:
        return found
    for practice, kind, created_at, _actor in session.execute(union_all(*raw)):
        moment = activity.aware(created_at)
        assert moment is not None
        at = bisect.bisect_right(bounds, moment) - 1
        if moment == end:
            at = periods - 1
        if 0 <= at < periods and _raw_here(moment, bounds[at], bounds[at + 1], end):
            found[at][(practice, kind)] += 1
    return found


def _raw_here(moment: datetime, lo: datetime, hi: datetime, end: datetime) -> bool:
    """Whether an item at `moment` in period [lo, hi) is read raw (not in a whole day)."""
    first, stop = _whole_days(lo, hi)
    if first >= stop:
        return True
    return not (utc_midnight(first) <= moment < utc_midnight(stop))


def _merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def both_periods(
    session: Session,
    team_id: str,
    channel_id: str,
    previous_start: datetime,
    start: datetime,
    end: datetime,
) -> list[tuple[str, str, int, int]]:
    """(practice, kind, done in [start, end], done in [previous_start, end]) for progress."""
    before, now = per_period(session, team_id, channel_id, (previous_start, start, end))
    return [(p, k, now[(p, k)], now[(p, k)] + before[(p, k)]) for p, k in sorted(before | now)]
