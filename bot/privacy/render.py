"""Block Kit for a person's own data: the messages of `/nudge export` and `/nudge forget-me`."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ConfirmObject

from bot.blocks import Message, context, message, plural, section
from bot.privacy.mentions import NEUTRAL
from bot.privacy.service import Export, Forgotten

FORGET_CONFIRM = "forget_me_confirm"
FORGET_CANCEL = "forget_me_cancel"

# -- /nudge export -------------------------------------------------------------------------

EXPORT_LEADERS_ONLY = (
    "Only workspace admins, owners and the team's leaders (NUDGEBOT_LEADERS) can export the "
    "log: it holds everyone's words. Ask one of them if you need it."
)


def export_comment(export: Export) -> str:
    """The comment that goes with the CSV file in the asker's DMs."""
    kinds = ", ".join(plural(n, kind, kind) for kind, n in export.counts.items())
    return (
        f":inbox_tray: Here is this workspace's nudgebot log: {plural(export.rows, 'item')} "
        f"({kinds}), up to {export.created:%Y-%m-%d %H:%M} UTC. It holds what people wrote, "
        "so please keep it safe and share it only with those who need it. Worries were "
        "logged without names, so they have none here either."
    )


def export_sent(export: Export) -> Message:
    text = (
        f":incoming_envelope: Done: I sent the export ({plural(export.rows, 'item')}) to "
        "your DMs as a CSV file."
    )
    return message(text, [section(text)])


def export_empty() -> Message:
    text = (
        ":seedling: Nothing is logged in this workspace yet, so there's nothing to export. "
        "Start with `/kudos`, `/win` or `/nudge now`."
    )
    return message(text, [section(text)])


# -- /nudge forget-me ----------------------------------------------------------------------


def _held_lines(held: Forgotten) -> list[str]:
    lines = []
    if held.answers:
        lines.append(
            f"• *delete* your {plural(held.answers, 'answer')} (wins, hopes, goals, ideas "
            "and the rest)"
        )
    if held.kudos_given or held.kudos_received:
        parts = []
        if held.kudos_given:
            parts.append(f"the {plural(held.kudos_given, 'kudos', 'kudos')} you gave")
        if held.kudos_received:
            parts.append(f"the {plural(held.kudos_received, 'kudos', 'kudos')} you received")
        lines.append(f"• keep {' and '.join(parts)} in the team's counts, *without your name*")
    if held.commitments:
        lines.append(f"• *delete* your {plural(held.commitments, 'commitment')}")
    named = _named(held)
    if named:
        lines.append(f"• take your name off {named} (they stay as they are)")
    if held.milestones:
        lines.append(f"• *delete* {plural(held.milestones, 'milestone')} about you")
    if held.mentions:
        lines.append(
            f"• replace your mentions in {plural(held.mentions, 'thing')} others wrote "
            f"(kudos, wins, commitments, ...) with “{NEUTRAL}”"
        )
    return lines


def _named(held: Forgotten) -> str:
    parts = []
    if held.statements:
        parts.append(
            plural(
                held.statements, "published vision or guidelines", "published visions or guidelines"
            )
        )
    if held.prompts:
        parts.append(plural(held.prompts, "prompt") + " you posted")
    if held.schedules:
        parts.append(plural(held.schedules, "schedule") + " you made")
    if held.team_milestones:
        parts.append(plural(held.team_milestones, "team milestone") + " you reached")
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def forget_confirm(user_id: str, held: Forgotten) -> Message:
    """What forget-me will do, exactly, with a Forget me (confirmed) and a Cancel button."""
    if not held.total:
        text = (
            ":sparkles: I hold nothing linked to you in this workspace, so there's nothing to "
            "forget. Worries (`/nudge fear`) are never linked to anyone."
        )
        return message(text, [section(text)])
    lines = "\n".join(_held_lines(held))
    body = (
        ":warning: *Forget me?* Here is exactly what I will do in this workspace, all at once:\n"
        f"{lines}\n"
        "Worries (`/nudge fear`) were never linked to you, so they stay as they are, and what "
        "other people wrote stays as they wrote it, without your name. *This can't be undone.*"
    )
    return message(
        "Forget me? Here is exactly what would happen.",
        [
            section(body),
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
    """What was removed, with counts."""
    if not done.total:
        text = ":white_check_mark: Done: nothing about you was left to remove in this workspace."
        return message(text, [section(text)])
    parts = []
    if done.answers:
        parts.append(plural(done.answers, "answer") + " deleted")
    if done.kudos_given and done.kudos_received:
        parts.append(
            f"{plural(done.kudos_given, 'kudos', 'kudos')} you gave and {done.kudos_received} "
            "you received made anonymous"
        )
    elif done.kudos_given:
        parts.append(f"{plural(done.kudos_given, 'kudos', 'kudos')} you gave made anonymous")
    elif done.kudos_received:
        parts.append(f"{plural(done.kudos_received, 'kudos', 'kudos')} you received made anonymous")
    if done.commitments:
        parts.append(plural(done.commitments, "commitment") + " deleted")
    named = _named(done)
    if named:
        parts.append(f"your name taken off {named}")
    if done.milestones:
        parts.append(plural(done.milestones, "milestone") + " deleted")
    if done.mentions:
        parts.append(f"your mentions replaced in {plural(done.mentions, 'thing')} others wrote")
    text = f":white_check_mark: Done, I forgot you in this workspace: {', '.join(parts)}."
    return message(text, [section(text), context("Thank you for the time you gave the team.")])


def forget_cancelled() -> Message:
    text = ":ok_hand: Cancelled. Nothing was deleted or changed."
    return message(text, [section(text)])


def not_your_button(owner: str) -> Message:
    text = f"This button belongs to <@{owner}>. To be forgotten yourself, use `/nudge forget-me`."
    return message(text, [section(text)])
