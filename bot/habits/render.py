"""Block Kit for personal habits: the reminder with Done, Not today and Change; what
replaces it; the person's habit and its log; the invitation a leader posts."""

from __future__ import annotations

from datetime import date, timedelta

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot import catalogue
from bot.blocks import (
    Message,
    context,
    day,
    local_time,
    message,
    plural,
    practice_label,
    section,
)
from bot.habits.service import LOG_WEEKS, OFFER_AFTER, LogDay, Nudge
from bot.habits.when import days_text, time_text
from bot.text import clip

DONE_ACTION = "habit_done"
SKIP_ACTION = "habit_skip"
CHANGE_ACTION = "habit_change"
SETUP_ACTION = "habit_setup"
NOTE_ACTION = "habit_note"
NEXT_ACTION = "habit_next_practice"
KEEP_ACTION = "habit_keep"

STOP_HINT = "Only you see this. `/nudge me pause 1w` for a break, `/nudge me off` to stop."

CELEBRATIONS = (
    ":tada: Done. Small steps, taken often, are how leaders are made.",
    ":sparkles: That's one more. The habit is building itself.",
    ":raised_hands: Nicely done. Someone noticed, even if they didn't say.",
    ":seedling: Done. Tiny today, a habit tomorrow.",
    ":muscle: Another one in. That's what practice looks like.",
    ":star2: Done. Leading is mostly this: small things, again and again.",
    ":white_check_mark: Checked in. Thank you for showing up for it.",
)

_MARKS = {"done": ":large_green_square:", "away": ":palm_tree:", "skipped": ":white_square:"}


def intention(nudge: Nudge) -> str:
    """`After our Monday stand-up, I will thank one person ...`"""
    cue = (nudge.cue or "").strip().rstrip(".,")
    action = (nudge.action or "").strip().rstrip(".")
    return f"{cue[:1].upper()}{cue[1:]}, I will {action}." if cue else f"I will {action}."


def _when(nudge: Nudge) -> str:
    return f"{days_text(nudge.days)} at {time_text(nudge.at_minute)} ({nudge.zone})"


def reminder(nudge: Nudge, day_id: int) -> Message:
    """The direct message at the habit's time."""
    value = str(day_id)
    label = practice_label(nudge.practice or "model", nudge.commitment)
    head = f":seedling: *Your habit for today*\n>{clip(intention(nudge), 600)}"
    return message(
        f"Your habit for today: {clip(intention(nudge), 200)}",
        [
            section(head),
            context(label),
            ActionsBlock(
                block_id="habit_answer",
                elements=[
                    ButtonElement(text="Done", action_id=DONE_ACTION, value=value, style="primary"),
                    ButtonElement(text="Not today", action_id=SKIP_ACTION, value=value),
                    ButtonElement(text="Change", action_id=CHANGE_ACTION, value=value),
                ],
            ),
            context(STOP_HINT),
        ],
    )


def celebrated(nudge: Nudge, day_id: int, offer: str | None) -> Message:
    """What replaces the reminder after Done: a short celebration, a button to say what
    was done, and after a good run the next practice (`offer`, a practice key)."""
    line = CELEBRATIONS[day_id % len(CELEBRATIONS)]
    value = str(day_id)
    blocks: list[Block] = [
        section(f"{line}\n>{clip(intention(nudge), 600)}"),
        ActionsBlock(
            block_id="habit_note",
            elements=[ButtonElement(text="Add what you did", action_id=NOTE_ACTION, value=value)],
        ),
        context(
            f"Counted under {practice_label(nudge.practice or 'model', nudge.commitment)}. "
            "Add what you did if you like; pick who it was for and they get it as kudos."
        ),
    ]
    if offer:
        blocks.extend(_offer(nudge, offer))
    return message(line, blocks)


def _offer(nudge: Nudge, practice: str) -> list[Block]:
    name = catalogue.practice(practice).name
    same = practice == nudge.practice
    text = f":trophy: *That's {OFFER_AFTER} check-ins.* This one is becoming yours. " + (
        "Keep going, or pick a new tiny action?"
        if same
        else f"Ready for a new one? *{name}* is the practice you've logged least lately."
    )
    return [
        section(text),
        ActionsBlock(
            block_id="habit_offer",
            elements=[
                ButtonElement(
                    text=f"Try {name}" if not same else "Pick a new action",
                    action_id=NEXT_ACTION,
                    value=practice,
                    style="primary",
                ),
                ButtonElement(text="Keep this one", action_id=KEEP_ACTION, value=str(nudge.id)),
            ],
        ),
    ]


def skipped() -> Message:
    return message(
        "No problem.",
        [section(":ok_hand: No problem. See you next time.")],
    )


def already(status: str | None) -> Message:
    said = {"done": "done", "skipped": "not today"}.get(status or "", "answered")
    return message(
        "You've already answered this one.",
        [section(f"You've already answered this one ({said}). Nothing changed.")],
    )


def noted(kudos_for: tuple[str, ...]) -> Message:
    if kudos_for:
        names = ", ".join(f"<@{u}>" for u in kudos_for)
        text = (
            f":raised_hands: Logged as kudos for {names}. Tell them too: praise lands best "
            "when the person hears it."
        )
    else:
        text = ":memo: Added to your check-in. Only you see it."
    return message(text, [section(text)])


