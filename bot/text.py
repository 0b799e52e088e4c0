"""Text helpers for Slack mrkdwn: escaping and clean cutting of long user text."""

from __future__ import annotations

import re

from bot.errors import UserError

_ENTITY = re.compile(r"<[^<>\n]{1,8000}>")


def escape(text: str) -> str:
    """Escape raw text (from a modal) for mrkdwn; slash-command text arrives escaped already."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# What `&`, `<` and `>` mean on purpose in Slack text, left as they are by `escape_controls`:
# a person or a channel, a special command (`<!date^...>`, `<!here>`), a link (`<https://...|
# words>`), a character escaped already, and the `>` (or `>>>`) that starts a quoted line.
_MEANT = (
    r"<(?:@[UWB][A-Z0-9]+|#[CG][A-Z0-9]+)(?:\|[^<>\n]*)?>"
    r"|<![a-z][^<>\n]*>"
    r"|<(?:https?|mailto|tel|slack):[^<>\s|]+(?:\|[^<>\n]*)?>"
    r"|&(?:amp|lt|gt);"
    r"|^(?:>>>|>)"
)
_CONTROLS = re.compile(rf"(?P<meant>{_MEANT})|[&<>]", re.MULTILINE)
_ESCAPED = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_controls(text: str) -> str:
    """Escape Slack's control characters in text we write: every `&`, `<` and `>` that is not
    markup we mean (see `_MEANT`) becomes `&amp;`, `&lt;` or `&gt;`, so `for <what they did>`
    shows as typed instead of vanishing as a broken link. Text people sent arrives escaped
    already and stays as it is (never `&amp;amp;`); applying this twice changes nothing."""
    if "&" not in text and "<" not in text and ">" not in text:
        return text
    return _CONTROLS.sub(lambda m: m.group() if m.group("meant") else _ESCAPED[m.group()], text)


def clip(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, at a word boundary, never inside a mention,
    a link or an HTML entity, ending with an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    cut = max(limit - 1, 0)
    entities = [m.span() for m in _ENTITY.finditer(text)]

    def inside(at: int) -> tuple[int, int] | None:
        return next(((s, e) for s, e in entities if s < at < e), None)

    # Never split <@U123|name>, <https://...> or &amp;: move the cut before them.
    span = inside(cut)
    if span:
        cut = span[0]
    amp = text.rfind("&", max(0, cut - 6), cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    space = text.rfind(" ", 0, cut)
    if space > cut * 0.8 and not inside(space):
        cut = space
    return text[:cut].rstrip() + "…"


_BROADCAST = re.compile(
    r"<!(here|channel|everyone)(?:\|[^>]*)?>|<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>"
)


def defuse(text: str) -> str:
    """Turn @here, @channel, @everyone and group mentions into plain words, so quoting what
    someone typed never pings a whole channel or team."""
    return _BROADCAST.sub(
        lambda m: "@" + m.group(1) if m.group(1) else (m.group(2) or "@group"), text
    )


def quote(text: str) -> str:
    """Render user text as a mrkdwn block quote, line by line, without broadcast pings."""
    return "\n".join("> " + line if line else ">" for line in defuse(text).splitlines() or [""])


def join_names(user_ids: list[str]) -> str:
    """<@A>, <@B> and <@C>."""
    mentions = [f"<@{u}>" for u in user_ids]
    if len(mentions) <= 1:
        return "".join(mentions)
    return ", ".join(mentions[:-1]) + " and " + mentions[-1]


# -- What people type ---------------------------------------------------------------------

MAX_TEXT = 3000  # characters of one kudos reason, win, answer or statement

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Drop control characters (NUL and the like) that no person means to type and that
    PostgreSQL refuses to store; keep newlines and tabs."""
    return _CONTROL.sub("", text)


def clip_word(word: str, limit: int = 40) -> str:
    """Echo a bit of what the person typed back to them, short and without formatting."""
    word = re.sub(r"[*_~`]", "", word.strip())
    return word if len(word) <= limit else word[: limit - 1] + "…"


def check_length(text: str, usage: str) -> None:
    """Refuse text longer than MAX_TEXT, showing `usage`."""
    if len(text) > MAX_TEXT:
        raise UserError(
            f"That is {len(text):,} characters; please keep it under {MAX_TEXT:,}.", usage
        )
