"""Time in the playground: what the scheduler will post next, and posting it now.

"Run it now" takes the earliest item to come (a schedule's next occurrence nobody has
claimed, a commitment's follow-up question, or a personal habit reminder or reflection) and
hands it to the scheduler's own code: `schedules.jobs.post_occurrence` claims that
occurrence and posts it, exactly as the job at that time would, so when the time comes the
scheduler finds it claimed and posts nothing twice; `schedules.followups.run_followups`
asks, and `schedules.nudges.NudgeSender` claims and sends, with the clock at that time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.pulse.parsing import describe as pulse_words
from bot.scheduling.when import When, next_occurrence
from models.db import reads_for
from models.nudges import PersonalNudge
from models.pulse import PulseRound
from models.tables import Commitment, Occurrence, Schedule, Workspace
from schedules.context import JobContext
from schedules.followups import run_followups
from schedules.jobs import active_schedules, post_occurrence
from schedules.nudges import NudgeSender
from schedules.pulse_job import run_pulse

NUDGE_WORDS = {"habit": "habit reminder", "reflection": "weekly reflection"}
PULSE_DUE = "pulse-round"  # an open pulse round's reminder or close
LOOK_AHEAD = 50  # occurrences of one schedule to look past when the next ones are claimed


@dataclass(frozen=True)
class Due:
    kind: str  # "prompt", "digest", "pulse", "follow-up", "habit", "reflection", PULSE_DUE
    what: str  # in words, for the page
    at: datetime
    schedule_id: int | None = None


def _next_free(session: Session, schedule_id: int, when: When, now: datetime) -> datetime | None:
    """The schedule's first occurrence after `now` that nobody has claimed."""
    claimed = set(
        session.scalars(
            select(Occurrence.occurs_at).where(
                Occurrence.schedule_id == schedule_id, Occurrence.occurs_at > now
            )
        )
    )
    at = next_occurrence(when, now)
    for _ in range(LOOK_AHEAD):
        if at is None or at not in claimed:
            return at
        at = next_occurrence(when, at + timedelta(seconds=1))
    return None


def _describe(row: Schedule, when: When, channel_name: Callable[[str], str]) -> str:
    where = f"#{channel_name(row.channel_id)}"
    if row.kind == "digest":
        return f"the weekly digest in {where} ({when.describe()})"
    if row.kind == "pulse":
        return f"a practice pulse round in {where} ({pulse_words(when)})"
    found = catalogue.find_practice(row.practice)
    practice = found.name if found else "a practice in turn"
    return f"prompt schedule #{row.number or row.id} in {where} ({practice}, {when.describe()})"


def next_due(
    sessions: sessionmaker[Session], now: datetime, channel_name: Callable[[str], str]
) -> Due | None:
    """The earliest scheduled item still to post, or None when nothing is scheduled."""
    found: list[Due] = []
    with reads_for(sessions)() as session:
        for schedule_id, cron, zone, _changed in active_schedules(session):
            row = session.get(Schedule, schedule_id)
            when = When(cron, zone)
            at = _next_free(session, schedule_id, when, now)
            if row is not None and at is not None:
                what = _describe(row, when, channel_name)
                found.append(Due(row.kind, what, at, schedule_id))
        ask_at = session.scalar(
            select(func.min(Commitment.next_ask_at))
            .join(Workspace, Workspace.team_id == Commitment.team_id)
            .where(Commitment.status == "open", Workspace.inactive_reason.is_(None))
        )
        if ask_at is not None:
            what = "asking whether a commitment was kept (in the commitment's thread)"
            found.append(Due("follow-up", what, ask_at))
        nudge = session.execute(
            select(PersonalNudge.kind, PersonalNudge.next_at)
            .join(Workspace, Workspace.team_id == PersonalNudge.team_id)
            .where(
                PersonalNudge.next_at.is_not(None),
                PersonalNudge.status.in_(("active", "paused")),
                Workspace.inactive_reason.is_(None),
            )
            .order_by(PersonalNudge.next_at)
            .limit(1)
        ).first()
        if nudge is not None and nudge.next_at is not None:
            what = f"a {NUDGE_WORDS.get(nudge.kind, nudge.kind)}, sent as a DM"
            found.append(Due(nudge.kind, what, nudge.next_at))
        found += pulse_due(session, channel_name)
    return min(found, key=lambda d: d.at) if found else None


def pulse_due(session: Session, channel_name: Callable[[str], str]) -> list[Due]:
    """An open pulse round's next step: its reminder, then its close (and result)."""
    found = []
    for rnd in session.scalars(select(PulseRound).where(PulseRound.status == "open")):
        where = f"#{channel_name(rnd.channel_id)}"
        if rnd.reminded_at is None and rnd.remind_at < rnd.closes_at:
            what = f"the reminder of pulse round {rnd.number} in {where}, to who has not answered"
            found.append(Due(PULSE_DUE, what, rnd.remind_at))
        else:
            what = f"closing pulse round {rnd.number} in {where} and posting its result"
            found.append(Due(PULSE_DUE, what, rnd.closes_at))
    return found


def run_due(ctx: JobContext, due: Due) -> str:
    """Post `due` now through the scheduler's own code; what happened, in words."""
    if due.kind == PULSE_DUE:
        done = run_pulse(replace(ctx, now=lambda: due.at))
        return ", ".join(f"{n} {what}" for what, n in done.items()) or "nothing to do"
    if due.kind in NUDGE_WORDS:
        sender = NudgeSender(replace(ctx, now=lambda: due.at), threads=2)
        try:
            outcomes = sender.run()
        finally:
            sender.stop()
        return ", ".join(f"{n} {what}" for what, n in outcomes.items()) or "nothing to send"
    if due.schedule_id is None:
        asked = run_followups(replace(ctx, now=lambda: due.at))
        return "posted" if asked else "nothing to ask (answered already)"
    result = post_occurrence(ctx, due.schedule_id, due.at)
    with reads_for(ctx.sessions)() as session:
        status, detail = session.execute(
            select(Occurrence.status, Occurrence.detail).where(
                Occurrence.schedule_id == due.schedule_id, Occurrence.occurs_at == due.at
            )
        ).one_or_none() or (result, None)
    return f"{status}: {detail}" if detail else str(status)
