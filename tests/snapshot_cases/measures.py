"""The team measures as people read them: `/nudge progress` with every measure and what
needs attention (from answers per prompt, and from a pulse), the digest's brief measures,
and a leader's App Home with their channels' measures and who was not recognised."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.blocks import Message
from bot.digest import render as digest_render
from bot.digest import replies
from bot.home import render as home_render
from bot.home.measures import ChannelMeasures, LeaderMeasures
from bot.measures.attention import BALANCE, PULSE, Attention
from bot.measures.balance import Balance, Broad, Rate, ValueNamed
from bot.measures.follow import Closed, FollowThrough, Pair
from bot.measures.recognition import Concentration, Reach, Spread
from bot.measures.service import TeamMeasures
from bot.measures.window import calendar, ending
from bot.progress import render as progress_render
from bot.progress.service import period
from bot.sharing import Shared
from tests.snapshot_cases import case
from tests.snapshot_cases.digest import BIG, END
from tests.snapshot_cases.home import LEAD_PAGE
from tests.snapshot_cases.progress import WEEK
from tests.snapshot_cases.world import ANA, BEN, CHANNEL, EVA, NOW, ZONE, ago

BALANCED = Balance(
    current=(
        Rate("model", 2, 3),
        Rate("vision", 0, 0),
        Rate("challenge", 3, 2),
        Rate("enable", 1, 4),
        Rate("heart", 4, 11),
    ),
    previous=(
        Rate("model", 1, 1),
        Rate("vision", 1, 0),
        Rate("challenge", 2, 2),
        Rate("enable", 0, 0),
        Rate("heart", 3, 8),
    ),
)
MEASURES = TeamMeasures(
    window=calendar(30, NOW, ZONE),
    reach=Reach(
        members=14,
        reached=6,
        previous_reached=4,
        recognised=7,
        previous_recognised=4,
        givers=5,
        previous_givers=3,
    ),
    # 20 recognitions over 9 people; the fifth (2 people) got 11: 55%, a warning
    concentration=Concentration(Spread(20, 9, 11), Spread(12, 6, 5)),
    follow_through=Pair(
        FollowThrough(7, 1, 1, (0, 0, 1, 1, 2, 3, 5)), FollowThrough(3, 1, 1, (0, 1, 1))
    ),
    experiments=Pair(Closed(3, 1), Closed(1, 1)),
    voice=Pair(Closed(5, 4), Closed(2, 1)),
    balance=BALANCED,
    broad=Broad(4, 2),
    values=(ValueNamed("Candour", 4, 1), ValueNamed("Care", 2, 0)),
)
SMALL = replace(
    MEASURES,
    reach=replace(MEASURES.reach, members=None, reached=3, previous_reached=2, recognised=3),
    concentration=Concentration(Spread(4, 3, 2), Spread(0, 0, 0)),
    follow_through=Pair(FollowThrough(0, 0, 0), FollowThrough(1, 0, 1, (2,))),
    experiments=Pair(Closed(0, 0), Closed(0, 0)),
    voice=Pair(Closed(2, 1), Closed(0, 0)),
    values=(),
    compare=False,  # nudgebot started within the period before: nothing to compare with
)
FROM_BALANCE = Attention(
    focus="vision",
    tied=("vision",),
    basis=BALANCE,
    balance=BALANCED,
    tied_last=(ago(12),),
)
FROM_PULSE = Attention(
    focus="challenge",
    tied=("challenge",),
    basis=PULSE,
    balance=BALANCED,
    pulse_at=ago(days=6),
    pulse_number=2,
    pulse_average=5.8,
)
SHARE = Shared("progress", {"days": 30})
MONTH = replace(
    WEEK,
    days=30,
    window=period(30, NOW, ZONE),
    focus="vision",
    attention=FROM_BALANCE,
    measures=MEASURES,
)


@case(progress_render.progress, "with the team measures, needs attention from answers per prompt")
def progress_measures() -> Message:
    return progress_render.progress(MONTH, share=SHARE)


@case(progress_render.progress, "small bases, members unknown, needs attention from a pulse")
def progress_small() -> Message:
    report = replace(MONTH, focus="challenge", attention=FROM_PULSE, measures=SMALL)
    return progress_render.progress(report, share=SHARE)


@case(digest_render.digest, "a big week with the team measures")
def digest_measures() -> Message:
    week = replace(
        BIG,
        measures=replace(MEASURES, window=ending(7, END, ZONE)),
        progress=replace(WEEK, attention=FROM_BALANCE, focus="vision"),
    )
    return digest_render.digest(week, replies.SCHEDULED_NOTE)


@case(home_render.home_view, "a leader with their channels' measures")
def leader_home() -> dict[str, Any]:
    leading = LeaderMeasures(
        channels=(
            ChannelMeasures(CHANNEL, MEASURES, (ANA, BEN, EVA)),
            ChannelMeasures("CSALES", SMALL, None),
        ),
        more=2,
    )
    return home_render.home_view(replace(LEAD_PAGE, leading=leading))
