"""The weekly digest (a big week, a quiet week, what's new since a shared one), its private
preview, and the replies to /nudge digest and /nudge milestones."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.blocks import Message
from bot.digest import render, replies
from bot.digest.service import DigestSchedule
from bot.digest.week import Digest, Item, Kudo, Promise, window
from bot.scheduling.when import When
from bot.statements.service import Current
from tests.snapshot_cases import case
from tests.snapshot_cases.milestones import FIRST_FOR_DEV, FIRST_FOR_EVA, TENTH, reached
from tests.snapshot_cases.progress import WEEK
from tests.snapshot_cases.world import (
    ANA,
    BEN,
    CHANNEL,
    CHLOE,
    DEV,
    EVA,
    LEAD,
    NOW,
    ZONE,
    ago,
    later,
)

START, END = window(NOW, ZONE)  # Fri 20 – Thu 26 Nov, whole days in Berlin
VISION = Current(
    "A calm team that ships every week & learns out loud. We say what we'll do, and do it.",
    LEAD,
    ago(days=3),
    2,
)
BIG = Digest(
    channel_id=CHANNEL,
    start=START,
    end=END,
    zone=ZONE,
    since=False,
    kudos=(
        Kudo(CHLOE, (DEV, EVA, BEN), "covering the on-call weekend"),
        Kudo(ANA, (DEV,), "the great demo to the sales team"),
        Kudo(LEAD, (ANA,), "asking the hard question in planning <3"),
        Kudo(None, (BEN,), "the notes"),
        Kudo(BEN, (CHLOE, None), "pairing on the flaky tests & fixing them"),
        Kudo(EVA, (ANA, BEN, CHLOE, DEV, LEAD, EVA, "UFRED", "UGINA"), "the offsite"),
        Kudo(DEV, (EVA,), "reviewing everything on Friday"),
    ),
    wins=(
        Item("win", ANA, "Shipped the export, on time"),
        Item("win", BEN, "Zero pages this weekend"),
        Item("win", None, "The new onboarding flow is live"),
        Item("win", EVA, "Customer NPS up 6 points"),
    ),
    ideas=(
        Item("pilot", BEN, "Async stand-ups for two weeks"),
        Item("idea", CHLOE, "A demo day every month"),
        Item("learning", DEV, "Smaller pull requests get reviewed the same day"),
        Item("goal", LEAD, "Every team reviews one other team's plan this quarter"),
    ),
    hopes=(
        Item("hope", ANA, "Fewer meetings, more focus time"),
        Item("fear", None, "We promise more than we can ship"),
        Item("fear", None, "On-call is wearing people out"),
    ),
    kept=(Promise(BEN, "Review the release checklist", date(2026, 11, 25)),),
    due=(
        Promise(BEN, "Write the on-call guide", date(2026, 12, 4)),
        Promise(EVA, "Book the retro room", date(2026, 11, 30)),
    ),
    progress=WEEK,
    vision=VISION,
    milestones=(TENTH, FIRST_FOR_DEV, FIRST_FOR_EVA, reached("first_recognition", LEAD, LEAD, 5)),
    settled=(1, 2, 3, 5),
)
QUIET = replace(
    BIG,
    kudos=(),
    wins=(),
    ideas=(),
    hopes=(),
    kept=(),
    due=(Promise(BEN, "Write the on-call guide", date(2026, 12, 4)),),
    milestones=(),
    settled=(),
    vision=replace(VISION, created_at=ago(days=40)),
)
SINCE = replace(
    BIG,
    start=ago(hours=26),
    since=True,
    kudos=BIG.kudos[:1],
    wins=BIG.wins[:1],
    ideas=(),
    hopes=(),
    kept=(),
    due=(),
    progress=None,
    milestones=(),
    settled=(),
)
SCHEDULE = DigestSchedule(
    id=13,
    when=When("0 16 * * fri", ZONE),
    created_by=LEAD,
    paused=False,
    paused_reason=None,
    next_run=later(days=7),
)


@case(render.digest, "a big week")
def big_week() -> Message:
    return render.digest(BIG, replies.SCHEDULED_NOTE)


@case(render.digest, "a quiet week")
def quiet_week() -> Message:
    return render.digest(QUIET, replies.SCHEDULED_NOTE)


@case(render.digest, "a quiet week without a vision")
def quiet_no_vision() -> Message:
    return render.digest(replace(QUIET, vision=None, due=()), replies.SCHEDULED_NOTE)


@case(render.digest, "new since a shared one")
def since() -> Message:
    return render.digest(SINCE, replies.SCHEDULED_NOTE)


@case(render.digest, "shared by the lead")
def shared() -> Message:
    return render.digest(BIG, replies.shared_note(LEAD))


@case(replies.shared_note)
def shared_note() -> str:
    return replies.shared_note(LEAD)


@case(replies.preview, "the lead, who may share")
def preview() -> Message:
    return replies.preview(BIG, SCHEDULE, can_share=True)


@case(replies.preview, "a member")
def preview_member() -> Message:
    return replies.preview(BIG, SCHEDULE, can_share=False)


@case(replies.preview, "shared already")
def preview_shared() -> Message:
    return replies.preview(BIG, replace(SCHEDULE, covered_until=END), can_share=True)


@case(replies.digest_on)
def digest_on() -> Message:
    return replies.digest_on(SCHEDULE, LEAD)


@case(replies.digest_off)
def digest_off() -> Message:
    return replies.digest_off(LEAD)


@case(replies.digest_status, "on")
def status_on() -> Message:
    return replies.digest_status(SCHEDULE)


@case(replies.digest_status, "paused")
def status_paused() -> Message:
    return replies.digest_status(
        replace(SCHEDULE, paused=True, paused_reason="not_in_channel", next_run=None)
    )


@case(replies.digest_status, "none")
def status_none() -> Message:
    return replies.digest_status(None)


@case(replies.milestones_mode, "shown")
def milestones_shown() -> Message:
    return replies.milestones_mode("digest", False)


@case(replies.milestones_mode, "changed")
def milestones_changed() -> Message:
    return replies.milestones_mode("now", True)
