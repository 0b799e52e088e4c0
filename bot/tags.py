"""Practice names and `#tags` as people type them: a trailing tag read off a kudos or a win,
and a friendly note when a tag names no practice."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.catalogue import PRACTICES, aliases, find_practice
from bot.text import clip_word

_CHANNEL_TAG = re.compile(r"^<#C[A-Z0-9]+\|([^>]*)>$")


@dataclass(frozen=True)
class Tagged:
    text: str
    practice: str | None
    # A trailing #tag that names no practice: kept in `text`, as typed, and told about.
    unknown: str | None = None


def practices_hint() -> str:
    return ", ".join(f"`{p.key}`" for p in PRACTICES)


def _tag(token: str) -> str | None:
    """The practice word of a #tag (or of an escaped channel link), or None if not a tag."""
    channel = _CHANNEL_TAG.match(token)
    if channel:
        return channel.group(1)
    if token.startswith("#") and len(token) > 1:
        return token[1:]
    return None


def split_practice_tag(text: str) -> Tagged:
    """Take a trailing `#practice` tag off `text`. A #tag that names no practice stays in
    the text, as typed, and is named in `unknown` so the person can be told; a link to a
    channel that isn't named after a practice is just text ("in #support")."""
    words = text.split()
    if words:
        word = _tag(words[-1])
        if word is not None:
            found = find_practice(word)
            if found is None:
                channel = _CHANNEL_TAG.match(words[-1]) is not None
                return Tagged(text.strip(), None, None if channel else word)
            return Tagged(text[: text.rstrip().rfind(words[-1])].strip(), found.key)
    return Tagged(text=text.strip(), practice=None)


def without_unknown_tag(tagged: Tagged) -> str:
    """The text without its unknown trailing #tag: what must say something on its own."""
    if tagged.unknown is None:
        return tagged.text
    return tagged.text[: tagged.text.rfind("#" + tagged.unknown)].strip()


def not_a_practice(word: str, what: str) -> str:
    """Told privately when a #tag names no practice: what was done with `what` (your
    kudos, your win), the nearest practice when one is close, and the tags there are."""
    tags = ", ".join(f"`#{p.key}`" for p in PRACTICES)
    near = difflib.get_close_matches(
        re.sub(r"[\s_-]+", "", word.lower()), aliases(), n=1, cutoff=0.75
    )
    found = find_practice(near[0]) if near else None
    guess = f" Did you mean `#{found.key}`?" if found else ""
    return (
        f":label: I posted {what} as you wrote it, without a practice: "
        f"*#{clip_word(word)}* isn't one of the five.{guess}\n"
        f"Next time you can end with one of {tags} (`/nudge practices` says what they mean)."
    )
