"""`/vision [set <text>]` and `/nudge guidelines [set <text>]`: show the current one, or
publish a new version (admins, owners and leaders)."""

from __future__ import annotations

from bot.command import Call, Command, plain
from bot.statements import parsing, render, service

HINTS = {
    "vision": "Admins and leaders can publish one with `/vision set <the vision>`.",
    "guidelines": (
        "Admins and leaders can set them with `/nudge guidelines set <text>`: what is "
        "expected, and where to ask for help."
    ),
}


def show_or_publish(call: Call, kind: str, text: str | None) -> None:
    """Without text, show the current statement to the person; with text, publish it."""
    rt, req = call.rt, call.req
    if text is None:
        with rt.reads() as session:
            found = service.current(session, team_id=req.team_id, kind=kind)
        call.tell(render.statement(kind, found, HINTS[kind], rt.settings.timezone, rt.now()))
        return
    with rt.sessions.begin() as session:
        published = service.publish(
            session, team_id=req.team_id, kind=kind, text=text, author_id=req.user_id, now=rt.now()
        )
    call.say(render.statement_published(kind, published))


def _publishing(text: str | None) -> bool:
    return text is not None


VISION = Command(
    name="/vision",
    usage=parsing.VISION_USAGE,
    summary="show the vision, or publish a new one (admins and leaders)",
    help_line="`/vision` shows the vision; `/vision set <text>` publishes a new one "
    "(admins and leaders)",
    parse=plain(parsing.parse_vision),
    run=lambda call, text: show_or_publish(call, "vision", text),
    leaders=_publishing,
    group="Recognise and share",
)

GUIDELINES = Command(
    name="guidelines",
    usage="/nudge guidelines [set <text>]",
    summary="the workspace's guidelines and where to get help",
    parse=plain(parsing.parse_guidelines),
    run=lambda call, text: show_or_publish(call, "guidelines", text),
    leaders=_publishing,
)
