"""Block actions: the Respond button on a practice prompt opens the fitting modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import catalogue, prompts, render
from bot.modals import ModalContext, response_modal
from bot.render import RESPOND_ACTION
from bot.runtime import Runtime
from handlers.common import later


def register(app: App, rt: Runtime) -> None:
    @app.action(RESPOND_ACTION)
    def respond_clicked(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond,
    ) -> None:
        ack()
        later(rt, respond, lambda: _open_modal(rt, body, action, context, client, respond))


def _open_modal(
    rt: Runtime,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """Open the modal that fits the prompt's response kind (the trigger lasts 3 seconds)."""
    found = catalogue.find_prompt(action.get("value", ""))
    if found is None:
        respond(
            response_type="ephemeral",
            replace_original=False,
            **render.notice("That prompt is no longer available. Try `/nudge now`.").kwargs(),
        )
        return
    channel_id = body["channel"]["id"]
    message_ts = body.get("container", {}).get("message_ts")
    prompt_id = None
    if message_ts:
        with rt.sessions.begin() as session:
            posted = prompts.find_posted(
                session,
                team_id=context.team_id or "",
                channel_id=channel_id,
                message_ts=message_ts,
            )
            prompt_id = posted.id if posted else None
    modal = response_modal(found[2], ModalContext(channel_id, found[2].key, prompt_id, message_ts))
    client.views_open(trigger_id=body["trigger_id"], view=modal)
