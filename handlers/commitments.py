"""/nudge commit and the follow-up buttons (Kept it, Not yet, Dropped it)."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import commitments, dates
from bot import render_commitments as render
from bot.commitments import CommitRequest
from bot.errors import UserError
from bot.runtime import Runtime
from bot.slack import CHANNEL_ERRORS
from handlers.common import Call, ack_error, later

log = logging.getLogger("nudgebot")

_ANSWER_ACTIONS = re.compile("^(" + "|".join(render.ACTIONS) + ")$")


def handle_commit(call: Call, rest: str) -> None:
    """`/nudge commit <text> by <date>`: post it in the channel, then store it."""
    rt, ack, command, respond, client = call
    zone = rt.settings.timezone
    try:
        request = commitments.parse_commit(rest, dates.today_in(zone, rt.now()))
    except UserError as err:
        ack_error(ack, err)
        return
    ack()
    later(rt, respond, lambda: _commit(rt, command, respond, client, request))


def _commit(
    rt: Runtime,
    command: dict[str, Any],
    respond: Respond,
    client: WebClient,
    request: CommitRequest,
) -> None:
    """Post first (we need the message's ts for the thread), then store. If the bot can't
    post here nothing is stored; if storing fails the post is taken back."""
    team, channel, user = command["team_id"], command["channel_id"], command["user_id"]
    zone, now = rt.settings.timezone, rt.now()
    preview = commitments.CommitmentView(
        id=0,
        team_id=team,
        channel_id=channel,
        user_id=user,
        text=request.text,
        due_on=request.due_on,
        zone=zone,
        status="open",
        message_ts=None,
        next_ask_at=commitments.first_ask_at(request.due_on, zone, now),
        asked_count=0,
        answered_at=None,
    )
    message = render.posted(preview, dates.today_in(zone, now))
    try:
        posted = client.chat_postMessage(channel=channel, **message.kwargs())
    except SlackApiError as err:
        if err.response.get("error") not in CHANNEL_ERRORS:
            raise
        respond(
            response_type="ephemeral",
            replace_original=False,
            **render.not_in_channel(request.text).kwargs(),
        )
        return
    try:
        with rt.sessions.begin() as session:
            commitments.create(
                session,
                team_id=team,
                channel_id=channel,
                user_id=user,
                text=request.text,
                due_on=request.due_on,
                zone=zone,
                message_ts=posted["ts"],
                now=now,
            )
    except Exception:
        try:
            client.chat_delete(channel=posted.get("channel") or channel, ts=posted["ts"])
        except Exception:
            log.warning("could not take back commitment message %s", posted["ts"], exc_info=True)
        raise


def register(app: App, rt: Runtime) -> None:
    """The answer buttons under a follow-up question."""

    @app.action(_ANSWER_ACTIONS)
    def answer_clicked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        later(rt, respond, lambda: _answer(rt, body, action, respond))


def _answer(rt: Runtime, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
    choice = render.ACTIONS[action["action_id"]]
    team = (body.get("team") or {}).get("id") or body["user"]["team_id"]
    user = body["user"]["id"]
    raw = str(action.get("value") or "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise UserError("That button is out of date; there's nothing to answer.")
    with rt.sessions.begin() as session:
        result = commitments.answer(
            session,
            team_id=team,
            commitment_id=int(raw),
            user_id=user,
            choice=choice,
            now=rt.now(),
        )
    if result.result == "answered":
        log.info("commitment %s answered %s", raw, choice)
        respond(replace_original=True, **render.answered(result).kwargs())
        return
    if result.result == "already":
        message = render.already(result)
    elif result.result == "not_author":
        message = render.only_author(result)
    else:
        message = render.missing()
    respond(response_type="ephemeral", replace_original=False, **message.kwargs())
