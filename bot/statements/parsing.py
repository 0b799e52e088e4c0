"""Parsing `/vision [set <text>]` and `/nudge guidelines [set <text>]`. Pure."""

from __future__ import annotations

import re

from bot.errors import UserError
from bot.text import check_length, clean, clip_word

VISION_USAGE = "/vision  or  /vision set <the vision>"


GUIDELINES_USAGE = "/nudge guidelines  or  /nudge guidelines set <text>"


def parse_vision(text: str) -> str | None:
    """None to show the vision; the new text for `set <text>`."""
    words = clean(text).strip().split(maxsplit=1)
    if not words:
        return None
    if words[0].lower() != "set":
        raise UserError(f"`/vision` doesn't take *{clip_word(words[0])}*.", VISION_USAGE)
    body = words[1].strip() if len(words) > 1 else ""
    if not re.sub(r"[\W_]+", "", body):
        raise UserError("Write the vision after `set`.", VISION_USAGE)
    check_length(body, VISION_USAGE)
    return body


def parse_guidelines(rest: str) -> str | None:
    """None to show the guidelines; the new text for `set <text>`."""
    words = rest.strip().split(maxsplit=1)
    if not words:
        return None
    if words[0].lower() != "set":
        raise UserError(
            f"`/nudge guidelines` doesn't take *{clip_word(words[0])}*.", GUIDELINES_USAGE
        )
    body = words[1].strip() if len(words) > 1 else ""
    if not re.sub(r"[\W_]+", "", body):
        raise UserError("Write the guidelines after `set`.", GUIDELINES_USAGE)
    check_length(body, GUIDELINES_USAGE)
    return body
