"""Every team measure of a channel for a period and the one before, as one frozen value.

Each measure is read with one or two set-based queries (see the modules beside this one);
none is computed per person or per item. Nothing here names a person except
`not_recognised`, which only a leader's App Home shows, privately.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.measures import balance as balance_
from bot.measures import follow, recognition
from bot.measures.balance import Balance, Broad, ValueNamed
from bot.measures.follow import Closed, FollowThrough, Pair
from bot.measures.recognition import Concentration, Reach
from bot.measures.window import Window
from bot.slack.members import ChannelMembers
from models.tables import Workspace


@dataclass(frozen=True)
class TeamMeasures:
    """The measures of one channel over `window` (and the period before it). `members_note`
    says why the channel's members are unknown, when they are."""

    window: Window
    reach: Reach
    concentration: Concentration
    follow_through: Pair[FollowThrough]
    experiments: Pair[Closed]
    voice: Pair[Closed]
    balance: Balance
    broad: Broad
    values: tuple[ValueNamed, ...]
    members_note: str | None = None
    # The members nobody named in a kudos in the last 30 days, sorted by id: only when asked
    # for (`missed`), for a leader's App Home, privately; None otherwise or members unknown.
    not_recognised: tuple[str, ...] | None = None
    # Whether there is history to compare with: nudgebot was here from the start of the
    # period before (else every "before" would read as a fall from nothing).
    compare: bool = True


def team_measures(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    window: Window,
    members: ChannelMembers | None,
    found_balance: Balance | None = None,
    history_from: datetime | None = None,
    missed: bool = False,
) -> TeamMeasures:
    """The channel's measures. `members`: the channel's (None or unknown: reach counts the
    people recognised without a share). `found_balance`: the balance already read for the
    same window (by the attention rule), so it is not read twice. `history_from`: when the
    channel's history begins (default: when nudgebot started in the workspace); the period
    before is compared with only when it covers all of it. `missed`: also who of the
    members was not recognised (read with reach, not again)."""
    t, c, w = team_id, channel_id, window
    ids = None if members is None else members.ids
    named = recognition.recognised(session, team_id=t, channel_id=c, window=w, members=ids)
    return TeamMeasures(
        window=window,
        reach=named.reach,
        concentration=named.concentration,
        follow_through=follow.follow_through(session, team_id=t, channel_id=c, window=w),
        experiments=follow.experiments(session, team_id=t, channel_id=c, window=w),
        voice=follow.voice(session, team_id=t, channel_id=c, window=w),
        balance=found_balance or balance_.balance(session, team_id=t, channel_id=c, window=w),
        broad=balance_.broad(session, team_id=t, channel_id=c, window=w),
        values=balance_.values_named(session, team_id=t, channel_id=c, window=w),
        members_note=None if members is None else members.problem,
        compare=_covers(session, team_id, window, history_from),
        not_recognised=tuple(sorted(ids - named.named)) if missed and ids is not None else None,
    )


def _covers(session: Session, team_id: str, window: Window, history_from: datetime | None) -> bool:
    """Whether the history begins by the start of the period before."""
    if history_from is None:
        history_from = session.scalar(
            select(Workspace.created_at).where(Workspace.team_id == team_id)
        )
    return history_from is not None and history_from <= window.previous_start
