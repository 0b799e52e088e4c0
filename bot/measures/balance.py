"""Balance across the five practices, and the team values named.

- Answers per prompt: for each practice, the prompts of it posted in the channel in the
  period, and the answers to them (an answer, a kudos or a worry logged against one of
  those prompts, whenever it came). A practice with no prompt posted has no rate: it is
  not "weak", it was not asked about.
- Broad practice: how many people did something for at least three of the five practices
  in the 90 days up to the end of the period (and up to its start), as progress counts
  what a person did (bot.progress.activity: kudos given, answers with their name,
  commitments made and kept, statements published).
- Values named: per team value, how many kudos and wins named it in the period and the one
  before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, bindparam, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from bot import catalogue
from bot.measures.window import BROAD_DAYS, Window
from bot.progress import activity, quiet
from bot.progress.quiet import Place
from models.tables import Prompt, Recognition, Response

BROAD_PRACTICES = 3


@dataclass(frozen=True)
class Rate:
    """One practice in one period: `prompts` posted, `answers` to them."""

    practice: str
    prompts: int
    answers: int

    @property
    def per_prompt(self) -> float | None:
        return None if not self.prompts else self.answers / self.prompts


@dataclass(frozen=True)
class Balance:
    """Answers per prompt per practice (catalogue order), now and before."""

    current: tuple[Rate, ...]
    previous: tuple[Rate, ...]

    def rate(self, practice: str, previous: bool = False) -> Rate:
        found = self.previous if previous else self.current
        return next(r for r in found if r.practice == practice)


@dataclass(frozen=True)
class Broad:
    """People who did something for at least three practices in 90 days."""

    people: int
    previous: int


@dataclass(frozen=True)
class ValueNamed:
    value: str
    current: int
    previous: int


def _answers(table: Any, team_id: Any, channel_id: Any, since: Any) -> Any:
    """How many of `table`'s rows answer the prompt of the row outside, logged here since
    `since`: read through the index on the prompt (ix_*_prompt), not the channel's rows."""
    return (
        select(func.count())
        .where(
            table.prompt_id == Prompt.id,
            table.team_id == team_id,
            table.channel_id == channel_id,
            table.created_at >= since,
        )
        .scalar_subquery()
    )


def balance(session: Session, *, team_id: str, channel_id: str, window: Window) -> Balance:
    """Prompts posted per practice in the period and the one before, with their answers
    (one query: the prompts of the two periods, each with its answers counted from the
    prompt, so a busy channel's other rows are never read)."""
    rows = session.execute(
        _balance_query(),
        {
            "team_id": team_id,
            "channel_id": channel_id,
            "since": window.previous_start,
            "start": window.start,
            "end": window.end,
        },
    ).all()
    return _balance({(practice, bool(now)): (int(n), int(a)) for practice, now, n, a in rows})


def _balance(found: dict[tuple[str, bool], tuple[int, int]]) -> Balance:
    """Balance from (practice, in the period) -> (prompts, answers)."""

    def rates(now: bool) -> tuple[Rate, ...]:
        return tuple(Rate(k, *found.get((k, now), (0, 0))) for k in catalogue.PRACTICE_KEYS)

    return Balance(rates(True), rates(False))


def balances(session: Session, *, places: list[Place], window: Window) -> dict[Place, Balance]:
    """`balance` of many channels (team_id, channel_id) at once, in one query."""
    if not places:
        return {}
    found: dict[Place, dict[tuple[str, bool], tuple[int, int]]] = {p: {} for p in places}
    params = {
        **quiet.place_params(places),
        "since": window.previous_start,
        "start": window.start,
        "end": window.end,
    }
    for team_id, channel_id, practice, now, n, a in session.execute(
        _balances_query(quiet.size(len(places))), params
    ):
        found[team_id, channel_id][practice, bool(now)] = (int(n), int(a))
    return {place: _balance(rows) for place, rows in found.items()}


@cache
def _balance_query() -> Any:
    """The query of `balance`, built once with the parameters team_id, channel_id, since
    (the previous period's start), start and end, so each call reuses the compiled
    statement."""
    names = ("team_id", "channel_id", "since", "start", "end")
    params: list[Any] = [bindparam(name) for name in names]
    return _balance_select((Prompt.practice,), *params)


