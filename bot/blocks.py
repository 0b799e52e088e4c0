"""The one Block Kit toolkit every feature renders with.

Blocks are built with slack_sdk.models, so Slack's limits are checked where a message is
made, and every message carries fallback text for notifications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot import catalogue
from bot.errors import UserError
from bot.text import clip, defuse, escape_controls

SECTION_LIMIT = 3000  # characters in one section's text
CONTEXT_LIMIT = 2000  # characters in one context element
LINES_PER_SECTION = 10


@dataclass(frozen=True)
class Message:
    """A message: fallback text for notifications plus validated blocks."""

    text: str
    blocks: list[dict[str, Any]]

    def kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def message(text: str, blocks: list[Block]) -> Message:
    """A message from its fallback text and blocks (the text cut to Slack's limit). Every
    message is made here, so here every text is made ready for Slack (`defused`): @channel,
    @here, @everyone and group mentions lose their ping, and in mrkdwn our own `<`, `>` and
    `&` are escaped, so a `<placeholder>` shows as written."""
    return Message(
        text=_ready(clip(text, SECTION_LIMIT)), blocks=[defused(b.to_dict()) for b in blocks]
    )


def defused(node: Any) -> Any:
    """A block, view or any part of one with every text made ready for Slack, and nothing
    else touched (ids, values and private metadata are left as they are): no broadcast pings
    (`bot.text.defuse`), and in mrkdwn, Slack's control characters escaped where they are not
    markup we mean (`bot.text.escape_controls`). Plain text is shown as written by Slack, so
    it is only defused. The one place this happens: write `<what they did>`, never `&lt;`."""
    if isinstance(node, dict):
        plain = node.get("type") == "plain_text"
        return {
            key: _ready(value, plain)
            if key == "text" and isinstance(value, str)
            else defused(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [defused(item) for item in node]
    return node


def _ready(text: str, plain: bool = False) -> str:
    safe = defuse(text)
    if plain:
        return safe
    escaped = escape_controls(safe)
    # Escaping lengthens the text: keep it within the limit it was cut to (every limit of a
    # mrkdwn text is at least CONTEXT_LIMIT), cutting at a clean place.
    if len(escaped) > max(len(safe), CONTEXT_LIMIT):
        escaped = clip(escaped, max(len(safe), CONTEXT_LIMIT))
    return escaped


def section(text: str) -> SectionBlock:
    """A mrkdwn section, cut to Slack's limit."""
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)))


def sections(lines: list[str], per_section: int = LINES_PER_SECTION) -> list[Block]:
    """Lines spread over as many sections as they need, `per_section` lines each."""
    return [
        section("\n".join(lines[start : start + per_section]))
        for start in range(0, len(lines), per_section)
    ]


def context(*texts: str) -> ContextBlock:
    """A context block of up to ten mrkdwn elements (Slack's limit)."""
    return ContextBlock(
        elements=[MarkdownTextObject(text=clip(t, CONTEXT_LIMIT)) for t in texts[:10]]
    )


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 kudos`, `3 people`, `1,200 items`."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def local_time(moment: datetime) -> str:
    """A time Slack shows in each reader's own zone, with a fallback for old clients."""
    fallback = f"{moment:%Y-%m-%d %H:%M %Z}"
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def day(when: date, today: date | None = None) -> str:
    """The one way we write a calendar day: `Fri 4 Dec`, with the year when it is not this
    year's (`Fri 4 Dec 2027`). Moments people act on use `local_time` instead."""
    text = f"{when:%a} {when.day} {when:%b}"
    return text if today is not None and when.year == today.year else f"{text} {when.year}"


def days(first: date, last: date, today: date | None = None) -> str:
    """A span of whole days, both ends included: `23–29 Nov`, `28 Nov – 4 Dec`."""
    year = "" if today is not None and last.year == today.year else f" {last.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b}{year}"
    start = f"{first.day} {first:%b}" + (f" {first.year}" if first.year != last.year else "")
    return f"{start} – {last.day} {last:%b}{year}"


def practice_label(key: str, commitment: str | None = None) -> str:
    """`:emoji: Practice name · Commitment name`."""
    practice = catalogue.practice(key)
    label = f"{practice.emoji} {practice.name}"
    if commitment:
        label += f" · {practice.commitment(commitment).name}"
    return label


def error(err: UserError) -> Message:
    """A refused command: what was wrong, and the right form when there is one."""
    blocks: list[Block] = [section(f":warning: {err.message}")]
    if err.usage:
        blocks.append(context(f"Try: `{err.usage}`"))
    return message(err.message, blocks)


def notice(text: str) -> Message:
    """A one-section message."""
    return message(text, [section(text)])
