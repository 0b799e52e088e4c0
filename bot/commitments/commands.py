"""`/nudge commit <text> by <date>`: say it in the channel; asked on the due date."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.command import Call, Command, Request
from bot.commitments import dates, render, service
from bot.commitments.service import CommitRequest
from bot.runtime import Runtime
from bot.slack.errors import CHANNEL_ERRORS, slack_code

log = logging.getLogger(__name__)


def parse(rest: str, _req: Request, rt: Runtime) -> CommitRequest:
    return service.parse_commit(rest, dates.today_in(rt.settings.timezone, rt.now()))


def commit(call: Call, request: CommitRequest) -> None:
    """Post first (we need the message's ts for the thread), then store. If the bot can't
    post here nothing is stored; if storing fails the post is taken back."""
    rt, req, client = call.rt, call.req, call.client
    zone, now = rt.settings.timezone, rt.now()
    preview = service.CommitmentView(
        id=0,
        team_id=req.team_id,
        channel_id=req.channel_id,
        user_id=req.user_id,
        text=request.text,
        due_on=request.due_on,
        zone=zone,
        status="open",
        message_ts=None,
        next_ask_at=service.first_ask_at(request.due_on, zone, now),
        asked_count=0,
        answered_at=None,
    )
    message = render.posted(preview, dates.today_in(zone, now))
    try:
        posted = client.chat_postMessage(channel=req.channel_id, **message.kwargs())
    except SlackApiError as err:
        if slack_code(err) not in CHANNEL_ERRORS:
            raise
        call.tell(render.not_in_channel(request.text))
        return
    try:
        with rt.sessions.begin() as session:
            service.create(
                session,
                team_id=req.team_id,
                channel_id=req.channel_id,
                user_id=req.user_id,
                text=request.text,
                due_on=request.due_on,
                zone=zone,
                message_ts=posted["ts"],
                now=now,
            )
    except Exception:
        try:
            client.chat_delete(channel=posted.get("channel") or req.channel_id, ts=posted["ts"])
        except Exception:
            log.warning("could not take back commitment message %s", posted["ts"], exc_info=True)
        raise


COMMIT = Command(
    name="commit",
    usage="/nudge commit <what you'll do> by <fri|tomorrow|in 2 weeks|2026-12-15>",
    summary="say it here; I'll ask you on the day how it went",
    parse=parse,
    run=commit,
)
