"""Block Kit for schedules: the list, added, changed, and the note when one is paused."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, HeaderBlock

from bot import catalogue
from bot.blocks import Message, context, local_time, message, plural, section, sections
from bot.scheduling.service import ScheduleView
from bot.scheduling.when import When

# Why Slack made us pause a schedule, in words.
WHY_PAUSED = {
    "channel_not_found": "the channel no longer exists or I can't see it",
    "is_archived": "the channel was archived",
    "not_in_channel": "I'm no longer a member of the channel",
}
MANAGE = "Pause, resume or remove one with `/nudge schedule pause|resume|remove <number>`."


def schedule_paused(
    schedule_id: int,
    channel_id: str,
    code: str,
    when: When,
    kind: str = "prompt",
    number: int | None = None,
) -> Message:
    """A direct message to a schedule's creator: why it stopped and how to restart it.
    `number` is the prompt schedule's number as `/nudge schedule list` shows it; without
    it the message points to the list instead of naming a number (never the row's id)."""
    why = WHY_PAUSED.get(code, code)
    if kind == "digest":
        what, resume = "the weekly digest", "`/nudge digest on <day> <time>`"
    elif kind == "pulse":
        what, resume = "the practice pulse", "`/nudge pulse on monthly` (or `quarterly`)"
    elif number is not None:
        what, resume = f"schedule #{number}", f"`/nudge schedule resume {number}`"
    else:
        what = "a prompt schedule"
        resume = "`/nudge schedule resume <number>` (`/nudge schedule list` shows its number)"
    # A pulse's rhythm reads badly as cron; its own command says it again when restarted.
    timing = "" if kind == "pulse" else f" ({when.describe()}, {when.zone})"
    text = (
        f":pause_button: I paused {what}{timing} "
        f"in <#{channel_id}> because {why}.\n"
        f"Once that's fixed (for example `/invite @nudgebot` in the channel), restart it "
        f"there with {resume}."
    )
    return message(f"I paused {what} in <#{channel_id}>: {why}", [section(text)])


def _what(practice: str) -> str:
    return "rotating practices" if practice == "rotate" else catalogue.practice(practice).name


def _state(v: ScheduleView) -> str:
    if v.paused:
        reason = v.paused_reason or ""
        if reason.startswith("paused by"):
            return f":double_vertical_bar: {reason}"
        return f":double_vertical_bar: paused: {WHY_PAUSED.get(reason, reason or 'paused')}"
    if v.next_run is not None:
        return f"next {local_time(v.next_run)}"
    return "no upcoming run"


def schedule_list(views: list[ScheduleView], channel_id: str) -> Message:
    """This channel's prompt schedules, by the numbers people type to manage them."""
    if not views:
        text = (
            "No schedules in this channel yet. Add one with "
            "`/nudge schedule add rotate weekly mon 09:00`."
        )
        return message(text, [section(text)])
    lines = []
    for v in views:
        by = f"<@{v.created_by}>" if v.created_by else "someone who has left"
        lines.append(
            f"*#{v.number}* {_what(v.practice)}, {v.when.describe()} ({v.when.zone}) · "
            f"{_state(v)} · added by {by}"
        )
    blocks: list[Block] = [HeaderBlock(text="Schedules in this channel")]
    blocks += sections(lines, per_section=10)
    blocks.append(context(MANAGE))
    return message(f"{plural(len(views), 'schedule')} in <#{channel_id}>", blocks)


def schedule_added(view: ScheduleView) -> Message:
    when = view.when.describe()
    nxt = f"\nThe first one: {local_time(view.next_run)}." if view.next_run else ""
    text = (
        f":calendar: Schedule *#{view.number}*: {_what(view.practice)} prompts here "
        f"{when} ({view.when.zone}).{nxt}"
    )
    n = view.number
    manage = f"Pause or remove it with `/nudge schedule pause {n}` or `/nudge schedule remove {n}`."
    return message(text, [section(text), context(manage)])


def schedule_changed(view: ScheduleView, action: str) -> Message:
    done = {"pause": "paused", "resume": "resumed", "remove": "removed"}[action]
    text = (
        f":white_check_mark: Schedule *#{view.number}* ({_what(view.practice)}, "
        f"{view.when.describe()}) is {done}."
    )
    return message(text, [section(text)])
