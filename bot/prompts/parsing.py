"""Parsing what people share: `/win`, `/nudge hope|fear|goal|pilot|idea|learning`, and the
practice of `/nudge now`. Pure; bad input raises UserError."""

from __future__ import annotations

import re

from bot import catalogue
from bot.errors import UserError
from bot.tags import Tagged, practices_hint, split_practice_tag, without_unknown_tag
from bot.text import check_length, clean, clip_word

WIN_USAGE = "/win <what went well> [#practice]"


NOW_USAGE = "/nudge now [practice]"


LOG_KINDS = ("hope", "fear", "goal", "pilot", "idea", "learning")


def parse_win(text: str) -> Tagged:
    """`<text> [#practice]`; a #tag that names no practice stays in the text."""
    tagged = split_practice_tag(clean(text).strip())
    if not re.sub(r"[\W_]+", "", without_unknown_tag(tagged)):
        raise UserError("Tell us what the win was.", WIN_USAGE)
    check_length(tagged.text, WIN_USAGE)
    return tagged


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
