"""What a digest says, as plain data: the kudos, wins, ideas and experiments, hopes and
worries, commitments, the practices, the vision, next week's focus and the milestones of a
channel's week.

A digest covers whole calendar days in the team's zone: the seven days before the day it
is made (`window`), so its heading names exactly the days it covers ("23–29 Nov") and
weekly digests follow one another without a gap or an overlap. When an earlier digest in
the channel already covered part of that week (one shared early from a preview), the
digest covers only what is new since (`since`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from bot.digest import milestones
from bot.digest.milestones import FIRST_RECOGNITION, Reached
from bot.measures import service as measures
from bot.measures import window as windows
from bot.measures.service import TeamMeasures
from bot.progress import service as progress
from bot.slack.members import ChannelMembers
from bot.statements import service as statements
from bot.statements.service import Current
from models.tables import Commitment, Recognition, RecognitionRecipient, Response

DAYS = 7
# Answers shown in "Ideas and experiments": what people propose, try, learn and aim for.
IDEAS = ("idea", "pilot", "learning", "goal", "vision")


@dataclass(frozen=True)
class Kudo:
    """One kudos: who gave it, everyone it named (None: someone who asked to be
    forgotten), and why."""

    giver_id: str | None
    receivers: tuple[str | None, ...]
    reason: str


@dataclass(frozen=True)
class Item:
    """A win, idea, pilot, hope ... with its kind and author; a worry never has one."""

    kind: str
    user_id: str | None
    text: str


@dataclass(frozen=True)
class Promise:
    user_id: str
    text: str
    due_on: date


@dataclass(frozen=True)
class Digest:
    channel_id: str
    start: datetime
    end: datetime
    zone: str
    since: bool  # only what is new since an earlier digest (start is where it ended)
    kudos: tuple[Kudo, ...]
    wins: tuple[Item, ...]
    ideas: tuple[Item, ...]  # ideas, pilots, learnings, goals, pictures of the future
    hopes: tuple[Item, ...]  # hopes and worries as they came (a worry has no name)
    kept: tuple[Promise, ...]
    due: tuple[Promise, ...]
    progress: progress.Progress | None  # the practices this week (None for a `since` one)
    vision: Current | None
    milestones: tuple[Reached, ...]  # to celebrate: reached in the days covered
    settled: tuple[int, ...]  # every waiting milestone this digest settles once posted
    measures: TeamMeasures | None = None  # the team's measures this week (None: `since`)

    @property
    def first_day(self) -> date:
        return self.start.astimezone(ZoneInfo(self.zone)).date()

    @property
    def last_day(self) -> date:
        """The last day covered (the window ends at midnight after it)."""
        return (self.end.astimezone(ZoneInfo(self.zone)) - timedelta(seconds=1)).date()

    @property
    def today(self) -> date:
        return self.end.astimezone(ZoneInfo(self.zone)).date()

    @property
    def logged(self) -> int:
        return len(self.kudos) + len(self.wins) + len(self.ideas) + len(self.hopes)

    @property
    def focus(self) -> str | None:
        return self.progress.focus if self.progress else None

    @property
    def quiet(self) -> bool:
        """Nothing shared, no commitment kept and nothing to celebrate."""
        return not (self.logged or self.kept or self.milestones)

    @property
    def new_vision(self) -> bool:
        return self.vision is not None and self.start <= self.vision.created_at < self.end


def midnight(day: date, zone: str) -> datetime:
    """The moment `day` begins in `zone` (in UTC)."""
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(UTC)


def window(at: datetime, zone: str, days: int = DAYS) -> tuple[datetime, datetime]:
    """The `days` whole days before the day of `at` in `zone`: [their first midnight, the
    midnight that begins the day of `at`)."""
    today = at.astimezone(ZoneInfo(zone)).date()
    return midnight(today - timedelta(days=days), zone), midnight(today, zone)


def build(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    end: datetime,
    zone: str,
    days: int = DAYS,
    since: datetime | None = None,
    members: ChannelMembers | None = None,
) -> Digest:
    """The channel's digest for the `days` whole days before the day of `end` in `zone`
    (see `window`), or only from `since` when an earlier digest covered the days before it.
    Commitments due are those due in the `days` days from the day of `end`. The team
    measures cover the same days (recognition reach needs the channel's `members`)."""
    start, stop = window(end, zone, days)
    partial = since is not None and since > start
    if since is not None and partial:
        start = since
    recognised = _kudos(session, team_id, channel_id, start, stop)
    answers = session.execute(
        select(Response.kind, Response.user_id, Response.text)
        .where(
            Response.team_id == team_id,
            Response.channel_id == channel_id,
            Response.created_at >= start,
            Response.created_at < stop,
        )
        .order_by(Response.created_at, Response.id)
    ).all()
    items = [Item(kind, user, text) for kind, user, text in answers]
    today = stop.astimezone(ZoneInfo(zone)).date()
    kept = _promises(
        session,
        team_id,
        channel_id,
        Commitment.status == "kept",
        Commitment.answered_at >= start,
        Commitment.answered_at < stop,
    )
    due = _promises(
        session,
        team_id,
        channel_id,
        Commitment.status == "open",
        Commitment.due_on >= today,
        Commitment.due_on < today + timedelta(days=days),
    )
    measured = windows.ending(days, stop, zone)
    week = (
        None
        if partial
        else progress.channel_progress(
            session, team_id=team_id, channel_id=channel_id, days=days, now=stop, measured=measured
        )
    )
    waiting = [
        m
        for m in milestones.pending(session, team_id=team_id, channel_id=channel_id, until=stop)
        if m.reached_at < stop
    ]
    return Digest(
        channel_id=channel_id,
        start=start,
        end=stop,
        zone=zone,
        since=partial,
        kudos=recognised,
        wins=tuple(i for i in items if i.kind == "win"),
        ideas=tuple(i for i in items if i.kind in IDEAS),
        hopes=tuple(
            Item(i.kind, None if i.kind == "fear" else i.user_id, i.text)
            for i in items
            if i.kind in ("hope", "fear")
        ),
        kept=kept,
        due=() if partial else due,
        progress=week,
        vision=statements.current(session, team_id=team_id, kind="vision"),
        milestones=_to_celebrate(session, team_id, waiting, start),
        settled=tuple(m.id for m in waiting),
        measures=None
        if week is None
        else measures.team_measures(
            session,
            team_id=team_id,
            channel_id=channel_id,
            window=measured,
            members=members,
            found_balance=week.attention.balance if week.attention else None,
            history_from=week.history_from,
        ),
    )


def _to_celebrate(
    session: Session, team_id: str, waiting: list[Reached], start: datetime
) -> tuple[Reached, ...]:
    """The milestones reached in the days covered; older ones waiting (from a week no digest
    was posted) are settled without a word. A first recognition is no milestone for someone
    who published the vision or the guidelines: they lead the team."""
    recent = [m for m in waiting if m.reached_at >= start]
    firsts = [m.user_id for m in recent if m.kind == FIRST_RECOGNITION and m.user_id]
    leading = milestones.publishers(session, team_id=team_id, people=firsts)
    return tuple(m for m in recent if not (m.kind == FIRST_RECOGNITION and m.user_id in leading))


def _kudos(
    session: Session, team_id: str, channel_id: str, start: datetime, end: datetime
) -> tuple[Kudo, ...]:
    """Every kudos in the window, in the order given, each with all the people it named."""
    rows = session.execute(
        select(
            Recognition.id,
            Recognition.giver_id,
            Recognition.reason,
            RecognitionRecipient.user_id,
        )
        .join(RecognitionRecipient, RecognitionRecipient.recognition_id == Recognition.id)
        .where(
            Recognition.team_id == team_id,
            Recognition.channel_id == channel_id,
            Recognition.created_at >= start,
            Recognition.created_at < end,
        )
        .order_by(Recognition.created_at, Recognition.id, RecognitionRecipient.id)
    ).all()
    found: dict[int, tuple[str | None, str, list[str | None]]] = {}
    for kudos_id, giver, reason, receiver in rows:
        found.setdefault(kudos_id, (giver, reason, []))[2].append(receiver)
    return tuple(
        Kudo(giver, tuple(dict.fromkeys(people)), reason)
        for giver, reason, people in found.values()
    )


def _promises(
    session: Session, team_id: str, channel_id: str, *conditions: ColumnElement[bool]
) -> tuple[Promise, ...]:
    rows = session.execute(
        select(Commitment.user_id, Commitment.text, Commitment.due_on)
        .where(Commitment.team_id == team_id, Commitment.channel_id == channel_id, *conditions)
        .order_by(Commitment.due_on, Commitment.id)
    ).all()
    return tuple(Promise(user, text, due_on) for user, text, due_on in rows)
