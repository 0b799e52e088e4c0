"""Parsing what people share: `/win`, `/nudge hope|fear|goal|pilot|idea|learning`, and the
practice of `/nudge now`. Pure; bad input raises UserError."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot import catalogue
from bot.errors import UserError
from bot.tags import Tagged, practices_hint, split_practice_tag, without_unknown_tag
from bot.text import check_length, clean, clip_word
from bot.values.parsing import split_value_tag

WIN_USAGE = "/win [+value] <what went well> [#practice]"


NOW_USAGE = "/nudge now [practice]"


LOG_KINDS = ("hope", "fear", "goal", "pilot", "idea", "learning")


@dataclass(frozen=True)
class Win:
    """A win as typed: its text, its #practice (and a #tag naming none, kept in the text),
    and the `+<value>` tag it names (as typed, without the `+`)."""

    tagged: Tagged
    value: str | None = None
    # The text with its `+<value>` tags as typed (posted so when the team has no values),
    # and how many there were.
    typed: str = ""
    tags: int = 0


def read_win(text: str) -> Win:
    """`[+value] <text> [#practice]`; a #tag that names no practice stays in the text; one
    `+<value>` tag anywhere names the team value it shows (matched after the ack)."""
    tagged = split_practice_tag(clean(text).strip())
    typed = tagged.text
    value = split_value_tag(typed)
    tagged = replace(tagged, text=value.text)
    if not re.sub(r"[\W_]+", "", without_unknown_tag(tagged)):
        raise UserError("Tell us what the win was.", WIN_USAGE)
    check_length(tagged.text, WIN_USAGE)
    return Win(tagged, value.word, typed, value.count)


def parse_win(text: str) -> Tagged:
    """`<text> [#practice]`; a #tag that names no practice stays in the text."""
    return read_win(text).tagged


def parse_log(kind: str, rest: str) -> str:
    usage = f"/nudge {kind} <text>"
    if not re.sub(r"[\W_]+", "", rest):
        raise UserError(f"Write your {kind} after `/nudge {kind}`.", usage)
    check_length(rest, usage)
    return rest.strip()


def parse_practice_arg(rest: str) -> str | None:
    """An optional practice name for `/nudge now`."""
    if not rest.strip():
        return None
    found = catalogue.find_practice(rest)
    if found is None:
        raise UserError(
            f"I don't know the practice *{clip_word(rest)}*. Try one of: {practices_hint()}.",
            NOW_USAGE,
        )
    return found.key
