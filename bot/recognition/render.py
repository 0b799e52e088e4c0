"""Block Kit for recognition: a kudos as the channel sees it."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.blocks import SECTION_LIMIT, Message, context, message, practice_label, section
from bot.digest.milestones import headline
from bot.errors import UserError
from bot.recognition.service import KudosGiven
from bot.text import clip, join_names, quote


def kudos(given: KudosGiven) -> Message:
    names = join_names(list(given.recipients))
    head = f":tada: *Kudos to {names}!*"
    blocks: list[Block] = [
        section(f"{head}\n{quote(clip(given.reason, SECTION_LIMIT - len(head) - 50))}"),
        context(
            f"From <@{given.giver_id}>",
            practice_label(given.practice, given.commitment),
        ),
    ]
    celebrate = [headline(m) for m in given.milestones if m.shown_now]
    if celebrate:
        blocks.append(section("\n".join(celebrate)))
    return message(f"Kudos to {names} from <@{given.giver_id}>", blocks)


def reply_not_logged(err: UserError) -> Message:
    """Told privately to someone whose kudos in a prompt's thread was refused (over the
    daily cap): their reply stays in the thread, but it was not logged as kudos."""
    text = f":hourglass: I didn't log your reply as kudos. {err.message}"
    return message(text, [section(text)])