@cache
def _balances_query(rows: int) -> Any:
    """The query of `balances` for a table of `rows` channels (bot.progress.quiet.places),
    built once: `balance`'s, per channel."""
    place = quiet.places(rows)
    team, channel = place.c.team_id, place.c.channel_id
    params: list[Any] = [bindparam(name) for name in ("since", "start", "end")]
    return _balance_select((team, channel, Prompt.practice), team, channel, *params)


def _balance_select(
    keys: tuple[Any, ...], team: Any, channel: Any, since: Any, start: Any, end: Any
) -> Any:
    """Per `keys` (the practice, after the channel for many channels) and period, the
    prompts posted in the channel `team`, `channel` with their answers logged there."""
    answered = _answers(Response, team, channel, since) + _answers(
        Recognition, team, channel, since
    )
    is_now = case((Prompt.created_at >= start, 1), else_=0)
    return (
        select(
            *keys,
            is_now.label("now"),
            func.count(Prompt.id),
            func.coalesce(func.sum(answered), 0),
        )
        .where(
            Prompt.team_id == team,
            Prompt.channel_id == channel,
            Prompt.created_at >= since,
            Prompt.created_at < end,
        )
        .group_by(*keys, is_now)
    )


def _touched(source: Any, now: tuple[datetime, datetime], before: tuple[datetime, datetime]) -> Any:
    """One source's (actor, practice) pairs, each with whether it was done in 90 days to
    the end (`now`) and to the start (`before`): aggregated where it is read, so only a
    few rows per person leave each index."""
    found = source.subquery()
    practice, at, actor = found.c[0], found.c[2], found.c[3]
    return (
        select(
            actor.label("actor"),
            practice.label("practice"),
            func.max(case(((at >= now[0]) & (at < now[1]), 1), else_=0)).label("now"),
            func.max(case(((at >= before[0]) & (at < before[1]), 1), else_=0)).label("before"),
        )
        .where(actor.is_not(None))
        .group_by(actor, practice)
    )


def broad(session: Session, *, team_id: str, channel_id: str, window: Window) -> Broad:
    """People touching at least three practices in 90 days, to the end and to the start
    (one query: each source reduced to its people's practices first)."""
    before_from, now_from, before_to = window.trailing(BROAD_DAYS)
    sources = activity.selects(team_id, channel_id, min(before_from, now_from), window.end)
    pairs = union_all(
        *(_touched(s, (now_from, window.end), (before_from, before_to)) for s in sources)
    ).subquery()
    per_person = (
        select(
            func.count(func.distinct(case((pairs.c.now == 1, pairs.c.practice)))).label("now"),
            func.count(func.distinct(case((pairs.c.before == 1, pairs.c.practice)))).label(
                "before"
            ),
        )
        .group_by(pairs.c.actor)
        .subquery()
    )
    wide = literal(BROAD_PRACTICES, Integer)
    now, before = session.execute(
        select(
            func.coalesce(func.sum(case((per_person.c.now >= wide, 1), else_=0)), 0),
            func.coalesce(func.sum(case((per_person.c.before >= wide, 1), else_=0)), 0),
        )
    ).one()
    return Broad(int(now), int(before))


def values_named(
    session: Session, *, team_id: str, channel_id: str, window: Window
) -> tuple[ValueNamed, ...]:
    """How often each team value was named, most named first (then by name); values named
    only before the period are listed with 0 now."""
    named = union_all(
        select(Recognition.team_value.label("value"), Recognition.created_at.label("at")).where(
            Recognition.team_id == team_id,
            Recognition.channel_id == channel_id,
            Recognition.team_value.is_not(None),
            Recognition.created_at >= window.previous_start,
            Recognition.created_at < window.end,
        ),
        select(Response.team_value, Response.created_at).where(
            Response.team_id == team_id,
            Response.channel_id == channel_id,
            Response.team_value.is_not(None),
            Response.created_at >= window.previous_start,
            Response.created_at < window.end,
        ),
    ).subquery()
    is_now = named.c.at >= window.start
    rows = session.execute(
        select(
            named.c.value,
            func.sum(case((is_now, 1), else_=0)),
            func.sum(case((is_now, 0), else_=1)),
        ).group_by(named.c.value)
    ).all()
    found = [ValueNamed(str(v), int(n or 0), int(b or 0)) for v, n, b in rows]
    return tuple(sorted(found, key=lambda v: (-v.current, -v.previous, v.value.lower())))
