"""Block actions: the Respond button on a prompt, the answers to a commitment's follow-up,
and forget-me's Forget me and Cancel buttons."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import catalogue
from bot.blocks import notice
from bot.command import Call, Request
from bot.commitments import render as commitments_render
from bot.commitments import service as commitments
from bot.errors import UserError
from bot.privacy import render as privacy_render
from bot.privacy import service as privacy
from bot.prompts import service as prompts
from bot.prompts.modals import VALUE_KINDS, ModalContext, response_modal
from bot.prompts.render import RESPOND_ACTION
from bot.runtime import Runtime
from bot.sharing import SHARE_ACTION, Shared
from bot.values import service as values
from handlers.command_table import SHARES
from handlers.common import later, runtime

log = logging.getLogger("nudgebot")

ANSWER_ACTIONS = re.compile("^(" + "|".join(commitments_render.ACTIONS) + ")$")


def respond_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    ack()
    rt, req = runtime(context), Request.of(body, context.team_id)
    later(rt, respond, lambda: open_modal(rt, req, body, action, client, respond))


def open_modal(
    rt: Runtime,
    req: Request,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """Open the modal that fits the prompt's response kind (the trigger lasts 3 seconds)."""
    found = catalogue.find_prompt(action.get("value", ""))
    if found is None:
        respond(
            response_type="ephemeral",
            replace_original=False,
            **notice("That prompt is no longer available. Try `/nudge now`.").kwargs(),
        )
        return
    message_ts = body.get("container", {}).get("message_ts")
    prompt_id, asked = None, None
    with rt.reads() as session:
        if message_ts:
            posted = prompts.find_posted(
                session, team_id=req.team_id, channel_id=req.channel_id, message_ts=message_ts
            )
            prompt_id = posted.id if posted else None
            if posted is not None and posted.prompt_key == found[2].key:
                asked = posted.text  # as posted: it may name one of the team's values
        names = values.names(session, team_id=req.team_id) if found[2].kind in VALUE_KINDS else ()
    context = ModalContext(req.channel_id, found[2].key, prompt_id, message_ts)
    view = response_modal(found[2], context, text=asked, values=names)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def answer_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    rt, req = runtime(context), Request.of(body, context.team_id)
    later(rt, respond, lambda: answer_commitment(rt, req, action, respond))


def answer_commitment(rt: Runtime, req: Request, action: dict[str, Any], respond: Respond) -> None:
    """Kept it, Not yet or Dropped it, from the commitment's author only, once."""
    choice = commitments_render.ACTIONS[action["action_id"]]
    raw = str(action.get("value") or "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:  # ids are 32-bit
        raise UserError("That button is out of date; there's nothing to answer.")
    with rt.sessions.begin() as session:
        result = commitments.answer(
            session,
            team_id=req.team_id,
            commitment_id=int(raw),
            user_id=req.user_id,
            choice=choice,
            now=rt.now(),
        )
    if result.result == "answered":
        log.info("commitment %s answered %s", raw, choice)
        respond(replace_original=True, **commitments_render.answered(result).kwargs())
        return
    if result.result == "already":
        message = commitments_render.already(result)
    elif result.result == "not_author":
        message = commitments_render.only_author(result)
    else:
        message = commitments_render.missing()
    respond(response_type="ephemeral", replace_original=False, **message.kwargs())


def forget_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Forget me or Cancel, under `/nudge forget-me`: only the person it was shown to."""
    ack()
    rt, req = runtime(context), Request.of(body, context.team_id)
    owner = action.get("value") or ""
    if req.user_id != owner:
        later(rt, respond, lambda: _not_yours(respond, owner))
    elif action.get("action_id") == privacy_render.FORGET_CONFIRM:
        later(rt, respond, lambda: forget(rt, respond, req))
    else:
        later(rt, respond, lambda: _cancelled(respond))


def _cancelled(respond: Respond) -> None:
    respond(replace_original=True, **privacy_render.forget_cancelled().kwargs())


def _not_yours(respond: Respond, owner: str) -> None:
    message = privacy_render.not_your_button(owner)
    respond(response_type="ephemeral", replace_original=False, **message.kwargs())


def forget(rt: Runtime, respond: Respond, req: Request) -> None:
    """Forget the person in one transaction, drop what is cached about them, say what went."""
    with rt.sessions.begin() as session:
        done = privacy.forget(session, team_id=req.team_id, user_id=req.user_id)
    rt.directory.forget(req.team_id, req.user_id)
    rt.memberships.forget(req.team_id, req.user_id)
    rt.members.forget_person(req.team_id, req.user_id)
    respond(replace_original=True, **privacy_render.forget_done(done).kwargs())


def share_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """Share to channel, under a private report: the report, re-rendered for everyone."""
    ack()
    rt, req = runtime(context), Request.of(body, context.team_id)
    shared = Shared.read(str(action.get("value") or ""))
    share = SHARES.get(shared.kind) if shared else None
    if shared is None or share is None:
        later(rt, respond, lambda: _out_of_date(respond))
        return
    call = Call(rt=rt, req=req, client=client, respond=respond)
    later(rt, respond, lambda: share(call, shared.args))


def _out_of_date(respond: Respond) -> None:
    message = notice("That button is out of date. Run the command again to share it.")
    respond(response_type="ephemeral", replace_original=False, **message.kwargs())


def register(app: App) -> None:
    app.action(RESPOND_ACTION)(respond_clicked)
    app.action(ANSWER_ACTIONS)(answer_clicked)
    app.action(privacy_render.FORGET_CONFIRM)(forget_clicked)
    app.action(privacy_render.FORGET_CANCEL)(forget_clicked)
    app.action(SHARE_ACTION)(share_clicked)
