"""A pilot's **Log what we learned** button and its form. The button opens the form after
the ack (anyone in the channel may); a blank answer keeps the form open; a good one closes
it at once and, after the ack, is logged as a learning tied to the pilot (once per form)
and posted in the pilot's thread. What can't be saved, and why, reaches the person in the
channel with their words."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.command import Request
from bot.errors import UserError
from bot.prompts import pilots
from bot.prompts import render as prompts_render
from bot.runtime import Runtime
from bot.text import escape
from handlers.common import BUSY_IN_FORM, DirectReply, later, queue, runtime

log = logging.getLogger("nudgebot")

UNREADABLE = "This form is out of date. Close it and press the button on the experiment again."


def learned_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """Open the form (the trigger lasts 3 seconds: on the pool at once)."""
    ack()
    rt, req = runtime(context), Request.of(body, context.team_id)
    trigger = str(body.get("trigger_id") or "")
    raw = str(action.get("value") or "")
    later(rt, respond, lambda: open_form(rt, client, req, raw, trigger))


def open_form(rt: Runtime, client: WebClient, req: Request, raw: str, trigger: str) -> None:
    found = pilots.pilot_id(raw)
    pilot = None
    if found is not None:
        with rt.reads() as session:
            pilot = pilots.find(session, team_id=req.team_id, pilot=found)
    if pilot is None:
        raise UserError(pilots.GONE)
    client.views_open(trigger_id=trigger, view=pilots.learning_form(pilot))


def learning_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    rt, req = runtime(context), Request.of(body, context.team_id)
    meta = pilots.form_pilot(str(view.get("private_metadata") or ""))
    if meta is None:
        ack(response_action="errors", errors={pilots.LEARNED: UNREADABLE})
        return
    try:
        text = escape(pilots.read_learning(view))
    except UserError as err:
        ack(response_action="errors", errors={pilots.LEARNED: err.message})
        return
    pilot = meta
    dedupe = f"view:{view.get('id')}"
    tell = DirectReply(client, req.user_id)

    def work() -> None:
        save_and_post(rt, client, req, pilot, text, dedupe)

    if queue(rt, tell, work, typed=text):
        ack()
    else:  # the pool is full: the form stays open, with what they wrote
        ack(response_action="errors", errors={pilots.LEARNED: BUSY_IN_FORM})


def save_and_post(
    rt: Runtime, client: WebClient, req: Request, pilot: int, text: str, dedupe: str
) -> None:
    """Log the learning once, then post it in the pilot's thread."""
    with rt.sessions.begin() as session:
        found, logged = pilots.log_learning(
            session,
            team_id=req.team_id,
            pilot=pilot,
            user_id=req.user_id,
            text=text,
            dedupe_key=dedupe,
            now=rt.now(),
        )
    if logged is None:
        return  # a double submit: posted the first time
    try:
        client.chat_postMessage(
            channel=found.channel_id,
            thread_ts=found.message_ts,
            **prompts_render.shared(logged).kwargs(),
        )
    except Exception:  # saved: not worth an apology that says it wasn't
        log.exception("could not post a learning in its pilot's thread")


def register(app: App) -> None:
    app.action(pilots.LEARNED_ACTION)(learned_clicked)
    app.view(pilots.FORM_CALLBACK)(learning_submitted)
