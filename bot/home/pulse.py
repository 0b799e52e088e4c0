"""The practice pulse on a person's App Home: for each channel they are in, the latest round
whose result was shown in the channel (nothing of a round under the minimum group), and,
for a leader who answered it, their own rating beside the team's, seen only by them."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import Block
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import catalogue
from bot.blocks import context, section
from bot.pulse import results
from bot.pulse.render import score_line
from bot.pulse.results import RoundResult
from models.pulse import PulseLeaderRating, PulseRound

MAX_CHANNELS = 5


@dataclass(frozen=True)
class PulseLine:
    channel_id: str
    result: RoundResult  # shown
    own: dict[str, float]  # the person's own average per practice (a leader who answered)


@dataclass(frozen=True)
class PulseSection:
    lines: tuple[PulseLine, ...]


def gather(
    session: Session, *, team_id: str, user_id: str, channels: frozenset[str] | None
) -> PulseSection | None:
    """None when the person is in no channel with a shown pulse (or Slack didn't say)."""
    if not channels:
        return None
    found = list(
        session.scalars(
            select(PulseRound.channel_id)
            .where(
                PulseRound.team_id == team_id,
                PulseRound.status == "closed",
                PulseRound.answered >= PulseRound.min_group,
                PulseRound.channel_id.in_(sorted(channels)),
            )
            .group_by(PulseRound.channel_id)
            .order_by(func.max(PulseRound.closed_at).desc())
            .limit(MAX_CHANNELS)
        )
    )
    lines = []
    for channel in found:
        res = results.latest_shown(session, team_id=team_id, channel_id=channel)
        if res is None:
            continue
        own = {
            practice: float(avg)
            for practice, avg in session.execute(
                select(PulseLeaderRating.practice, func.avg(PulseLeaderRating.rating))
                .where(
                    PulseLeaderRating.round_id == res.round_id,
                    PulseLeaderRating.user_id == user_id,
                )
                .group_by(PulseLeaderRating.practice)
            )
        }
        lines.append(PulseLine(channel, res, own))
    return PulseSection(tuple(lines)) if lines else None


def blocks(pulse: PulseSection) -> list[Block]:
    out: list[Block] = [
        section("*Practice pulse*: how your teams rate their own practice, 1 to 10")
    ]
    for line in pulse.lines:
        res = line.result
        rows = []
        for score in res.scores:
            mine = line.own.get(score.practice)
            rows.append(score_line(score) + (f" · you: {mine:.1f}" if mine is not None else ""))
        focus = catalogue.practice(res.focus).name if res.focus else ""
        head = f"<#{line.channel_id}>, round {res.number} ({res.answered} answers)"
        out.append(section(f"{head}\n" + "\n".join(rows)))
        if focus:
            out.append(context(f"Needs attention most: {focus}."))
        elif res.scores:
            out.append(context("No practice stands out: every one averages the same."))
    if any(line.own for line in pulse.lines):
        out.append(context("Your own ratings are shown to you alone."))
    return out
