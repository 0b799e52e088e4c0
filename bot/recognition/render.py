"""Block Kit for recognition: a kudos as the channel sees it."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot import catalogue, tags
from bot.blocks import SECTION_LIMIT, Message, context, message, notice, practice_label, section
from bot.digest.milestones import headline
from bot.errors import UserError
from bot.recognition.service import KudosGiven
from bot.text import clip, join_names, quote
from bot.values.render import value_label


def kudos(given: KudosGiven) -> Message:
    """The kudos for the channel: who, why and from whom. The practice is named only when
    the giver tagged one other than Encourage the Heart, where every kudos counts anyway."""
    names = join_names(list(given.recipients))
    head = f":tada: *Kudos to {names}!*"
    tagged = given.practice != catalogue.KIND_HOME["kudos"][0]
    blocks: list[Block] = [
        section(f"{head}\n{quote(clip(given.reason, SECTION_LIMIT - len(head) - 50))}"),
        context(
            f"From <@{given.giver_id}>",
            *([value_label(given.team_value)] if given.team_value else []),
            *([practice_label(given.practice)] if tagged else []),
        ),
    ]
    celebrate = [headline(m) for m in given.milestones if m.shown_now]
    if celebrate:
        blocks.append(section("\n".join(celebrate)))
    return message(f"Kudos to {names} from <@{given.giver_id}>", blocks)


def praise_hint() -> Message:
    """Told privately, at most once a week, after a kudos whose reason named no action."""
    return notice(
        ":bulb: _Only you see this:_ praise lands best when it says what the person did and "
        "what it made possible, like “for pairing on the flaky test, so we shipped on Friday”."
    )


def unknown_tag(word: str) -> Message:
    """Told privately after a kudos whose #tag names no practice: it was posted anyway."""
    return notice(tags.not_a_practice(word, "your kudos"))


def reply_not_logged(err: UserError) -> Message:
    """Told privately to someone whose kudos in a prompt's thread was refused (over the
    daily cap): their reply stays in the thread, but it was not logged as kudos."""
    text = f":hourglass: I didn't log your reply as kudos. {err.message}"
    return message(text, [section(text)])
