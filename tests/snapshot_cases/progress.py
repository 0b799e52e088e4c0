"""/nudge progress: a young bot, a full fortnight, a tie, nothing yet; private and shared."""

from __future__ import annotations

from dataclasses import replace

from bot.blocks import Message
from bot.progress import render
from bot.progress.parts import Part
from bot.progress.service import PracticeCount, Progress, period
from bot.sharing import Shared
from tests.snapshot_cases import case
from tests.snapshot_cases.world import LEAD, NOW, ZONE, ago

P = Part
WEEK = Progress(
    days=7,
    counts=(
        PracticeCount("model", 2, 1, (P("commitment", 1), P("kept", 1)), (P("commitment", 1),),
                      ago(2)),
        PracticeCount("vision", 4, 1, (P("hope", 1), P("fear", 3)), (P("hope", 1),), ago(1)),
        PracticeCount("challenge", 1, 0, (P("pilot", 1),), (), ago(3)),
        PracticeCount("enable", 0, 2, (), (P("learning", 2),), ago(9)),
        PracticeCount("heart", 9, 11, (P("kudos", 7), P("win", 2)), (P("kudos", 11),), ago(0.2)),
    ),
    people=6,
    focus="enable",
    members=6,
    participants=5,
    window=period(7, NOW, ZONE),
    history_from=ago(40),
    tied=(),
)  # fmt: skip
YOUNG = replace(
    WEEK,
    days=30,
    counts=(
        PracticeCount("model", 2, 0, (P("commitment", 2),), (), ago(2)),
        PracticeCount("vision", 3, 0, (P("published_vision", 1), P("published_guidelines", 1),
                                       P("hope", 1)), (), ago(1)),
        PracticeCount("challenge", 0, 0, (), (), None),
        PracticeCount("enable", 0, 0, (), (), None),
        PracticeCount("heart", 14, 0, (P("kudos", 12), P("win", 2)), (), ago(0.2)),
    ),
    focus="challenge",
    tied=("challenge", "enable"),
    window=period(30, NOW, ZONE),
    history_from=ago(13),
)  # fmt: skip
NOTHING = replace(
    WEEK,
    counts=tuple(PracticeCount(c.practice, 0, 0) for c in WEEK.counts),
    people=0,
    participants=0,
    focus="model",
    tied=("model", "vision", "challenge", "enable", "heart"),
    history_from=None,
)
SHARE = Shared("progress", {"days": 7})


@case(render.progress, "a week, privately with the Share button")
def week_private() -> Message:
    return render.progress(WEEK, share=SHARE)


@case(render.progress, "a week, shared to the channel")
def week_shared() -> Message:
    return render.progress(WEEK, shared_by=LEAD)


@case(render.progress, "30 days of a two-week-old bot, with a tie")
def young() -> Message:
    return render.progress(YOUNG, share=SHARE, note="The chart needs a moment: it follows.")


@case(render.progress, "members unknown")
def members_unknown() -> Message:
    return render.progress(
        replace(WEEK, members=None, participants=None, members_note="I'm not in this channel.")
    )


@case(render.progress, "nothing yet")
def nothing() -> Message:
    return render.progress(NOTHING, share=SHARE)
