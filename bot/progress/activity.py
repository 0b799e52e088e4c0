"""What counts as practising in a channel, as queries: one row per thing done, with its
practice, its kind (see bot.progress.parts), when it happened and who did it.

- a kudos, under the practice it was tagged with (heart by default), done by its giver;
  its receivers took part too (`receivers`);
- an answer (win, hope, worry, goal, pilot, idea, learning, ...), under its practice; a
  worry has no author;
- a commitment made (when made) and kept (when answered kept): Model the Way;
- the vision or the guidelines published: Inspire a Shared Vision; the team's values
  published: Model the Way (parts.PUBLISHED_PRACTICE). Statements belong to the workspace,
  so they count in every channel of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import String, bindparam, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from bot import catalogue
from bot.progress import parts
from bot.progress.rollups import utc_day, utc_midnight
from models.rollups import ActivityDay
from models.tables import (
    Commitment,
    Prompt,
    Recognition,
    RecognitionRecipient,
    Response,
    Statement,
    Workspace,
)


def aware(moment: datetime | None) -> datetime | None:
    """A timestamp read through a union or an aggregate, made timezone-aware (UTC)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _between(
    column: Any, since: datetime | None, until: datetime, open_end: bool = False
) -> list[Any]:
    upper = column < until if open_end else column <= until
    return [upper] if since is None else [column >= since, upper]


def selects(
    team_id: str,
    channel_id: str | None,
    since: datetime | None,
    until: datetime,
    statements: bool = True,
    open_end: bool = False,
) -> list[Any]:
    """One select per source, each giving (practice, kind, created_at, actor) for what was
    done in the channel (None: anywhere in the workspace, as App Home counts a person's)
    from `since` (None: ever) to `until`, both included. The upper bound keeps a digest
    posted late to its own week."""
    return sources(team_id, channel_id, since, until, statements, open_end)


def sources(
    team_id: Any, channel_id: Any, since: Any, until: Any, statements: bool, open_end: bool
) -> list[Any]:
    """`selects` of values, or of columns and parameters (a statement built once, or one
    reading many channels at once: bot.progress.quiet)."""

    def where(column: Any) -> list[Any]:
        return [] if channel_id is None else [column == channel_id]

    kudos = select(
        Recognition.practice.label("practice"),
        literal("kudos", String).label("kind"),
        Recognition.created_at.label("created_at"),
        Recognition.giver_id.label("actor"),
    ).where(
        Recognition.team_id == team_id,
        *where(Recognition.channel_id),
        *_between(Recognition.created_at, since, until, open_end),
    )
    answers = select(Response.practice, Response.kind, Response.created_at, Response.user_id).where(
        Response.team_id == team_id,
        *where(Response.channel_id),
        *_between(Response.created_at, since, until, open_end),
    )
    mine = (Commitment.team_id == team_id, *where(Commitment.channel_id))
    made = select(
        literal(parts.MODEL, String),
        literal(parts.MADE, String),
        Commitment.created_at,
        Commitment.user_id,
    ).where(*mine, *_between(Commitment.created_at, since, until, open_end))
    kept = select(
        literal(parts.MODEL, String),
        literal(parts.KEPT, String),
        Commitment.answered_at,
        Commitment.user_id,
    ).where(
        *mine,
        # Made before it was kept: lets the channel's index find them (not every kept
        # commitment of the database, as the index on status would).
        Commitment.created_at <= until,
        Commitment.status == "kept",
        *_between(Commitment.answered_at, since, until, open_end),
    )
    done = [kudos, answers, made, kept]
    return [*done, publishing(team_id, since, until)] if statements else done


def publishing(team_id: Any, since: Any, until: Any) -> Any:
    """The statements published in the workspace, as `selects` gives things done."""
    homes = parts.PUBLISHED_PRACTICE.items()
    return select(
        case(
            *((Statement.kind == kind, literal(practice, String)) for kind, practice in homes),
            else_=literal(parts.VISION, String),
        ),
        literal("published_", String) + Statement.kind,
        Statement.created_at,
        Statement.author_id,
    ).where(
        Statement.team_id == team_id,
        Statement.kind.in_(tuple(parts.PUBLISHED)),
        *_between(Statement.created_at, since, until),
    )


def published(team_id: str, since: datetime | None, until: datetime) -> Any:
    """The statements published in the workspace in the window, as (practice, kind,
    created_at): they count in every channel, and are never rolled up (a handful)."""
    query = publishing(team_id, since, until)
    return query.with_only_columns(*query.selected_columns[:3])


def items(team_id: str, channel_id: str | None, since: datetime | None, until: datetime) -> Any:
    """Everything done in the channel in the window, as one subquery (see `selects`)."""
    return union_all(*selects(team_id, channel_id, since, until)).subquery()


def receivers(team_id: str, channel_id: str, since: datetime, until: datetime) -> Any:
    """The people a kudos in the window named: they took part as much as its giver."""
    return (
        select(RecognitionRecipient.user_id)
        .join(Recognition, Recognition.id == RecognitionRecipient.recognition_id)
        .where(
            Recognition.team_id == team_id,
            Recognition.channel_id == channel_id,
            *_between(Recognition.created_at, since, until),
        )
    )


