"""A leader's App Home: the team measures of the channels they are in, and, for their eyes
only, who in those channels nobody has recognised in 30 days, as a prompt to notice them
(sorted by the name Slack shows for them, from the people directory, never by how much
anyone got).

Only admins, owners and the ids in NUDGEBOT_LEADERS see it (the check leader-only commands
make). The channels shown are the leader's channels with anything done or prompted in the
last 30 days, the most recent first, at most `MAX_CHANNELS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block, HeaderBlock
from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from bot.blocks import context, section
from bot.measures import lines as measure_lines
from bot.measures import service as measures
from bot.measures.service import TeamMeasures
from bot.measures.window import REACH_DAYS, calendar
from bot.runtime import Runtime
from bot.slack.members import ChannelMembers
from models.tables import Prompt, Recognition, Response

MAX_CHANNELS = 3
MAX_NAMES = 15  # people named in one channel's "not recognised" line; the rest are counted
DAYS = 30

NOTICE = (
    ":eyes: *Not recognised in {days} days* (only you see this; a prompt to notice them, "
    "not a ranking)"
)


@dataclass(frozen=True)
class ChannelMeasures:
    """One channel's measures over the last 30 days, and the members nobody recognised in
    them (None: its members are unknown)."""

    channel_id: str
    measures: TeamMeasures
    not_recognised: tuple[str, ...] | None


@dataclass(frozen=True)
class LeaderMeasures:
    channels: tuple[ChannelMeasures, ...]
    more: int  # active channels of theirs not shown


def active_channels(
    session: Session, *, team_id: str, channels: frozenset[str], since: datetime
) -> list[str]:
    """Of `channels`, those with anything recognised, shared or prompted since `since`, the
    most recent first (one query)."""
    if not channels:
        return []
    ids = sorted(channels)
    recent = union_all(
        *(
            select(table.channel_id.label("channel"), func.max(table.created_at).label("at"))
            .where(table.team_id == team_id, table.channel_id.in_(ids), table.created_at >= since)
            .group_by(table.channel_id)
            for table in (Recognition, Response, Prompt)
        )
    ).subquery()
    rows = session.execute(
        select(recent.c.channel, func.max(recent.c.at).label("latest"))
        .group_by(recent.c.channel)
        .order_by(func.max(recent.c.at).desc(), recent.c.channel)
    ).all()
    return [channel for channel, _ in rows]


def gather(
    session: Session,
    *,
    team_id: str,
    members: dict[str, ChannelMembers],
    now: datetime,
    zone: str,
    more: int = 0,
    names: Mapping[str, str] | None = None,
) -> LeaderMeasures:
    """The measures of each channel in `members` (in that order) over the last 30 days;
    who was not recognised sorted by `names` (the names Slack shows; an id without one
    comes after them)."""
    window = calendar(DAYS, now, zone)
    found = []
    for channel_id, known in members.items():
        team = measures.team_measures(
            session,
            team_id=team_id,
            channel_id=channel_id,
            window=window,
            members=known,
            missed=True,  # who was not recognised, read with reach rather than again
        )
        missed = team.not_recognised
        if missed is not None:
            missed = by_name(missed, names or {})
        found.append(ChannelMeasures(channel_id, team, missed))
    return LeaderMeasures(tuple(found), more)


def by_name(user_ids: tuple[str, ...], names: Mapping[str, str]) -> tuple[str, ...]:
    """The ids in the order of their names, case aside; ids without a name last, by id."""
    return tuple(sorted(user_ids, key=lambda u: (u not in names, names.get(u, "").casefold(), u)))


def for_leader(
    rt: Runtime,
    client: WebClient,
    team_id: str,
    user_id: str,
    channels: frozenset[str] | None,
) -> LeaderMeasures | None:
    """The section for a leader's App Home; None for anyone else, or when their channels
    are unknown."""
    if channels is None or not rt.directory.can_lead(client, team_id, user_id, rt.settings.leaders):
        return None
    now = rt.now()
    with rt.reads() as session:
        active = active_channels(
            session, team_id=team_id, channels=channels, since=now - timedelta(days=DAYS)
        )
    shown = active[:MAX_CHANNELS]
    known = {c: rt.members.members(client, team_id, c) for c in shown}
    names = rt.members.people.roster(client, team_id).names  # cached by members()
    with rt.reads() as session:
        return gather(
            session,
            team_id=team_id,
            members=known,
            now=now,
            zone=rt.settings.timezone,
            more=len(active) - len(shown),
            names=names,
        )


def _missed(found: ChannelMeasures) -> str:
    if found.not_recognised is None:
        return ":eyes: I can't see who is in this channel, so I can't say who was missed."
    if not found.not_recognised:
        return ":eyes: Everyone in this channel was recognised in the last 30 days."
    names = [f"<@{u}>" for u in found.not_recognised[:MAX_NAMES]]
    rest = len(found.not_recognised) - MAX_NAMES
    if rest > 0:
        names.append(f"{rest:,} more")
    return NOTICE.format(days=REACH_DAYS) + "\n" + ", ".join(names)


def blocks(found: LeaderMeasures) -> list[Block]:
    """The leader's section: per channel, its measures and who was not recognised."""
    out: list[Block] = [HeaderBlock(text="Your team's measures")]
    if not found.channels:
        out.append(
            section(
                "Nothing was recognised, shared or prompted in your channels in the last 30 "
                "days. `/nudge progress 30d` in a channel shows its measures."
            )
        )
        return out
    for channel in found.channels:
        head = f"*<#{channel.channel_id}>*, last {DAYS} days"
        out += measure_lines.blocks(measure_lines.all_lines(channel.measures), head)[:-1]
        out.append(section(_missed(channel)))
    note = measure_lines.EXPLAINED
    if found.more:
        note += f" {found.more:,} more of your channels are active: `/nudge progress` there."
    out.append(context(note))
    return out
