"""View submissions: an answer to a practice prompt. The modal closes at once; the answer is
then logged once (a double submit is dropped) and shown or thanked."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import blocks, catalogue
from bot.command import Request
from bot.errors import UserError
from bot.prompts import render as prompts_render
from bot.prompts import responses
from bot.prompts.modals import (
    ANSWER,
    CALLBACK_ID,
    RECIPIENTS,
    VALUE_KINDS,
    Answer,
    ModalContext,
    read_answer,
)
from bot.recognition import praise
from bot.recognition import render as recognition_render
from bot.recognition import service as recognition
from bot.runtime import Runtime
from bot.text import escape
from bot.values import service as values
from bot.values.parsing import resolve
from handlers.common import queue, runtime

log = logging.getLogger("nudgebot")

# A modal field error is plain text, and the modal stays open with what was typed.
BUSY_IN_MODAL = "I'm very busy right now and didn't take this. Please submit it again in a minute."


@dataclass(frozen=True)
class Submitted:
    """An answer that passed the modal's own checks, with where it belongs."""

    req: Request
    meta: ModalContext
    practice: catalogue.Practice
    commitment: catalogue.Commitment
    item: catalogue.Prompt
    answer: Answer
    text: str  # the answer, escaped for mrkdwn
    dedupe: str  # one log per view, however often it is submitted


def answer_submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    context: BoltContext,
    client: WebClient,
) -> None:
    """Check in the modal only what needs neither the database nor Slack (a blank answer, no
    one chosen, oneself); close the modal; save and show the answer after the ack. What
    cannot be saved, and why, reaches the person in the channel with their text."""
    rt, req = runtime(context), Request.of(body, context.team_id)
    meta = ModalContext.load(view["private_metadata"])
    found = catalogue.find_prompt(meta.prompt_key)
    if found is None:
        ack(response_action="errors", errors={ANSWER: "This prompt is no longer available."})
        return
    practice, commitment, item = found
    try:
        answer = read_answer(view)
    except UserError as err:
        ack(response_action="errors", errors={ANSWER: err.message})
        return
    if item.kind == "kudos":
        try:
            if not answer.recipients:
                raise UserError("Choose at least one person.")
            recognition.check_recipients(req.user_id, answer.recipients, set())
        except UserError as err:
            ack(response_action="errors", errors={RECIPIENTS: _plain(err.message)})
            return
    text = escape(answer.text)
    submitted = Submitted(
        req, meta, practice, commitment, item, answer, text, dedupe=f"view:{view['id']}"
    )
    tell = _Ephemeral(client, meta.channel_id, req.user_id)
    if queue(rt, tell, lambda: save_and_show(rt, client, submitted), typed=text):
        ack()
    else:  # the pool is full: the modal stays open, with what they wrote
        ack(response_action="errors", errors={ANSWER: BUSY_IN_MODAL})


def save_and_show(rt: Runtime, client: WebClient, sub: Submitted) -> None:
    """Refuse bots, log the answer (once per view), then show it. A UserError (a bot, the
    daily kudos cap) or a database failure is told to the person by `queue`."""
    team, user, kind = sub.req.team_id, sub.req.user_id, sub.item.kind
    if kind == "kudos":
        bots = rt.directory.bots_among(client, team, sub.answer.recipients)
        recognition.check_recipients(user, sub.answer.recipients, bots)
    message: blocks.Message | None
    with rt.sessions.begin() as session:
        team_value = None
        if sub.answer.team_value and kind in VALUE_KINDS:
            names = values.names(session, team_id=team)
            team_value = resolve(names, sub.answer.team_value, f"your {kind}")
        if kind == "kudos":
            given = recognition.give_kudos(
                session,
                team_id=team,
                channel_id=sub.meta.channel_id,
                giver_id=user,
                recipients=sub.answer.recipients,
                reason=sub.text,
                practice=sub.practice.key,
                now=rt.now(),
                daily_cap=rt.settings.kudos_daily_cap,
                zone=rt.settings.timezone,
                prompt_id=sub.meta.prompt_id,
                dedupe_key=sub.dedupe,
                team_value=team_value,
            )
            message = recognition_render.kudos(given) if given else None
        else:
            logged = responses.log_response(
                session,
                team_id=team,
                channel_id=sub.meta.channel_id,
                user_id=user,
                kind=kind,
                text=sub.text,
                practice=sub.practice.key,
                commitment=sub.commitment.key,
                source="modal",
                now=rt.now(),
                prompt_id=sub.meta.prompt_id,
                dedupe_key=sub.dedupe,
                team_value=team_value,
            )
            message = prompts_render.shared(logged) if logged else None
    if message is None:
        return  # a double submit: logged and shown the first time
    try:
        _show(client, sub.meta, user, kind, message)
    except Exception:  # saved: not worth an apology that says it wasn't
        log.exception("could not show an answer given in a modal")
    if kind == "kudos":  # once a week, how praise lands, when this one named no action
        privately = _Ephemeral(client, sub.meta.channel_id, user)
        praise.offer(
            rt, team_id=team, giver_id=user, reason=sub.text, tell=lambda m: privately(**m.kwargs())
        )


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


@dataclass(frozen=True)
class _Ephemeral:
    """Replies to the person after the modal has closed (a view has no response_url): an
    ephemeral message in the prompt's channel, else a direct message."""

    client: WebClient
    channel: str
    user: str

    def __call__(self, *, text: str, blocks: list[Any] | None = None, **_: Any) -> None:
        try:
            self.client.chat_postEphemeral(
                channel=self.channel, user=self.user, text=text, blocks=blocks
            )
        except SlackApiError:
            self.client.chat_postMessage(channel=self.user, text=text, blocks=blocks)


def _plain(message: str) -> str:
    """Modal field errors are plain text: drop mrkdwn emphasis."""
    return message.replace("*", "")[:300]


def register(app: App) -> None:
    app.view(CALLBACK_ID)(answer_submitted)