def people(
    session: Session, team_id: str, channel_id: str, since: datetime, until: datetime
) -> set[str]:
    """Everyone who took part in the window: givers and receivers of kudos, authors of
    answers, people making or keeping a commitment, authors of a statement."""
    actors = [
        s.with_only_columns(s.selected_columns[3])
        for s in selects(team_id, channel_id, since, until)
    ]
    found = union_all(*actors, receivers(team_id, channel_id, since, until)).subquery()
    column = found.c[0]
    return set(session.scalars(select(column).where(column.is_not(None)).distinct()))


@dataclass(frozen=True)
class History:
    """How far back the channel's history goes (`first`, None when there is none), and per
    practice the last time anything was done or prompted for it there (`last`)."""

    first: datetime | None
    last: dict[str, datetime]


def history(session: Session, team_id: str, channel_id: str, until: datetime) -> History:
    """`first` is when nudgebot started in the workspace, or the first thing done or
    prompted in the channel if that is earlier; `last` counts prompts posted as well as
    things done, so a practice just prompted is not the quietest. Things done are read from
    the daily rollups (`spans`), so this costs the same whatever the channel's history."""
    first, last = spans(session, team_id, channel_id, until)
    started, by_practice, prompted = _history_queries()
    where = {"team_id": team_id, "channel_id": channel_id, "until": until}
    starts = [first, session.scalar(started, where)]
    for practice, earliest, latest in [
        *session.execute(by_practice, where),
        *session.execute(prompted, where),
    ]:
        starts.append(earliest)
        moment = aware(latest)
        if moment is not None and (practice not in last or moment > last[practice]):
            last[practice] = moment
    found = [m for m in (aware(s) for s in starts) if m is not None]
    return History(first=min(found, default=None), last=last)


def _param(name: str) -> Any:
    """A parameter of a statement built once, given its value at each execution; it takes
    the type of the column it is compared with."""
    return bindparam(name)


@cache
def _history_queries() -> tuple[Any, Any, Any]:
    """When the workspace started, and per practice the first and last statement published
    and prompt posted: built once, with the parameters team_id, channel_id and until, so
    each call reuses the compiled statements."""
    team, channel, until = _param("team_id"), _param("channel_id"), _param("until")
    started = select(Workspace.created_at).where(Workspace.team_id == team)
    said = publishing(team, None, until).subquery()
    by_practice = select(
        said.c[0], func.min(said.c.created_at), func.max(said.c.created_at)
    ).group_by(said.c[0])
    prompted = (
        select(Prompt.practice, func.min(Prompt.created_at), func.max(Prompt.created_at))
        .where(Prompt.team_id == team, Prompt.channel_id == channel, Prompt.created_at <= until)
        .group_by(Prompt.practice)
    )
    return started, by_practice, prompted


def spans(
    session: Session, team_id: str, channel_id: str, until: datetime
) -> tuple[datetime | None, dict[str, datetime]]:
    """When the channel's history of things done begins, and the last time each practice was
    done, up to `until`: a few index lookups in the rollups for the days before the day of
    `until`, and the raw rows of that day (kudos, answers, commitments; statements are
    added by the caller)."""
    today = utc_day(until)
    rolled, raw = _spans_queries()
    where = {
        "team_id": team_id,
        "channel_id": channel_id,
        "today": today,
        "midnight": utc_midnight(today),
        "until": until,
    }
    row = session.execute(rolled, where).one()
    first = aware(row[0])
    last = {
        key: moment
        for key, moment in zip(catalogue.PRACTICE_KEYS, map(aware, row[1:]), strict=True)
        if moment is not None
    }
    for practice, earliest, latest in session.execute(raw, where):
        earliest, latest = aware(earliest), aware(latest)
        if earliest is not None and (first is None or earliest < first):
            first = earliest
        if latest is not None and (practice not in last or latest > last[practice]):
            last[practice] = latest
    return first, last


@cache
def _spans_queries() -> tuple[Any, Any]:
    """The two queries of `spans`, built once with the parameters team_id, channel_id,
    today (the UTC day of until), midnight (its start) and until: a dozen subqueries cost
    more to build and key than to run, and a channel with nothing done runs them too."""
    names = ("team_id", "channel_id", "today", "midnight", "until")
    team, channel, today, midnight, until = map(_param, names)
    mine = (ActivityDay.team_id == team, ActivityDay.channel_id == channel)

    def on_day(column, day_query, *extra):  # type: ignore[no-untyped-def]
        return select(column).where(*mine, *extra, ActivityDay.day == day_query).scalar_subquery()

    def last_day(key: str):  # type: ignore[no-untyped-def]
        return (
            select(func.max(ActivityDay.day))
            .where(*mine, ActivityDay.practice == key, ActivityDay.day < today)
            .scalar_subquery()
        )

    first_day = (
        select(func.min(ActivityDay.day)).where(*mine, ActivityDay.day < today).scalar_subquery()
    )
    columns = [
        on_day(func.min(ActivityDay.first_at), first_day).label("first"),
        *(
            on_day(func.max(ActivityDay.last_at), last_day(key), ActivityDay.practice == key).label(
                key
            )
            for key in catalogue.PRACTICE_KEYS
        ),
    ]
    found = union_all(*sources(team, channel, midnight, until, False, False)).subquery()
    raw = select(
        found.c.practice, func.min(found.c.created_at), func.max(found.c.created_at)
    ).group_by(found.c.practice)
    return select(*columns), raw
