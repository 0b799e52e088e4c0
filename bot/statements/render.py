"""Block Kit for the vision and the guidelines: shown on request, announced when published."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import HeaderBlock

from bot.blocks import SECTION_LIMIT, Message, context, day, message, section
from bot.statements.service import Current
from bot.text import clip, quote


def statement(
    kind: str, found: Current | None, can_set: str, zone: str = "UTC", now: datetime | None = None
) -> Message:
    """Show the current vision or guidelines, or say how to publish the first one. The day
    it was published is the team's calendar day (`zone`), as `day` writes days."""
    title = "Our vision" if kind == "vision" else "Our guidelines"
    if found is None:
        body = (
            f":seedling: No {'vision' if kind == 'vision' else 'guidelines'} published yet. "
            f"{can_set}"
        )
        return message(body, [section(body)])
    return message(
        f"{title}: {clip(found.text, 200)}",
        [
            HeaderBlock(text=title),
            section(clip(found.text, SECTION_LIMIT)),
            context(
                f"Version {found.version} · published by {_author(found)} "
                f"on {_published_on(found, zone, now)}"
            ),
        ],
    )


def _published_on(found: Current, zone: str, now: datetime | None) -> str:
    local = ZoneInfo(zone)
    today = now.astimezone(local).date() if now is not None else None
    return day(found.created_at.astimezone(local).date(), today)


def _author(found: Current) -> str:
    """Who published it; an author who asked to be forgotten has no name left."""
    return f"<@{found.author_id}>" if found.author_id else "someone who has left"


def statement_published(kind: str, found: Current) -> Message:
    what = "a new vision" if kind == "vision" else "new guidelines"
    head = f":loudspeaker: *{_author(found)} published {what}*"
    show = "/vision" if kind == "vision" else "/nudge guidelines"
    return message(
        f"{_author(found)} published {what}",
        [
            section(f"{head}\n{quote(clip(found.text, SECTION_LIMIT - len(head) - 50))}"),
            context(f"Version {found.version} · see it any time with `{show}`"),
        ],
    )
