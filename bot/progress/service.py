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
    # The practices tied with the focus on the least done now (the focus among them).
    tied: tuple[str, ...] = field(default=())

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
) -> Progress:
    """What was done per practice in the period (see `period`) and the one before, who took
    part in it, and the practice that most needs attention. With `members` (the channel's,
    see bot.slack.members), also how many of them took part, or why that is unknown."""
    window = period(days, now, zone)
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
    tied = tied_for_attention(counts)
    report = Progress(
        days=days,
        counts=counts,
        people=len(people),
        focus=tied[0],
        window=window,
        history_from=past.first,
        tied=tied,
    )
    if members is None:
        return report
    if members.ids is None:
        return replace(report, members_note=members.problem)
    return replace(report, members=len(members.ids), participants=len(people & members.ids))


def tied_for_attention(counts: tuple[PracticeCount, ...]) -> tuple[str, ...]:
    """The practices done least in the period, the one that most needs attention first.

    Among those tied, the one quiet longest comes first: nothing done or prompted for it in
    the channel for the longest time (never counts as longest). Practices never done nor
    prompted are taken in the order of the five practices, which is also the order the
    framework teaches them in. Rotating schedules and `/nudge now` follow the same rule."""
    order = {key: i for i, key in enumerate(catalogue.PRACTICE_KEYS)}
    least = min(c.current for c in counts)
    tied = [c for c in counts if c.current == least]
    tied.sort(key=lambda c: (c.last_at is not None, c.last_at or datetime.min, order[c.practice]))
    return tuple(c.practice for c in tied)
