"""Block Kit for a person's own data: the messages of `/nudge export` and `/nudge forget-me`."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ConfirmObject

from bot.blocks import Message, context, day, message, notice, plural, section
from bot.privacy.export import TYPES, Export
from bot.privacy.mentions import NEUTRAL
from bot.privacy.service import Forgotten

FORGET_CONFIRM = "forget_me_confirm"
FORGET_CANCEL = "forget_me_cancel"

# -- /nudge export -------------------------------------------------------------------------

EXPORT_LEADERS_ONLY = (
    "Only admins and the team's leaders can export the log: it holds everyone's words. "
    "Ask one of them if you need it."
)


def export_comment(export: Export) -> str:
    """The comment that goes with the CSV file in the asker's DMs."""
    created = export.created
    kinds = ", ".join(
        plural(n, *TYPES.get(kind, (kind, kind))) for kind, n in export.counts.items()
    )
    return (
        f":inbox_tray: Here is this workspace's nudgebot log: {plural(export.rows, 'item')}, "
        f"up to {day(created.date(), created.date())} at {created:%H:%M} ({export.zone}).\n"
        f"{kinds}.\n"
        ":lock: It holds what people wrote: please keep it safe and share it only with those "
        "who need it. Worries carry no names, here or anywhere."
    )


def export_sent(export: Export) -> Message:
    return notice(
        f":incoming_envelope: Done: the log ({plural(export.rows, 'item')}) is in your DMs "
        "as a CSV file."
    )


def export_empty() -> Message:
    return notice(
        ":seedling: Nothing is logged in this workspace yet, so there's nothing to export. "
        "Start with `/kudos`, `/win` or `/nudge now`."
    )


# -- /nudge forget-me ----------------------------------------------------------------------


def _kudos(count: Forgotten, verb: str) -> str:
    """`the 1 kudos you gave and the 2 you received`, either part left out at zero."""
    parts = []
    if count.kudos_given:
        parts.append(f"{plural(count.kudos_given, 'kudos', 'kudos')} you gave")
    if count.kudos_received:
        received = (
            f"{count.kudos_received:,}" if parts else plural(count.kudos_received, "kudos", "kudos")
        )
        parts.append(f"{received} you received")
    return f"{verb}{' and '.join(parts)}" if parts else ""


def _named(count: Forgotten) -> str:
    parts = []
    if count.statements:
        parts.append(
            plural(count.statements, "statement")
            + " you published (the vision, guidelines or values)"
        )
    if count.prompts:
        parts.append(plural(count.prompts, "prompt") + " you posted")
    if count.schedules:
        parts.append(plural(count.schedules, "schedule") + " you made")
    if count.pulse_rounds:
        parts.append(plural(count.pulse_rounds, "pulse round") + " you opened")
    if count.team_milestones:
        parts.append(plural(count.team_milestones, "team milestone") + " you reached")
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _held_lines(held: Forgotten) -> list[str]:
    """What forgetting would do, one line per kind of thing, in the order it matters."""
    named = _named(held)
    lines = [
        f"• *delete* {plural(held.answers, 'answer')} you shared (wins, hopes, goals, ideas "
        "and the rest)"
        if held.answers
        else "",
        f"• *delete* {plural(held.commitments, 'commitment')} you made" if held.commitments else "",
        "• *delete* your habit and reminders, with their log" if held.habits else "",
        "• *delete* your pulse choices and your own pulse ratings (the team's anonymous "
        "answers hold no names)"
        if held.pulse_ratings or held.pulse_optouts or held.pulse_invites
        else "",
        "• *delete* when I last sent you a private tip" if held.hints else "",
        f"• *delete* {plural(held.milestones, 'milestone')} about you" if held.milestones else "",
        f"• keep {_kudos(held, 'the ')} in the team's counts, *without your name*"
        if held.kudos_given or held.kudos_received
        else "",
        f"• take your name off {named} (they stay as they are)" if named else "",
        f"• put “{NEUTRAL}” where your name is in {plural(held.mentions, 'thing')} others wrote"
        if held.mentions
        else "",
    ]
    return [line for line in lines if line]


def forget_confirm(user_id: str, held: Forgotten) -> Message:
    """What forget-me will do, exactly, with a Forget me (confirmed) and a Cancel button."""
    if not held.total:
        return notice(
            ":sparkles: I hold nothing linked to you in this workspace, so there's nothing to "
            "forget. Worries are never linked to anyone."
        )
    lines = "\n".join(_held_lines(held))
    body = (
        ":warning: *Forget me?* Here is exactly what I'll do in this workspace, all at once:\n"
        f"{lines}"
    )
    return message(
        "Forget me? Here is exactly what would happen.",
        [
            section(body),
            context(
                "Worries were never linked to you, so they stay as they are. What others wrote "
                "stays as they wrote it, without your name. *This can't be undone.*"
            ),
            ActionsBlock(
                block_id="forget_me",
                elements=[
                    ButtonElement(
                        text="Forget me",
                        action_id=FORGET_CONFIRM,
                        value=user_id,
                        style="danger",
                        confirm=ConfirmObject(
                            title="Forget you for good?",
                            text="Everything listed is deleted or made anonymous at once. "
                            "It can't be undone.",
                            confirm="Forget me",
                            deny="Keep my data",
                            style="danger",
                        ),
                    ),
                    ButtonElement(text="Cancel", action_id=FORGET_CANCEL, value=user_id),
                ],
            ),
        ],
    )


def forget_done(done: Forgotten) -> Message:
    """What was removed, with counts, one line each."""
    if not done.total:
        return notice(
            ":white_check_mark: Done: nothing about you was left to remove in this workspace."
        )
    named = _named(done)
    lines = [
        f"• {plural(done.answers, 'answer')} deleted" if done.answers else "",
        f"• {plural(done.commitments, 'commitment')} deleted" if done.commitments else "",
        "• your habit and reminders deleted, with their log" if done.habits else "",
        "• your pulse choices and your own pulse ratings deleted"
        if done.pulse_ratings or done.pulse_optouts or done.pulse_invites
        else "",
        "• when I last sent you a private tip, deleted" if done.hints else "",
        f"• {plural(done.milestones, 'milestone')} about you deleted" if done.milestones else "",
        f"• {_kudos(done, '')} kept without your name"
        if done.kudos_given or done.kudos_received
        else "",
        f"• your name taken off {named}" if named else "",
        f"• “{NEUTRAL}” put where your name was in {plural(done.mentions, 'thing')} others wrote"
        if done.mentions
        else "",
    ]
    text = ":white_check_mark: *Done: I forgot you in this workspace.*"
    return message(
        text.replace("*", ""),
        [
            section("\n".join([text, *(line for line in lines if line)])),
            context("Thank you for the time you gave the team."),
        ],
    )


def forget_cancelled() -> Message:
    return notice(":ok_hand: Cancelled. Nothing was deleted or changed.")


def not_your_button(owner: str) -> Message:
    return notice(
        f"This button is for <@{owner}> only. To be forgotten yourself, use `/nudge forget-me`."
    )
