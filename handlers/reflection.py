"""The weekly reflection's **What will you do next week?** button and its form. The button
opens the form after the ack; the form's own checks (blank, a day past or more than a year
away) answer in the form; a good answer closes it at once and becomes a commitment after
the ack, confirmed in the reflection's direct message, where the follow-up asks on the day.
A form whose private_metadata can't be read back stays open with a friendly error."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.command import Request
from bot.habits.when import local_day
from bot.reflection import commands
from bot.reflection.modals import FORM_CALLBACK
from bot.reflection.parsing import FORM_UNREADABLE, WHAT, FormContext, FormError, read_next
from bot.reflection.render import NEXT_ACTION
from bot.text import escape
from handlers.common import BUSY_IN_FORM, DirectReply, later, queue, runtime


def next_clicked(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Open the form (the trigger lasts 3 seconds: on the pool at once)."""
    ack()
    rt, req = runtime(context), Request.of(body, context.team_id)
    trigger = str(body.get("trigger_id") or "")
    later(
        rt,
        respond,
        lambda: commands.open_form(
            rt,
            client,
            team_id=req.team_id,
            user_id=req.user_id,
            channel_id=req.channel_id,
            trigger_id=trigger,
        ),
    )


def next_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Check the form (errors keep it open, with what was typed), close it, and save the
    step after the ack; what can't be saved, and why, reaches the person in the DM."""
    rt, req = runtime(context), Request.of(body, context.team_id)
    meta = FormContext.load(str(view.get("private_metadata") or ""))
    if meta is None:
        ack(response_action="errors", errors={WHAT: FORM_UNREADABLE})
        return
    values = (view.get("state") or {}).get("values") or {}
    try:
        step = read_next(values, local_day(rt.now(), meta.zone))
    except FormError as err:
        ack(response_action="errors", errors={err.field: err.message})
        return
    tell = DirectReply(client, meta.channel_id or req.user_id)

    def work() -> None:
        commands.commit_next(
            rt, client, team_id=req.team_id, user_id=req.user_id, meta=meta, step=step
        )

    if queue(rt, tell, work, typed=escape(step.text)):
        ack()
    else:  # the pool is full: the form stays open, with what they wrote
        ack(response_action="errors", errors={WHAT: BUSY_IN_FORM})


def register(app: App) -> None:
    app.action(NEXT_ACTION)(next_clicked)
    app.view(FORM_CALLBACK)(next_submitted)
