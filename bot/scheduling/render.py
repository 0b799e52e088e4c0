"""Block Kit for schedules: the list, added, changed, and the note when one is paused."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, HeaderBlock

from bot import catalogue
from bot.blocks import Message, context, local_time, message, section
from bot.scheduling.service import ScheduleView
from bot.scheduling.when import When


def schedule_paused(
    schedule_id: int, channel_id: str, code: str, when: When, kind: str = "prompt"
) -> Message:
    """A direct message to a schedule's creator: why it stopped and how to restart it."""
    why = {
        "channel_not_found": "the channel no longer exists or I can't see it",
        "is_archived": "the channel was archived",
        "not_in_channel": "I'm no longer a member of the channel",
    }.get(code, code)
    what = "the weekly digest" if kind == "digest" else f"schedule #{schedule_id}"
    resume = (
        "`/nudge digest on <day> <time>`"
        if kind == "digest"
        else f"`/nudge schedule resume {schedule_id}`"
    )
    text = (
        f":pause_button: I paused {what} ({when.describe()}, {when.zone}) "
        f"in <#{channel_id}> because {why}. Once that's fixed (for example "
        f"`/invite @nudgebot` in the channel), restart it there with {resume}."
    )
    return message(f"Schedule #{schedule_id} is paused: {why}", [section(text)])


def schedule_list(views: list[ScheduleView], channel_id: str) -> Message:
    if not views:
        text = (
            "No schedules in this channel yet. Add one with "
            "`/nudge schedule add rotate weekly mon 09:00`."
        )
        return message(text, [section(text)])
    lines = []
    for v in views:
        what = (
            "rotating practices" if v.practice == "rotate" else catalogue.practice(v.practice).name
        )
        if v.paused:
            state = f":double_vertical_bar: paused ({v.paused_reason or 'paused'})"
        elif v.next_run is not None:
            state = f"next {local_time(v.next_run)}"
        else:
            state = "no upcoming run"
        where = f"{v.when.describe()} ({v.when.zone})"
        by = f"<@{v.created_by}>" if v.created_by else "someone who left"
        lines.append(f"*#{v.id}* {what}, {where} · {state} · by {by}")
    blocks: list[Block] = [HeaderBlock(text="Schedules in this channel")]
    for start in range(0, len(lines), 10):
        blocks.append(section("\n".join(lines[start : start + 10])))
    blocks.append(context("Manage one with `/nudge schedule pause|resume|remove <id>`."))
    count = "1 schedule" if len(views) == 1 else f"{len(views)} schedules"
    return message(f"{count} in <#{channel_id}>", blocks)


def schedule_added(view: ScheduleView) -> Message:
    what = (
        "rotating practices"
        if view.practice == "rotate"
        else catalogue.practice(view.practice).name
    )
    when = view.when.describe()
    nxt = f" First one {local_time(view.next_run)}." if view.next_run else ""
    text = f":calendar: Schedule *#{view.id}*: {what} prompts here {when} ({view.when.zone}).{nxt}"
    return message(text, [section(text)])


def schedule_changed(view: ScheduleView, action: str) -> Message:
    done = {"pause": "paused", "resume": "resumed", "remove": "removed"}[action]
    text = f":white_check_mark: Schedule *#{view.id}* ({view.when.describe()}) is {done}."
    return message(text, [section(text)])
