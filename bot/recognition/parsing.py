"""Parsing `/kudos @a [@b ...] [+value] <reason> [#practice]`. Pure; bad input raises
UserError."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from bot.errors import UserError
from bot.tags import split_practice_tag, without_unknown_tag
from bot.text import check_length, clean, clip_word
from bot.values.parsing import split_value_tag

KUDOS_USAGE = "/kudos @ana [@ben ...] [+value] for <what they did> [#practice]"


MAX_RECIPIENTS = 10


_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


_JOINED_MENTIONS = re.compile(r">\s*,\s*<@")


_SEPARATOR = re.compile(r"^(,|and|&amp;|&|\+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Kudos:
    recipients: tuple[str, ...]
    reason: str
    practice: str | None
    # A trailing #tag that is no practice: left in the reason as typed, and told about.
    unknown_tag: str | None = None
    # The `+<value>` tag as typed (without the `+`), taken off the reason; matched against
    # the team's values after the ack (bot.values.parsing.resolve).
    value: str | None = None
    # The reason with its `+<value>` tag still in it, for where a tag stays text (a team
    # without values, an unknown tag in a thread reply).
    typed: str = field(default="", compare=False)
    # How many `+<value>` tags were typed (more than one is refused when the team has values).
    tags: int = field(default=0, compare=False)


def parse_kudos(text: str) -> Kudos:
    """`@a [@b ...] <reason> [#practice]`: leading mentions are the people recognised. A
    #tag that names no practice stays in the reason (the kudos counts untagged). One
    `+<value>` tag anywhere in the reason names the value it shows."""
    text = _JOINED_MENTIONS.sub("> <@", clean(text))
    tagged = split_practice_tag(text.strip())
    words = tagged.text.split()
    recipients: list[str] = []
    index = 0
    while index < len(words):
        word = words[index].rstrip(",")
        user = _USER.match(word)
        if user:
            if user.group(1) not in recipients:
                recipients.append(user.group(1))
        elif not _SEPARATOR.match(word) and word:
            break
        index += 1
    if not recipients:
        first = words[0] if words else ""
        if first.startswith("<!"):
            raise UserError("Kudos go to people, not to groups or the whole channel.", KUDOS_USAGE)
        if first.startswith("@"):
            raise UserError(
                f"I couldn't tell who *{clip_word(first)}* is. Pick the person from Slack's "
                "list as you type their name, so the mention turns blue.",
                KUDOS_USAGE,
            )
        raise UserError("Who are the kudos for? Start with an @mention.", KUDOS_USAGE)
    if len(recipients) > MAX_RECIPIENTS:
        raise UserError(
            f"That's {len(recipients)} people; kudos go to at most {MAX_RECIPIENTS} at once.",
            KUDOS_USAGE,
        )
    typed = " ".join(words[index:])
    value = split_value_tag(typed)
    reason = value.text
    said = without_unknown_tag(replace(tagged, text=reason))
    if re.sub(r"[\W_]+", "", re.sub(r"^for\b", "", said, flags=re.IGNORECASE)) == "":
        raise UserError(
            "Say what they did: the reason is what makes recognition mean something.",
            KUDOS_USAGE,
        )
    check_length(reason, KUDOS_USAGE)
    return Kudos(
        tuple(recipients), reason, tagged.practice, tagged.unknown, value.word, typed, value.count
    )
