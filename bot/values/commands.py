"""`/nudge values [set <value>; <value>; ...]`: show the team's values, or publish a new
version of them (admins, owners and leaders), announced in the channel."""

from __future__ import annotations

from bot.command import Call, Command, plain
from bot.values import parsing, render, service


def show_or_publish(call: Call, names: tuple[str, ...] | None) -> None:
    """Without values, show the current ones to the person; with values, publish them."""
    rt, req = call.rt, call.req
    if names is None:
        with rt.reads() as session:
            found = service.current(session, team_id=req.team_id)
        call.tell(render.values(found, rt.settings.timezone, rt.now()))
        return
    with rt.sessions.begin() as session:
        published = service.publish(
            session, team_id=req.team_id, names=names, author_id=req.user_id, now=rt.now()
        )
    call.say(render.published(published))


def _publishing(names: tuple[str, ...] | None) -> bool:
    return names is not None


VALUES = Command(
    name="values",
    usage=parsing.VALUES_USAGE,
    summary="the team's values, or publish new ones (admins and leaders)",
    help_line="`/nudge values` shows the team's values; `/nudge values set <value>; <value>; ...` "
    "publishes new ones (admins and leaders); name one with `+value` in `/kudos` or `/win`",
    parse=plain(parsing.parse_values),
    run=show_or_publish,
    leaders=_publishing,
)
