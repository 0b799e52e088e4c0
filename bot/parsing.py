"""Parsing what people type after a slash command. Pure functions; bad input raises UserError."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import catalogue
from bot.errors import UserError

KUDOS_USAGE = "/kudos @ana [@ben ...] for <what they did> [#practice]"
WIN_USAGE = "/win <what went well> [#practice]"
VISION_USAGE = "/vision  or  /vision set <the vision>"
PROGRESS_USAGE = "/nudge progress [7d|30d|90d]"
# Shown inside one `code span` by render.error: the inner backticks make it two.
PROGRESS_CHART_USAGE = f"{PROGRESS_USAGE}`, and with a chart: `/nudge progress 30d chart"
GUIDELINES_USAGE = "/nudge guidelines  or  /nudge guidelines set <text>"
NOW_USAGE = "/nudge now [practice]"

MAX_RECIPIENTS = 10
MAX_TEXT = 3000
PERIODS = {"7d": 7, "30d": 30, "90d": 90}
LOG_KINDS = ("hope", "fear", "goal", "pilot", "idea", "learning")

_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL_TAG = re.compile(r"^<#C[A-Z0-9]+\|([^>]*)>$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_JOINED_MENTIONS = re.compile(r">\s*,\s*<@")
_SEPARATOR = re.compile(r"^(,|and|&amp;|&|\+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Kudos:
    recipients: tuple[str, ...]
    reason: str
    practice: str | None


@dataclass(frozen=True)
class Tagged:
    text: str
    practice: str | None


@dataclass(frozen=True)
class NudgeCommand:
    """`/nudge <action> <rest>`; action is "help" for empty or unknown input."""

    action: str
    rest: str
    unknown: str | None = None


def practices_hint() -> str:
    return ", ".join(f"`{p.key}`" for p in catalogue.PRACTICES)


def _tag(token: str) -> str | None:
    """The practice word of a #tag (or of an escaped channel link), or None if not a tag."""
    channel = _CHANNEL_TAG.match(token)
    if channel:
        return channel.group(1)
    if token.startswith("#") and len(token) > 1:
        return token[1:]
    return None


def split_practice_tag(text: str, usage: str) -> Tagged:
    """Take a trailing `#practice` tag off `text`. An unknown #tag is an error, not text;
    a link to a channel that isn't named after a practice is just text ("in #support")."""
    words = text.split()
    practice = None
    if words:
        word = _tag(words[-1])
        if word is not None:
            found = catalogue.find_practice(word)
            if found is None and _CHANNEL_TAG.match(words[-1]):
                return Tagged(text=text.strip(), practice=None)
            if found is None:
                raise UserError(
                    f"I don't know the practice *#{clip_word(word)}*. "
                    f"Tag one of: {practices_hint()}.",
                    usage,
                )
            practice = found.key
            text = text[: text.rstrip().rfind(words[-1])]
    return Tagged(text=text.strip(), practice=practice)


def _check_length(text: str, usage: str) -> None:
    if len(text) > MAX_TEXT:
        raise UserError(
            f"That is {len(text):,} characters; please keep it under {MAX_TEXT:,}.", usage
        )


def clean(text: str) -> str:
    """Drop control characters (NUL and the like) that no person means to type and that
    PostgreSQL refuses to store; keep newlines and tabs."""
    return _CONTROL.sub("", text)


def parse_kudos(text: str) -> Kudos:
    """`@a [@b ...] <reason> [#practice]`: leading mentions are the people recognised."""
    text = _JOINED_MENTIONS.sub("> <@", clean(text))
    tagged = split_practice_tag(text.strip(), KUDOS_USAGE)
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
    reason = " ".join(words[index:])
    if re.sub(r"[\W_]+", "", re.sub(r"^for\b", "", reason, flags=re.IGNORECASE)) == "":
        raise UserError(
            "Say what they did: the reason is what makes recognition mean something.",
            KUDOS_USAGE,
        )
    _check_length(reason, KUDOS_USAGE)
    return Kudos(recipients=tuple(recipients), reason=reason, practice=tagged.practice)


def parse_win(text: str) -> Tagged:
    """`<text> [#practice]`."""
    tagged = split_practice_tag(clean(text).strip(), WIN_USAGE)
    if not re.sub(r"[\W_]+", "", tagged.text):
        raise UserError("Tell us what the win was.", WIN_USAGE)
    _check_length(tagged.text, WIN_USAGE)
    return tagged


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
    _check_length(body, VISION_USAGE)
    return body


def parse_nudge(text: str) -> NudgeCommand:
    words = clean(text).strip().split(maxsplit=1)
    if not words:
        return NudgeCommand("help", "")
    action = words[0].lower()
    rest = words[1].strip() if len(words) > 1 else ""
    known = {
        "help",
        "practices",
        "now",
        "progress",
        "guidelines",
        "schedule",
        "digest",
        "milestones",
        "commit",
        "export",
        "forget-me",
        *LOG_KINDS,
    }
    if action not in known:
        return NudgeCommand("help", "", unknown=words[0])
    return NudgeCommand(action, rest)


def parse_period(rest: str) -> int:
    """`7d|30d|90d` (default 7d) to a number of days."""
    word = rest.strip().lower()
    if not word:
        return 7
    if word not in PERIODS:
        raise UserError(f"*{clip_word(rest)}* isn't a period I know.", PROGRESS_USAGE)
    return PERIODS[word]


@dataclass(frozen=True)
class ProgressRequest:
    """`/nudge progress [7d|30d|90d] [chart]`."""

    days: int
    chart: bool


def parse_progress(rest: str) -> ProgressRequest:
    """A period (default 7d) and the word `chart`, in any order. Saying one twice is
    harmless; two different periods, or any other word, are refused."""
    words = rest.split()
    periods = {PERIODS[w.lower()] for w in words if w.lower() in PERIODS}
    unknown = [w for w in words if w.lower() not in PERIODS and w.lower() != "chart"]
    if unknown:
        raise UserError(
            f"*{clip_word(rest if len(words) == 1 else unknown[0])}* isn't a period I know. "
            "Use 7d, 30d or 90d, and add `chart` for a picture.",
            PROGRESS_CHART_USAGE,
        )
    if len(periods) > 1:
        raise UserError(
            f"*{clip_word(rest)}* isn't a period I know. Give just one of 7d, 30d or 90d.",
            PROGRESS_CHART_USAGE,
        )
    chart = any(w.lower() == "chart" for w in words)
    return ProgressRequest(days=periods.pop() if periods else 7, chart=chart)


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


def parse_log(kind: str, rest: str) -> str:
    usage = f"/nudge {kind} <text>"
    if not re.sub(r"[\W_]+", "", rest):
        raise UserError(f"Write your {kind} after `/nudge {kind}`.", usage)
    _check_length(rest, usage)
    return rest.strip()


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
    _check_length(body, GUIDELINES_USAGE)
    return body


def clip_word(word: str, limit: int = 40) -> str:
    """Echo a bit of what the person typed back to them, short and without formatting."""
    word = re.sub(r"[*_~`]", "", word.strip())
    return word if len(word) <= limit else word[: limit - 1] + "…"
