"""View submissions: an answer to a practice prompt, logged once, then shown or thanked."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import blocks, catalogue
from bot.command import Request
from bot.errors import UserError
from bot.prompts import render as prompts_render
from bot.prompts import responses
from bot.prompts.modals import ANSWER, CALLBACK_ID, RECIPIENTS, ModalContext, read_answer
from bot.recognition import render as recognition_render
from bot.recognition import service as recognition
from bot.text import escape
from handlers.common import later, runtime


def answer_submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    context: BoltContext,
    client: WebClient,
) -> None:
    """Log the answer once (a double submit is dropped), then show it after the ack."""
    rt, req = runtime(context), Request.of(body, context.team_id)
    meta = ModalContext.load(view["private_metadata"])
    found = catalogue.find_prompt(meta.prompt_key)
    if found is None:
        ack(response_action="errors", errors={ANSWER: "This prompt is no longer available."})
        return
    practice, commitment, item = found
    team, user = req.team_id, req.user_id
    try:
        answer = read_answer(view)
    except UserError as err:
        ack(response_action="errors", errors={ANSWER: err.message})
        return
    if item.kind == "kudos":
        try:
            if not answer.recipients:
                raise UserError("Choose at least one person.")
            bots = rt.directory.bots_among(client, team, answer.recipients)
            recognition.check_recipients(user, answer.recipients, bots)
        except UserError as err:
            ack(response_action="errors", errors={RECIPIENTS: _plain(err.message)})
            return

    text = escape(answer.text)
    dedupe = f"view:{view['id']}"
    message: blocks.Message | None
    with rt.sessions.begin() as session:
        if item.kind == "kudos":
            try:
                given = recognition.give_kudos(
                    session,
                    team_id=team,
                    channel_id=meta.channel_id,
                    giver_id=user,
                    recipients=answer.recipients,
                    reason=text,
                    practice=practice.key,
                    now=rt.now(),
                    daily_cap=rt.settings.kudos_daily_cap,
                    zone=rt.settings.timezone,
                    prompt_id=meta.prompt_id,
                    dedupe_key=dedupe,
                )
            except UserError as err:
                ack(response_action="errors", errors={RECIPIENTS: _plain(err.message)})
                return
            message = recognition_render.kudos(given) if given else None
        else:
            logged = responses.log_response(
                session,
                team_id=team,
                channel_id=meta.channel_id,
                user_id=user,
                kind=item.kind,
                text=text,
                practice=practice.key,
                commitment=commitment.key,
                source="modal",
                now=rt.now(),
                prompt_id=meta.prompt_id,
                dedupe_key=dedupe,
            )
            message = prompts_render.shared(logged) if logged else None
    ack()
    if message is None:
        return  # a double submit: logged and shown the first time
    later(rt, None, lambda: _show(client, meta, user, item.kind, message))


def _show(
    client: WebClient, meta: ModalContext, user: str, kind: str, message: blocks.Message
) -> None:
    """Thank a worry privately; post anything else in the prompt's thread (kudos and wins
    also to the channel)."""
    if kind == "fear":
        client.chat_postEphemeral(
            channel=meta.channel_id, user=user, **prompts_render.fear_logged().kwargs()
        )
        return
    client.chat_postMessage(
        channel=meta.channel_id,
        thread_ts=meta.message_ts,
        reply_broadcast=kind in {"kudos", "win"} and meta.message_ts is not None,
        **message.kwargs(),
    )


def _plain(message: str) -> str:
    """Modal field errors are plain text: drop mrkdwn emphasis."""
    return message.replace("*", "")[:300]


def register(app: App) -> None:
    app.view(CALLBACK_ID)(answer_submitted)
