"""/nudge export and /nudge forget-me, with forget-me's Forget me and Cancel buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import privacy, render_home
from bot.errors import UserError
from bot.runtime import Runtime
from handlers.common import Call, ack_error, later


def handle_export(call: Call, rest: str) -> None:
    """`/nudge export`: the workspace's log as CSV to the asking admin."""
    rt, ack, command, respond, client = call
    if rest.strip():
        ack_error(
            ack,
            UserError(
                "`/nudge export` takes nothing after it: it sends this workspace's whole log "
                "to you as a CSV file.",
                "/nudge export",
            ),
        )
        return
    ack()
    later(rt, respond, lambda: _export(rt, client, respond, command))


def _export(rt: Runtime, client: WebClient, respond: Respond, command: dict[str, Any]) -> None:
    team, user = command["team_id"], command["user_id"]
    if not rt.directory.can_lead(client, team, user, rt.settings.leaders):
        raise UserError(render_home.EXPORT_LEADERS_ONLY)
    with rt.sessions() as session:
        export = privacy.export_csv(session, team_id=team, now=rt.now())
    if not export.rows:
        respond(response_type="ephemeral", **render_home.export_empty().kwargs())
        return
    dm = client.conversations_open(users=user)["channel"]["id"]
    client.files_upload_v2(
        channel=dm,
        filename=export.filename,
        title=export.filename,
        content=export.content,
        initial_comment=render_home.export_comment(export),
    )
    respond(response_type="ephemeral", **render_home.export_sent(export).kwargs())


def handle_forget(call: Call, rest: str) -> None:
    """`/nudge forget-me`: say exactly what would happen, with Forget me and Cancel buttons."""
    rt, ack, command, respond, _client = call
    if rest.strip():
        ack_error(
            ack,
            UserError(
                "`/nudge forget-me` takes nothing after it, and it only ever forgets you.",
                "/nudge forget-me",
            ),
        )
        return
    ack()
    team, user = command["team_id"], command["user_id"]

    def work() -> None:
        with rt.sessions() as session:
            held = privacy.held(session, team_id=team, user_id=user)
        respond(response_type="ephemeral", **render_home.forget_confirm(user, held).kwargs())

    later(rt, respond, work)


def register(app: App, rt: Runtime) -> None:
    """The Forget me and Cancel buttons of `/nudge forget-me`."""

    @app.action(render_home.FORGET_CONFIRM)
    def confirm(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        ack()
        clicker, owner = body["user"]["id"], body["actions"][0].get("value") or ""
        team = context.team_id or body.get("team", {}).get("id") or ""
        if clicker != owner:
            later(rt, respond, lambda: _not_yours(respond, owner))
            return
        later(rt, respond, lambda: _forget(rt, respond, team, clicker))

    @app.action(render_home.FORGET_CANCEL)
    def cancel(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        clicker, owner = body["user"]["id"], body["actions"][0].get("value") or ""
        if clicker != owner:
            later(rt, respond, lambda: _not_yours(respond, owner))
            return
        later(rt, respond, lambda: _cancelled(respond))


def _cancelled(respond: Respond) -> None:
    respond(replace_original=True, **render_home.forget_cancelled().kwargs())


def _not_yours(respond: Respond, owner: str) -> None:
    message = render_home.not_your_button(owner)
    respond(response_type="ephemeral", replace_original=False, **message.kwargs())


def _forget(rt: Runtime, respond: Respond, team: str, user: str) -> None:
    """Forget the person in one transaction, drop what is cached about them, say what went."""
    with rt.sessions.begin() as session:
        done = privacy.forget(session, team_id=team, user_id=user)
    rt.directory.forget(team, user)
    rt.memberships.forget(team, user)
    respond(replace_original=True, **render_home.forget_done(done).kwargs())
