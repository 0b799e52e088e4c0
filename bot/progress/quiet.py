"""The last time each practice was done or prompted in many channels at once: what
`activity.history(...).last` says of each, in two queries for a batch of rotating
schedules (schedules.prompt_job) instead of five per channel.

The channels are a small table of bound parameters (`places`), padded to a power of two so
that a handful of statements, each built once, serve every batch. The rollups are read as
`activity.spans` reads them, a few index lookups per channel whatever its history; the raw
rows of the day of `until`, the prompts and the statements published are read for all the
channels together.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import String, bindparam, func, select, union, union_all
from sqlalchemy.orm import Session

from bot import catalogue
from bot.progress import activity
from bot.progress.rollups import utc_day, utc_midnight
from models.rollups import ActivityDay
from models.tables import Prompt

Place = tuple[str, str]  # (team_id, channel_id)


def size(count: int) -> int:
    """The number of rows of the `places` table that holds `count` channels."""
    return 1 << max(count - 1, 0).bit_length()


@cache
def places(rows: int) -> Any:
    """A table (team_id, channel_id) of `rows` rows of parameters team_<i>, channel_<i>
    (see `place_params`); a channel given twice is one row."""
    each = [
        select(
            bindparam(f"team_{i}", type_=String).label("team_id"),
            bindparam(f"channel_{i}", type_=String).label("channel_id"),
        )
        for i in range(rows)
    ]
    return (union(*each) if rows > 1 else each[0]).cte("places")


def place_params(found: list[Place]) -> dict[str, str]:
    """The parameters of `places(size(len(found)))`: the last channel fills the rows left."""
    padded = [*found, *[found[-1]] * (size(len(found)) - len(found))]
    params: dict[str, str] = {}
    for i, (team_id, channel_id) in enumerate(padded):
        params[f"team_{i}"], params[f"channel_{i}"] = team_id, channel_id
    return params


def lasts(
    session: Session, found: list[Place], until: datetime
) -> dict[Place, dict[str, datetime]]:
    """Per channel, per practice, the last time anything was done or prompted there up to
    `until` (`activity.history(...).last`); a channel with nothing has an empty dict."""
    last: dict[Place, dict[str, datetime]] = {place: {} for place in found}
    if not found:
        return last
    rolled, moments = _queries(size(len(found)))
    today = utc_day(until)
    params: dict[str, Any] = {
        **place_params(found),
        "today": today,
        "midnight": utc_midnight(today),
        "until": until,
    }
    rows: list[Any] = []
    for team_id, channel_id, *found_at in session.execute(rolled, params):
        keys = catalogue.PRACTICE_KEYS
        rows.extend((team_id, channel_id, k, at) for k, at in zip(keys, found_at, strict=True))
    rows.extend(session.execute(moments, params))
    for team_id, channel_id, practice, at in rows:
        moment = activity.aware(at)
        mine = last.get((team_id, channel_id))
        if moment is None or mine is None:
            continue
        if practice not in mine or moment > mine[practice]:
            mine[practice] = moment
    return last


@cache
def _queries(rows: int) -> tuple[Any, Any]:
    """The two queries of `lasts` for a `places` table of `rows` rows, built once: per
    channel, each practice's last moment in the rollups before the day of until (as
    `activity.spans`); and (team, channel, practice, last moment) of the raw rows of that
    day, the prompts and the statements published."""
    place = places(rows)
    team, channel = place.c.team_id, place.c.channel_id
    today: Any = bindparam("today")
    midnight: Any = bindparam("midnight")
    until: Any = bindparam("until")
    mine = (ActivityDay.team_id == team, ActivityDay.channel_id == channel)

    def last_at(key: str) -> Any:
        day = (
            select(func.max(ActivityDay.day))
            .where(*mine, ActivityDay.practice == key, ActivityDay.day < today)
            .correlate(place)
            .scalar_subquery()
        )
        return (
            select(func.max(ActivityDay.last_at))
            .where(*mine, ActivityDay.practice == key, ActivityDay.day == day)
            .scalar_subquery()
        )

    rolled = select(team, channel, *(last_at(key) for key in catalogue.PRACTICE_KEYS))

    def per_place(found: Any) -> Any:
        # (team, channel, practice, last moment) of rows given with their place's columns
        rows = found.add_columns(team.label("at_team"), channel.label("at_channel")).subquery()
        where = (rows.c.at_team, rows.c.at_channel, rows.c[0])
        return select(*where, func.max(rows.c[2])).group_by(*where)

    today_done = activity.sources(team, channel, midnight, until, False, False)
    moments = union_all(
        *(per_place(s) for s in today_done),
        per_place(activity.publishing(team, None, until)),
        select(Prompt.team_id, Prompt.channel_id, Prompt.practice, func.max(Prompt.created_at))
        .join(place, (Prompt.team_id == team) & (Prompt.channel_id == channel))
        .where(Prompt.created_at <= until)
        .group_by(Prompt.team_id, Prompt.channel_id, Prompt.practice),
    )
    return rolled, moments
