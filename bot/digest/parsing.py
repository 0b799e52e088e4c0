"""Parsing `/nudge digest ...`. Pure; bad input raises UserError with the right form."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserError
from bot.scheduling.when import When, parse_when
from bot.text import clip_word

DIGEST_USAGE = "/nudge digest on <mon..sun> HH:MM [tz <zone>] | off | now"


def parse_digest_when(rest: str, default_zone: str) -> When:
    """`<day> HH:MM [tz <zone>]` after `/nudge digest on`."""
    if any(q in rest for q in "\"'“”\\"):
        raise UserError(
            "Give the day and time as plain words, without quotes, like `fri 16:00`.",
            DIGEST_USAGE,
        )
    words = rest.split()
    core = words[:-2] if len(words) >= 2 and words[-2].lower() == "tz" else words
    if len(core) != 2:
        shown = f" (not *{clip_word(' '.join(core))}*)" if core else ""
        raise UserError(
            f"When should the digest come? Give one day and a time{shown}, like `fri 16:00`.",
            DIGEST_USAGE,
        )
    try:
        return parse_when(f"weekly {rest}", default_zone)
    except UserError as err:
        raise UserError(err.message, DIGEST_USAGE) from None


@dataclass(frozen=True)
class DigestRequest:
    """`status` (nothing typed), `on` with its when, `off` or `now`."""

    action: str
    when: When | None = None


def parse_digest(rest: str, default_zone: str) -> DigestRequest:
    """Nothing (the status), `on <day> HH:MM [tz <zone>]`, `off` or `now`."""
    words = rest.split(maxsplit=1)
    sub = words[0].lower() if words else ""
    arg = words[1].strip() if len(words) > 1 else ""
    if not sub:
        return DigestRequest("status")
    if sub == "on":
        return DigestRequest("on", parse_digest_when(arg, default_zone))
    if sub in ("off", "now"):
        if arg:
            raise UserError(
                f"`/nudge digest {sub}` needs nothing after it (not *{clip_word(arg)}*).",
                DIGEST_USAGE,
            )
        return DigestRequest(sub)
    raise UserError(f"`/nudge digest` doesn't have *{clip_word(sub)}*.", DIGEST_USAGE)
