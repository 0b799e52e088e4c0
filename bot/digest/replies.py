"""Replies to `/nudge digest` and `/nudge milestones`: the digest's schedule, the private
preview of this week's digest with its **Share to channel** button, and what a click on it
may answer instead of sharing."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.blocks import Message, context, local_time, message, notice
from bot.digest import render
from bot.digest.service import DigestSchedule
from bot.digest.week import Digest
from bot.sharing import Shared, share_button

SHARE = "digest"  # the row in handlers.command_table.SHARES
MODE_WORDS = {
    "now": "celebrated at once, in the message that reaches them",
    "digest": "celebrated in the channel's weekly digest",
    "off": "not celebrated (they are still recorded)",
}
PAUSED_WORDS = {
    "not_in_channel": "I was removed from this channel: `/invite @nudgebot`, then turn it on again",
    "channel_not_found": "I can't find this channel",
    "is_archived": "this channel is archived",
}


def _state(view: DigestSchedule) -> str:
    if view.paused:
        why = view.paused_reason or ""
        return "paused" + (f": {PAUSED_WORDS.get(why, why)}" if why else "")
    if view.next_run is not None:
        return f"the next one comes {local_time(view.next_run)}"
    return "no upcoming run"


def digest_on(view: DigestSchedule, user_id: str) -> Message:
    nxt = f" The first one comes {local_time(view.next_run)}." if view.next_run else ""
    return notice(
        f":newspaper: <@{user_id}> set up a weekly digest here: {view.when.describe()} "
        f"({view.when.zone}).{nxt} Each one brings the seven days before it: kudos, wins, "
        "ideas and experiments, and milestones, in a minute's read."
    )


def digest_off(user_id: str) -> Message:
    return notice(
        f":white_check_mark: <@{user_id}> turned off the weekly digest in this channel. "
        "`/nudge digest on [day] HH:MM` brings it back."
    )


def digest_status(view: DigestSchedule | None) -> Message:
    if view is None:
        return notice(
            ":newspaper: This channel has no weekly digest yet. Start one with "
            "`/nudge digest on fri 16:00` (add `tz Europe/Berlin` for another zone), "
            "or preview this week's with `/nudge digest now`."
        )
    by = f" Set up by <@{view.created_by}>." if view.created_by else ""
    return notice(
        f":newspaper: The weekly digest comes {view.when.describe()} ({view.when.zone}): "
        f"{_state(view)}.{by}\nChange it with `/nudge digest on [day] HH:MM`, stop it with "
        "`/nudge digest off`, preview this week's with `/nudge digest now`."
    )


def preview(d: Digest, view: DigestSchedule | None, can_share: bool) -> Message:
    """This week's digest for the person who asked, and only them, with a Share to channel
    button for admins and the team's leaders (unless this week's is in the channel already)."""
    out: list[Block] = [context(":eyes: A preview only you can see.")]
    out += render.blocks(d)
    covered = view.covered_until if view else None
    if covered is not None and covered >= d.end:
        out.append(context("This week's digest is in the channel already."))
    elif not can_share:
        out.append(context("Admins and the team's leaders can share it to the channel."))
    else:
        if view is not None and not view.paused:
            out.append(
                context(
                    f"Once you share it, the scheduled digest ({view.when.describe()}) "
                    "brings only what's new since."
                )
            )
        out.append(share_button(Shared(SHARE, {"day": d.today.isoformat()})))
    return message(f"Preview: {render.span(d)}, just for you", out)


SHARE_LEADERS_ONLY = notice(
    "Only admins and the team's leaders can share the digest to the channel. "
    "`/nudge digest now` shows you a preview any time."
)
SHARE_OUT_OF_DATE = notice(
    "That preview is from another day. `/nudge digest now` shows today's, to share."
)
SHARED_ALREADY = notice(":white_check_mark: This week's digest is in the channel already.")


def shared_note(user_id: str) -> str:
    return f"Shared by <@{user_id}> · thank someone any time with `/kudos`"


SCHEDULED_NOTE = "Thank someone any time with `/kudos` · `/nudge digest off` stops this digest"


def milestones_mode(mode: str, changed: bool) -> Message:
    if changed:
        return notice(f":white_check_mark: Done: milestones are now {MODE_WORDS[mode]}.")
    return notice(
        f":trophy: Milestones (a channel's 10th, 50th, 100th ... recognition, someone's first "
        f"recognition, the team's first pilot) are {MODE_WORDS[mode]}. Admins and the team's "
        "leaders can change this with `/nudge milestones now|digest|off`."
    )
