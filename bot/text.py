"""Text helpers for Slack mrkdwn: escaping and clean cutting of long user text."""

from __future__ import annotations

import re

_ENTITY = re.compile(r"<[^<>\n]{1,300}>")


def escape(text: str) -> str:
    """Escape raw text (from a modal) for mrkdwn; slash-command text arrives escaped already."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, at a word boundary, never inside a mention,
    a link or an HTML entity, ending with an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    cut = limit - 1
    # Never split <@U123|name>, <https://...> or &amp;: move the cut before them.
    for match in _ENTITY.finditer(text, 0, limit + 300):
        if match.start() < cut < match.end():
            cut = match.start()
            break
    amp = text.rfind("&", max(0, cut - 6), cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    space = text.rfind(" ", 0, cut)
    if space > cut * 0.8:
        cut = space
    return text[:cut].rstrip() + "…"


def quote(text: str) -> str:
    """Render text as a mrkdwn block quote, line by line."""
    return "\n".join("> " + line if line else ">" for line in text.splitlines() or [""])


def join_names(user_ids: list[str]) -> str:
    """<@A>, <@B> and <@C>."""
    mentions = [f"<@{u}>" for u in user_ids]
    if len(mentions) <= 1:
        return "".join(mentions)
    return ", ".join(mentions[:-1]) + " and " + mentions[-1]
