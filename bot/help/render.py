"""Block Kit for `/nudge help` (made from the command table, so it never misses one) and
`/nudge practices`."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, HeaderBlock

from bot import catalogue
from bot.blocks import Message, context, message, section
from bot.command import Command
from bot.text import clip, clip_word, quote

HELP_POINTER = "`/nudge help` lists everything I do."
# A suggestion longer than this, or over several lines, is quoted instead of put in code.
INLINE_LIMIT = 200

INTRO = "*nudgebot* helps this team live the Five Practices of Exemplary Leadership."
GROUPS = ("Recognise and share", "Log", "Practise", "Your habit", "Your data")


def help_text(commands: Sequence[Command], unknown: str | None = None) -> Message:
    """Every listed command, by group, in the table's order."""
    blocks: list[Block] = []
    if unknown:
        blocks.append(
            section(f":thinking_face: I don't know `{clip(unknown, 40)}`. Here's what I do:")
        )
    # A section per group, so the list never outgrows one section's limit.
    lines = [INTRO]
    for group in GROUPS:
        lines.append(f"*{group}*")
        lines += [f"• {c.help()}" for c in commands if c.group == group and c.listed]
        blocks.append(section("\n".join(lines)))
        lines = []
    blocks.append(context(f"Practices: {', '.join(catalogue.PRACTICE_KEYS)}"))
    return message("nudgebot commands", blocks)


def did_you_mean(word: str, command: str, rest: str, own: bool) -> Message:
    """`/nudge <word> <rest>` where `word` is a command of its own (`own`: `/kudos`, `/win`,
    `/vision`) or close to a /nudge subcommand: the command they likely meant, with their
    own words, and a pointer to help instead of all of it."""
    typed = clip_word(word)
    head = (
        f":point_right: `{command}` is a command of its own, not part of `/nudge`."
        if own
        else f":thinking_face: I don't know `/nudge {typed}`."
    )
    whole = f"{command} {rest}".strip()
    if len(whole) <= INLINE_LIMIT and "\n" not in whole and "`" not in whole:
        text = f"{head} Did you mean `{whole}`?"
        blocks = [section(text)]
    else:  # too long for a line of code: their words quoted, to send again
        text = f"{head} Did you mean `{command}`? Here is what you wrote after it:"
        blocks = [section(text), section(quote(clip(rest, 2800)))]
    return message(text, [*blocks, context(HELP_POINTER)])


def practices() -> Message:
    blocks: list[Block] = [HeaderBlock(text="The Five Practices")]
    for p in catalogue.PRACTICES:
        lines = "\n".join(f"• *{c.name}*: {c.summary}" for c in p.commitments)
        blocks.append(section(f"{p.emoji} *{p.name}* (`{p.key}`)\n{p.summary}\n{lines}"))
    blocks.append(
        context("Tag kudos and wins with `#model`, `#vision`, `#challenge`, `#enable` or `#heart`.")
    )
    return message("The Five Practices", blocks)
