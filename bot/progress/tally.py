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

from sqlalchemy import and_, case, func, literal, select, union_all
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
    # Raw [lo, hi) of period i, or [lo, hi] (`closed`) where the last period ends.
    edges: list[tuple[datetime, datetime, int, bool]] = []
    for i in range(periods):
        lo, hi = bounds[i], bounds[i + 1]
        last = i == periods - 1
        first, stop = _whole_days(lo, hi)
        if first >= stop:
            edges.append((lo, hi, i, last))
            continue
        rolled.append((first, stop, i))
        if lo < utc_midnight(first):
            edges.append((lo, utc_midnight(first), i, False))
        edges.append((utc_midnight(stop), hi, i, last))

    if rolled:
        # Summed per period by the database: a few rows per practice, whatever the days.
        period = case(
            *(
                (and_(ActivityDay.day >= first, ActivityDay.day < stop), i)
                for first, stop, i in rolled
            ),
            else_=-1,
        )
        rows = session.execute(
            select(period, ActivityDay.practice, ActivityDay.kind, func.sum(ActivityDay.count))
            .where(
                ActivityDay.team_id == team_id,
                ActivityDay.channel_id == channel_id,
                ActivityDay.day >= rolled[0][0],
                ActivityDay.day < rolled[-1][1],
            )
            .group_by(period, ActivityDay.practice, ActivityDay.kind)
        )
        for at, practice, kind, count in rows:
            if at >= 0:
                found[at][(practice, kind)] += int(count)

    # The edges, counted by the database in one round trip; the last period includes its end.
    raw = [
        s.with_only_columns(literal(i).label("period"), *s.selected_columns[:2])
        for lo, hi, i, closed in edges
        if lo < hi or closed
        for s in activity.selects(
            team_id, channel_id, lo, hi, statements=False, open_end=not closed
        )
    ]
    if raw:
        edge = union_all(*raw).subquery()
        for at, practice, kind, count in session.execute(
            select(edge.c.period, edge.c.practice, edge.c.kind, func.count()).group_by(
                edge.c.period, edge.c.practice, edge.c.kind
            )
        ):
            found[at][(practice, kind)] += count
    # Statements, always raw: a handful in the workspace.
    end = bounds[-1]
    for practice, kind, created_at in session.execute(activity.published(team_id, bounds[0], end)):
        moment = activity.aware(created_at)
        assert moment is not None
        at = periods - 1 if moment == end else bisect.bisect_right(bounds, moment) - 1
        if 0 <= at < periods:
            found[at][(practice, kind)] += 1
    return found


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
