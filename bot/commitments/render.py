"""Block Kit for commitments: the posted commitment, the follow-up question with its three
buttons, and the answer that replaces the question."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.blocks import SECTION_LIMIT, Message, context, local_time, message, section
from bot.commitments.dates import describe
from bot.commitments.service import Answer, CommitmentView
from bot.text import clip, quote

KEPT_ACTION = "commitment_kept"
NOT_YET_ACTION = "commitment_not_yet"
DROPPED_ACTION = "commitment_dropped"
ACTIONS = {KEPT_ACTION: "kept", NOT_YET_ACTION: "not_yet", DROPPED_ACTION: "dropped"}
ANSWER_BLOCK = "commitment_answer"


def _body(head: str, text: str) -> str:
    return f"{head}\n{quote(clip(text, SECTION_LIMIT - len(head) - 50))}"


def posted(view: CommitmentView, today: date) -> Message:
    """The commitment, shown to the channel."""
    due = describe(view.due_on, today)
    head = f":handshake: *<@{view.user_id}> made a commitment, due {due}*"
    blocks: list[Block] = [section(_body(head, view.text))]
    if view.next_ask_at:
        blocks.append(
            context(f"I'll ask how it went, here in the thread, {local_time(view.next_ask_at)}.")
        )
    return message(f"<@{view.user_id}> committed to: {clip(view.text, 200)} (due {due})", blocks)


def not_in_channel(text: str) -> Message:
    """Told to the person when the bot can't post in the channel; nothing was saved."""
    head = (
        ":wave: I can only share commitments in channels I'm a member of, so nothing was "
        "saved. Add me with `/invite @nudgebot`, then send it again. Here's what you wrote:"
    )
    return message(
        "Add me to this channel with /invite @nudgebot, then send your commitment again.",
        [section(_body(head, text))],
    )


def question(view: CommitmentView, today: date) -> Message:
    """The follow-up in the commitment's thread: was it kept?"""
    again = " again" if view.asked_count > 1 else ""
    head = (
        f":wave: <@{view.user_id}>, checking in{again} on your commitment "
        f"(due {describe(view.due_on, today)}). How did it go?"
    )
    value = str(view.id)
    return message(
        f"<@{view.user_id}>, how did your commitment go? {clip(view.text, 200)}",
        [
            section(_body(head, view.text)),
            ActionsBlock(
                block_id=ANSWER_BLOCK,
                elements=[
                    ButtonElement(
                        text="Kept it", action_id=KEPT_ACTION, value=value, style="primary"
                    ),
                    ButtonElement(text="Not yet", action_id=NOT_YET_ACTION, value=value),
                    ButtonElement(text="Dropped it", action_id=DROPPED_ACTION, value=value),
                ],
            ),
            context(f"Only <@{view.user_id}> can answer."),
        ],
    )


def _said(view: CommitmentView, choice: str) -> str:
    who = f"<@{view.user_id}>"
    if choice == "kept":
        return (
            f":white_check_mark: *{who} kept it.* Doing what you said you'd do is how trust "
            "is built: thank you for modelling the way."
        )
    if choice == "dropped":
        return (
            f":leaves: *{who} dropped it.* That's fine. Letting go of a promise openly, "
            "instead of letting it fade away, is leading by example too: it keeps everyone's "
            "picture honest and makes room for what matters now."
        )
    when = f" {local_time(view.next_ask_at)}" if view.next_ask_at else " soon"
    return f":hourglass_flowing_sand: *{who} says not yet.* No pressure: I'll check in again{when}."


def answered(result: Answer) -> Message:
    """Replaces the question once its author answered: the answer and who gave it, no
    buttons left to click."""
    view = result.commitment
    assert view is not None
    said = _said(view, result.choice)
    at = local_time(view.answered_at) if view.answered_at else "just now"
    return message(
        said.replace("*", ""),
        [section(_body(said, view.text)), context(f"Answered by <@{view.user_id}> · {at}")],
    )


def already(result: Answer) -> Message:
    """A second click: nothing changed, and what the answer was."""
    view = result.commitment
    assert view is not None
    if view.status == "kept":
        what = "it was marked *kept*"
    elif view.status == "dropped":
        what = "it was marked *dropped*"
    elif view.next_ask_at is not None:
        what = f"it's *not yet* done, and I'll check in again {local_time(view.next_ask_at)}"
    else:
        what = "I'm still waiting for the answer to the latest question in the thread"
    text = f":ballot_box_with_check: This commitment was answered already: {what}. Nothing changed."
    return message(text.replace("*", ""), [section(text)])


def only_author(result: Answer) -> Message:
    view = result.commitment
    assert view is not None
    text = (
        f":raised_hand: Only <@{view.user_id}> can answer this: it's their commitment. "
        "You can cheer them on in the thread."
    )
    return message(text, [section(text)])


def missing() -> Message:
    text = "That commitment is no longer here, so there's nothing to answer."
    return message(text, [section(text)])
