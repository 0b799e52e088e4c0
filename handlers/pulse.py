"""The practice pulse in Slack: Answer (the form), the form's submission, and Not for me.

Nothing here logs a person with an answer: a submission is not logged at all, and a
failure is logged by its kind only (handlers.common.report_failure never logs the text).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.command import Request
from bot.errors import UserError
from bot.pulse import answers, modals, render
from bot.pulse.modals import FormErrors, Origin
from bot.runtime import Runtime
from handlers.common import BUSY_IN_FORM, DirectReply, later, queue, runtime

OUT_OF_DATE = "This form is out of date: close it and press Answer in the DM again."


def _round_id(action: dict[str, Any]) -> int:
    raw = str(action.get("value") or "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise UserError("That button is out of date; there's nothing to answer.")
    return int(raw)


def _where(body: dict[str, Any]) -> tuple[str, str]:
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    return channel, str(container.get("message_ts") or (body.get("message") or {}).get("ts") or "")


REFUSALS = {
    answers.ALREADY: render.already,
    answers.CLOSED: render.closed,
    answers.NOT_INVITED: render.not_invited,
}


def answer_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """Answer: open the form, unless the round closed or this person answered already."""
    ack()
    rt, req = runtime(context), Request.of(body, context.team_id)
    trigger = str(body.get("trigger_id") or "")
    channel, ts = _where(body)

    def open_form() -> None:
        round_id = _round_id(action)
        with rt.reads() as session:
            state, rnd = answers.may_answer(
                session,
                team_id=req.team_id,
                round_id=round_id,
                user_id=req.user_id,
                key=rt.settings.pulse_secret,
            )
        if state != answers.OK or rnd is None:
            reply = REFUSALS.get(state, render.closed)()
            respond(response_type="ephemeral", replace_original=False, **reply.kwargs())
            return
        # Decided once, here: the form carries it (a leader sees the keep box).
        origin = Origin(round_id, channel, ts, leader=_leads(rt, client, req))
        client.views_open(
            trigger_id=trigger, view=modals.answer_view(origin, rnd.channel_id, rnd.min_group)
        )

    later(rt, respond, open_form)


def _leads(rt: Runtime, client: WebClient, req: Request) -> bool:
    """The same check as leader-only commands (admins, owners, NUDGEBOT_LEADERS)."""
    return rt.directory.can_lead(client, req.team_id, req.user_id, rt.settings.leaders)


def answer_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Check the form in the ack (every statement rated); save after it."""
    rt, req = runtime(context), Request.of(body, context.team_id)
    try:
        answer = modals.read_answer(view)
    except FormErrors as err:
        ack(response_action="errors", errors=err.errors)
        return
    origin = Origin.read(str(view.get("private_metadata") or ""))
    if origin is None:
        ack(response_action="errors", errors={modals.COMMENT: OUT_OF_DATE})
        return
    tell = DirectReply(client, req.user_id)
    if queue(rt, tell, lambda: save(rt, client, req, origin, answer, tell), typed=None):
        ack()
    else:
        ack(response_action="errors", errors={modals.COMMENT: BUSY_IN_FORM})


def save(
    rt: Runtime,
    client: WebClient,
    req: Request,
    origin: Origin,
    answer: answers.Answer,
    tell: DirectReply,
) -> None:
    # Named only if the form was a leader's (decided when it opened) and the box ticked.
    keep_named = origin.leader and answer.keep_mine
    with rt.sessions.begin() as session:
        state = answers.save(
            session,
            team_id=req.team_id,
            round_id=origin.round_id,
            user_id=req.user_id,
            answer=answer,
            keep_named=keep_named,
            key=rt.settings.pulse_secret,
        )
    if state != answers.OK:
        tell(**REFUSALS.get(state, render.closed)().kwargs())
        return
    thanks = render.thanks(kept=keep_named)
    if origin.channel and origin.ts:
        try:
            client.chat_update(channel=origin.channel, ts=origin.ts, **thanks.kwargs())
            return
        except SlackApiError:
            pass  # the DM is gone or can't be changed: say thanks in a new message
    tell(**thanks.kwargs())


def not_for_me_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Not for me: no more rounds for this person in that channel."""
    ack()
    rt, req = runtime(context), Request.of(body, context.team_id)

    def opt_out() -> None:
        round_id = _round_id(action)
        with rt.sessions.begin() as session:
            channel = answers.channel_of(session, team_id=req.team_id, round_id=round_id)
            if channel is None:
                raise UserError("That button is out of date; there's nothing to change.")
            answers.opt_out(session, team_id=req.team_id, channel_id=channel, user_id=req.user_id)
        respond(replace_original=True, **render.not_for_me(channel).kwargs())

    later(rt, respond, opt_out)


def register(app: App) -> None:
    app.action(render.ANSWER_ACTION)(answer_clicked)
    app.action(render.NOT_FOR_ME_ACTION)(not_for_me_clicked)
    app.view(modals.CALLBACK)(answer_submitted)
