"""Progress of the five practices in one channel: what was done per practice and what it is
made of, against the period before, who took part, and the practice that needs attention.

What counts is in bot.progress.activity. `/nudge progress` counts calendar days in the
team's zone (`zone`): "last 7 days" is today and the six days before it, as the chart's
bars are. Without a zone (the digest, `/nudge now`, rotate) a period is the `days` times
24 hours up to `now`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import catalogue
from bot.measures import attention as attention_
from bot.measures import service as measures_
from bot.measures import window as windows
from bot.measures.attention import Attention
from bot.measures.service import TeamMeasures
from bot.progress import activity, tally
from bot.progress.parts import Part, ordered
from bot.slack.members import ChannelMembers


@dataclass(frozen=True)
class Period:
    """[start, end] now, [previous_start, start) before. With a zone, `first` and `last` are
    the calendar days the period covers there (`last` is today)."""

    days: int
    start: datetime
    end: datetime
    previous_start: datetime
    first: date | None = None
    last: date | None = None
    zone: str | None = None

    @property
    def previous_first(self) -> date | None:
        return None if self.first is None else self.first - timedelta(days=self.days)


def period(days: int, now: datetime, zone: str | None = None) -> Period:
    """The last `days` calendar days in `zone` (today included), or the last `days` × 24
    hours when there is no zone."""
    if zone is None:
        start = now - timedelta(days=days)
        return Period(days, start, now, start - timedelta(days=days))
    where = ZoneInfo(zone)
    today = now.astimezone(where).date()
    first = today - timedelta(days=days - 1)
    start = midnight(first, where)
    previous_start = midnight(first - timedelta(days=days), where)
    return Period(days, start, now, previous_start, first, today, zone)


def midnight(day: date, where: ZoneInfo) -> datetime:
    """The moment `day` begins in `where`."""
    return datetime.combine(day, time(), where)


@dataclass(frozen=True)
class PracticeCount:
    """One practice: how much was done now and in the period before, what that is made of,
    and the last time it was done or prompted in the channel (None: never)."""

    practice: str
    current: int
    previous: int
    parts: tuple[Part, ...] = ()
    previous_parts: tuple[Part, ...] = ()
    last_at: datetime | None = None


@dataclass(frozen=True)
class Progress:
    days: int
    counts: tuple[PracticeCount, ...]
    people: int
    focus: str
    # Participation, when the channel's members are known: `participants` of the `members`
    # (people, not nudgebot) took part in the period. Otherwise `members_note` says why not.
    members: int | None = None
    participants: int | None = None
    members_note: str | None = None
    # The period counted, and when the history to compare with begins (None: no history).
    window: Period | None = None
    history_from: datetime | None = None
    # The practices tied with the focus for most in need (the focus among them).
    tied: tuple[str, ...] = field(default=())
    # What the focus is based on: the latest pulse shown, or answers per prompt.
    attention: Attention | None = None
    # The team measures, when asked for (`/nudge progress`).
    measures: TeamMeasures | None = None

    @property
    def total(self) -> int:
        return sum(c.current for c in self.counts)

    @property
    def previous_total(self) -> int:
        return sum(c.previous for c in self.counts)

    @property
    def participation(self) -> int | None:
        """Participants as a whole percentage of the members, when known."""
        if not self.members or self.participants is None:
            return None
        return round(100 * self.participants / self.members)

    @property
    def history(self) -> str:
        """How much history there is to compare with: "full" when it covers the whole period
        before, "partial" when it begins within it, "none" when it begins in this period."""
        if self.window is None or self.history_from is None:
            return "none"
        if self.history_from <= self.window.previous_start:
            return "full"
        return "partial" if self.history_from < self.window.start else "none"


def channel_progress(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    days: int,
    now: datetime,
    members: ChannelMembers | None = None,
    zone: str | None = None,
    measured: windows.Window | None = None,
    with_measures: bool = False,
) -> Progress:
    """What was done per practice in the period (see `period`) and the one before, who took
    part in it, and the practice that most needs attention (bot.measures.attention, over
    `measured`: by default the period's calendar days in `zone`, or in UTC without one).
    With `members` (the channel's, see bot.slack.members), also how many of them took part,
    or why that is unknown. With `with_measures`, the team measures too."""
    window = period(days, now, zone)
    measured = measured or windows.calendar(days, now, zone or "UTC")
    # (practice, kind, done now, done in both periods), from the daily rollups
    rows = tally.both_periods(
        session, team_id, channel_id, window.previous_start, window.start, now
    )
    now_parts: dict[str, list[Part]] = {key: [] for key in catalogue.PRACTICE_KEYS}
    before_parts: dict[str, list[Part]] = {key: [] for key in catalogue.PRACTICE_KEYS}
    for practice, kind, current, count in rows:
        if practice not in now_parts:
            continue
        now_parts[practice].append(Part(kind, int(current or 0)))
        before_parts[practice].append(Part(kind, int(count) - int(current or 0)))

    past = activity.history(session, team_id, channel_id, now)
    counts = tuple(
        PracticeCount(
            practice=key,
            current=sum(p.count for p in now_parts[key]),
            previous=sum(p.count for p in before_parts[key]),
            parts=ordered(now_parts[key]),
            previous_parts=ordered(before_parts[key]),
            last_at=past.last.get(key),
        )
        for key in catalogue.PRACTICE_KEYS
    )
    people = activity.people(session, team_id, channel_id, window.start, now)
    attention = attention_.needs_attention(
        session, team_id=team_id, channel_id=channel_id, window=measured, last=past.last
    )
    report = Progress(
        days=days,
        counts=counts,
        people=len(people),
        focus=attention.focus,
        window=window,
        history_from=past.first,
        tied=attention.tied,
        attention=attention,
    )
    if with_measures:
        team = measures_.team_measures(
            session,
            team_id=team_id,
            channel_id=channel_id,
            window=measured,
            members=members,
            found_balance=attention.balance,
            history_from=past.first,
        )
        report = replace(report, measures=team)
    if members is None:
        return report
    if members.ids is None:
        return replace(report, members_note=members.problem)
    return replace(report, members=len(members.ids), participants=len(people & members.ids))