def kept() -> Message:
    return message(
        "Keep going.", [section(":muscle: Keeping this one. I'll ask again after another run.")]
    )


def not_yours() -> Message:
    return message(
        "That button belongs to someone else.",
        [section("That button is for someone else's habit; only they can answer it.")],
    )


def gone() -> Message:
    return message(
        "That habit is no longer set up.",
        [section("That habit is no longer set up. Start a new one with `/nudge me`.")],
    )


def setup_button(text: str = "Set up my habit", value: str = "") -> ButtonElement:
    return ButtonElement(text=text, action_id=SETUP_ACTION, value=value, style="primary")


def invitation(leader: str, channel_id: str) -> Message:
    """Posted by `/nudge habits invite`: everyone may set up a habit; nobody is enrolled."""
    text = (
        f":seedling: *<@{leader}> invites you to pick one tiny leadership habit.*\n"
        "One small action, anchored to something you already do, with a private reminder "
        "on the days you choose. It takes under two minutes a day, only you see it, and you "
        "can pause or stop it any time."
    )
    return message(
        "Set up a tiny leadership habit: one small action, a private reminder.",
        [
            section(text),
            ActionsBlock(block_id="habit_invite", elements=[setup_button(value=channel_id)]),
            context("Nobody is signed up by this message: it's up to you."),
        ],
    )


def saved(nudge: Nudge, quiet: bool = False) -> Message:
    """The habit is set. `quiet`: its first time falls in the person's do-not-disturb
    hours, when a reminder is skipped: say so, so it isn't skipped without their knowing."""
    when = f"I'll remind you {_when(nudge)}."
    if nudge.next_at is not None:
        when += f" First: {local_time(nudge.next_at)}."
    text = f":seedling: *Your habit is set.*\n>{clip(intention(nudge), 600)}\n{when}"
    blocks: list[Block] = [section(text)]
    if quiet:
        blocks.append(
            context(
                ":zzz: That time is inside your do-not-disturb hours, and I don't send "
                "reminders then. Pick a time outside them with `/nudge me` and *Change*, "
                "or keep it if the quiet hours were a one-off."
            )
        )
    return message(f"Your habit is set: {clip(intention(nudge), 200)}", blocks)


def status(nudge: Nudge | None, log: list[LogDay], today: date) -> Message:
    """`/nudge me`: the habit, when it comes, and the last eight weeks."""
    if nudge is None:
        return message(
            "You have no habit yet.",
            [
                section(
                    "You have no habit yet. Pick one tiny action tied to a practice, and I'll "
                    "remind you privately on the days you choose."
                ),
                ActionsBlock(block_id="habit_none", elements=[setup_button()]),
            ],
        )
    lines = [f":seedling: *Your habit*\n>{clip(intention(nudge), 600)}"]
    lines.append(f"{practice_label(nudge.practice or 'model', nudge.commitment)}")
    lines.append(state_line(nudge))
    blocks: list[Block] = [section("\n".join(lines))]
    grid = log_grid(log, today)
    if grid:
        blocks.append(section(grid))
    blocks.append(
        ActionsBlock(
            block_id="habit_status", elements=[setup_button("Change", value=nudge.channel_id or "")]
        )
    )
    blocks.append(context(STOP_HINT + " `/nudge me resume` to start again."))
    return message(f"Your habit: {clip(intention(nudge), 200)}", blocks)


def state_line(nudge: Nudge) -> str:
    if nudge.status == "paused" and nudge.paused_until is not None:
        return f":double_vertical_bar: Paused until {local_time(nudge.paused_until)}."
    if nudge.status == "off":
        return ":no_bell: Off. `/nudge me resume` turns it back on."
    if nudge.status == "stopped":
        return ":no_bell: Stopped: I couldn't reach you. `/nudge me resume` turns it back on."
    return f":bell: {_when(nudge)}."


def log_grid(log: list[LogDay], today: date) -> str:
    """The last eight weeks, a square per answered day: done, away, not today. A reminder
    left unanswered is not shown: a missed day is never held against anyone."""
    since = today - timedelta(weeks=LOG_WEEKS)
    shown = [d for d in log if d.day >= since and d.status in _MARKS]
    if not shown:
        return ""
    marks = "".join(_MARKS[d.status] for d in shown[-56:])
    done = sum(d.status == "done" for d in shown)
    away_days = sum(d.status == "away" for d in shown)
    return (
        f"*Last {LOG_WEEKS} weeks* (since {day(since, today)}): {marks}\n"
        f"{plural(done, 'day')} done"
        + (f", {plural(away_days, 'day')} skipped while you were away" if away_days else "")
        + "."
    )


def paused(nudge: Nudge) -> Message:
    return message("Paused.", [section(state_line(nudge))])


def resumed(nudge: Nudge) -> Message:
    when = f"Back on: {_when(nudge)}."
    if nudge.next_at is not None:
        when += f" Next: {local_time(nudge.next_at)}."
    return message(when, [section(f":bell: {when}")])


def off() -> Message:
    text = (
        ":no_bell: Your habit reminders are off. Your log stays on your App Home; "
        "`/nudge me resume` turns them back on."
    )
    return message("Your habit reminders are off.", [section(text)])
