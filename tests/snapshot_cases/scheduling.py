"""Prompt schedules: added, listed, changed, paused."""

from __future__ import annotations

from dataclasses import replace

from bot.blocks import Message
from bot.scheduling import render
from bot.scheduling.service import ScheduleView
from bot.scheduling.when import When
from tests.snapshot_cases import case
from tests.snapshot_cases.world import ANA, CHANNEL, LEAD, ZONE, later

WEEKLY = ScheduleView(
    id=12,
    number=1,
    practice="rotate",
    when=When("0 9 * * mon", ZONE),
    created_by=LEAD,
    paused=False,
    paused_reason=None,
    next_run=later(days=2, hours=17),  # Mon 30 Nov, 09:00 in Berlin
)
DAILY = replace(
    WEEKLY,
    id=15,
    number=2,
    practice="heart",
    when=When("30 16 * * mon-fri", ZONE),
    created_by=ANA,
    next_run=later(hours=0.5),  # today, 16:30 in Berlin
)
PAUSED = replace(
    WEEKLY,
    id=19,
    number=3,
    practice="vision",
    when=When("0 10 * * fri", "America/New_York"),
    created_by=None,
    paused=True,
    paused_reason=f"paused by <@{ANA}>",
    next_run=None,
)
ARCHIVED = replace(PAUSED, id=20, number=4, paused_reason="is_archived")
CRON = replace(WEEKLY, id=21, number=5, when=When("0 9 1 * *", ZONE), next_run=None)


@case(render.schedule_list, "several")
def listed() -> Message:
    return render.schedule_list([WEEKLY, DAILY, PAUSED, ARCHIVED, CRON], CHANNEL)


@case(render.schedule_list, "none")
def listed_none() -> Message:
    return render.schedule_list([], CHANNEL)


@case(render.schedule_added)
def added() -> Message:
    return render.schedule_added(WEEKLY)


@case(render.schedule_changed, "paused")
def paused() -> Message:
    return render.schedule_changed(DAILY, "pause")


@case(render.schedule_changed, "resumed")
def resumed() -> Message:
    return render.schedule_changed(DAILY, "resume")


@case(render.schedule_changed, "removed")
def removed() -> Message:
    return render.schedule_changed(DAILY, "remove")


@case(render.schedule_paused, "prompt schedule")
def paused_by_slack() -> Message:
    return render.schedule_paused(12, CHANNEL, "not_in_channel", WEEKLY.when, number=1)


@case(render.schedule_paused, "prompt schedule without its number")
def paused_no_number() -> Message:
    return render.schedule_paused(12, CHANNEL, "channel_not_found", WEEKLY.when)


@case(render.schedule_paused, "digest")
def paused_digest() -> Message:
    return render.schedule_paused(
        13, CHANNEL, "is_archived", When("0 16 * * fri", ZONE), kind="digest"
    )
