"""Block Kit for the team's values: shown on request, announced when published, and the
line App Home shows."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import HeaderBlock

from bot.blocks import Message, context, day, message, section
from bot.values.parsing import SET_EXAMPLE
from bot.values.service import TeamValues

HOW_TO_SET = f"Admins and the team's leaders can set them with `{SET_EXAMPLE}`."


def value_label(name: str) -> str:
    """How a kudos or a win names the team value it shows."""
    return f":gem: Shows our value *{name}*"


def _author(found: TeamValues) -> str:
    """Who published them; an author who asked to be forgotten has no name left."""
    return f"<@{found.author_id}>" if found.author_id else "someone who has left"


def listed(found: TeamValues) -> str:
    """The values, one a line: `• *Ownership*`."""
    return "\n".join(f"• *{name}*" for name in found.names)


def _tag_hint(found: TeamValues) -> str:
    first = found.names[0]
    tag = first if " " not in first else f'"{first}"'
    return f"Name one in a kudos or a win: `/kudos @someone +{tag} for what they did`"


def values(found: TeamValues | None, zone: str = "UTC", now: datetime | None = None) -> Message:
    """The current values, or how to set the first ones."""
    if found is None:
        body = f":seedling: No team values set yet. {HOW_TO_SET}"
        return message(body, [section(body)])
    local = ZoneInfo(zone)
    today = now.astimezone(local).date() if now is not None else None
    on = day(found.created_at.astimezone(local).date(), today)
    return message(
        "Our values: " + ", ".join(found.names),
        [
            HeaderBlock(text="Our values"),
            section(listed(found)),
            context(f"Version {found.version} · published by {_author(found)} on {on}"),
            context(_tag_hint(found)),
        ],
    )


def published(found: TeamValues) -> Message:
    """Posted in the channel when a leader publishes a new version."""
    head = f":loudspeaker: *{_author(found)} published our team values*"
    return message(
        f"{_author(found)} published our team values: " + ", ".join(found.names),
        [
            section(f"{head}\n{listed(found)}"),
            context(f"Version {found.version} · see them any time with `/nudge values`"),
            context(_tag_hint(found)),
        ],
    )
