"""Slash commands: /kudos, /win, /vision, /nudge. Parse, call a service, render, reply."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import (
    chart,
    parsing,
    progress,
    prompts,
    recognition,
    render,
    responses,
    scheduling,
    statements,
)
from bot.errors import UserError
from bot.runtime import Runtime
from bot.slack import CHANNEL_ERRORS
from bot.when import parse_when
from handlers import account, commitments, digest
from handlers.common import LEADERS_ONLY, Call, ack_error, later

PROGRESS_DAYS_FOR_NOW = 28

# /nudge subcommands that live in their own modules: (rt, ack, command, respond, client, rest).
SUBCOMMANDS = {
    "digest": digest.handle_digest,
    "milestones": digest.handle_milestones,
    "commit": commitments.handle_commit,
    "export": account.handle_export,
    "forget-me": account.handle_forget,
}


def register(app: App, rt: Runtime) -> None:
    @app.command("/kudos")
    def kudos(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        giver = command["user_id"]
        try:
            parsed = parsing.parse_kudos(command.get("text", ""))
            recognition.check_recipients(giver, parsed.recipients, set())
        except UserError as err:
            ack_error(ack, err)
            return
        ack()
        team = command["team_id"]

        def work() -> None:
            bots = rt.directory.bots_among(client, team, parsed.recipients)
            recognition.check_recipients(giver, parsed.recipients, bots)
            with rt.sessions.begin() as session:
                given = recognition.give_kudos(
                    session,
                    team_id=team,
                    channel_id=command["channel_id"],
                    giver_id=giver,
                    recipients=parsed.recipients,
                    reason=parsed.reason,
                    practice=parsed.practice,
                    now=rt.now(),
                    daily_cap=rt.settings.kudos_daily_cap,
                    zone=rt.settings.timezone,
                )
            assert given is not None  # no dedupe key: never a duplicate
            respond(response_type="in_channel", **render.kudos(given).kwargs())

        later(rt, respond, work)

    @app.command("/win")
    def win(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        try:
            parsed = parsing.parse_win(command.get("text", ""))
        except UserError as err:
            ack_error(ack, err)
            return
        ack()
        _share(rt, command, respond, "win", parsed.text, parsed.practice)

    @app.command("/vision")
    def vision(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        try:
            text = parsing.parse_vision(command.get("text", ""))
        except UserError as err:
            ack_error(ack, err)
            return
        if text is None:
            with rt.sessions.begin() as session:
                found = statements.current(session, team_id=command["team_id"], kind="vision")
            hint = "Admins and leaders can publish one with `/vision set <the vision>`."
            ack(response_type="ephemeral", **render.statement("vision", found, hint).kwargs())
            return
        ack()
        later(rt, respond, lambda: _publish(rt, client, respond, command, "vision", text))

    @app.command("/nudge")
    def nudge(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        cmd = parsing.parse_nudge(command.get("text", ""))
        call = Call(rt, ack, command, respond, client)
        if cmd.action == "help":
            ack(response_type="ephemeral", **render.help_text(cmd.unknown).kwargs())
        elif cmd.action == "practices":
            ack(response_type="ephemeral", **render.practices().kwargs())
        elif cmd.action == "guidelines":
            _guidelines(call, cmd.rest)
        elif cmd.action == "progress":
            _progress(call, cmd.rest)
        elif cmd.action == "now":
            _now(call, cmd.rest)
        elif cmd.action == "schedule":
            _schedule(call, cmd.rest)
        elif cmd.action in SUBCOMMANDS:
            SUBCOMMANDS[cmd.action](call, cmd.rest)
        else:
            _log(rt, ack, command, respond, cmd.action, cmd.rest)


def _publish(
    rt: Runtime,
    client: WebClient,
    respond: Respond,
    command: dict[str, Any],
    kind: str,
    text: str,
) -> None:
    """Publish a new vision or guidelines, if the person may; tell the channel."""
    team, user = command["team_id"], command["user_id"]
    if not rt.directory.can_lead(client, team, user, rt.settings.leaders):
        raise UserError(LEADERS_ONLY)
    with rt.sessions.begin() as session:
        found = statements.publish(
            session, team_id=team, kind=kind, text=text, author_id=user, now=rt.now()
        )
    respond(response_type="in_channel", **render.statement_published(kind, found).kwargs())


def _guidelines(call: Call, rest: str) -> None:
    rt, ack, command, respond, client = call
    try:
        text = parsing.parse_guidelines(rest)
    except UserError as err:
        ack_error(ack, err)
        return
    if text is None:
        with rt.sessions.begin() as session:
            found = statements.current(session, team_id=command["team_id"], kind="guidelines")
        hint = (
            "Admins and leaders can set them with `/nudge guidelines set <text>`: what is "
            "expected, and where to ask for help."
        )
        ack(response_type="ephemeral", **render.statement("guidelines", found, hint).kwargs())
        return
    ack()
    later(rt, respond, lambda: _publish(rt, client, respond, command, "guidelines", text))


def _progress(call: Call, rest: str) -> None:
    """`/nudge progress [7d|30d|90d] [chart]`: the summary, then the chart if asked for."""
    rt, ack, command, respond, client = call
    try:
        asked = parsing.parse_progress(rest)
    except UserError as err:
        ack_error(ack, err)
        return
    ack()
    team, channel = command["team_id"], command["channel_id"]

    def work() -> None:
        members = rt.members.members(client, team, channel)
        now = rt.now()
        with rt.sessions.begin() as session:
            report = progress.channel_progress(
                session, team_id=team, channel_id=channel, days=asked.days, now=now, members=members
            )
            series = None
            if asked.chart:
                series = progress.practice_series(
                    session, team_id=team, channel_id=channel, days=asked.days, now=now
                )
        respond(response_type="in_channel", **render.progress(report).kwargs())
        if series is None:
            return
        try:
            chart.post(
                client,
                channel_id=channel,
                series=series,
                channel_name=command.get("channel_name"),
                zone=rt.settings.timezone,
            )
        except chart.ChartUnavailable as err:
            note = f":information_source: {err}. The summary above is all I can show."
        except SlackApiError as err:
            if err.response.get("error") not in CHANNEL_ERRORS:
                raise
            note = (
                ":wave: I can only post charts in channels I'm a member of. Add me with "
                "`/invite @nudgebot`, then try `/nudge progress chart` again."
            )
        else:
            return
        respond(response_type="ephemeral", replace_original=False, **render.notice(note).kwargs())

    later(rt, respond, work)


def _now(call: Call, rest: str) -> None:
    """Post a practice prompt in this channel: the one asked for, or the one most needed."""
    rt, ack, command, respond, client = call
    try:
        practice = parsing.parse_practice_arg(rest)
    except UserError as err:
        ack_error(ack, err)
        return
    ack()
    later(rt, respond, lambda: _post_prompt(rt, command, respond, client, practice))


def _post_prompt(
    rt: Runtime,
    command: dict[str, Any],
    respond: Respond,
    client: WebClient,
    practice: str | None,
) -> None:
    team, channel = command["team_id"], command["channel_id"]
    with rt.sessions.begin() as session:
        if practice is None:
            practice = progress.channel_progress(
                session, team_id=team, channel_id=channel, days=PROGRESS_DAYS_FOR_NOW, now=rt.now()
            ).focus
        commitment, item = prompts.choose_prompt(
            session, team_id=team, channel_id=channel, practice=practice
        )
    message = render.prompt(practice, commitment.key, item)
    try:
        posted = client.chat_postMessage(channel=channel, **message.kwargs())
    except SlackApiError as err:
        if err.response.get("error") not in CHANNEL_ERRORS:
            raise
        respond(
            response_type="ephemeral",
            **render.notice(
                ":wave: I can only post prompts in channels I'm a member of. "
                "Add me with `/invite @nudgebot`, then try `/nudge now` again."
            ).kwargs(),
        )
        return
    with rt.sessions.begin() as session:
        prompts.record_prompt(
            session,
            team_id=team,
            channel_id=channel,
            prompt_key=item.key,
            message_ts=posted["ts"],
            posted_by=command["user_id"],
            now=rt.now(),
        )


def _log(
    rt: Runtime, ack: Ack, command: dict[str, Any], respond: Respond, kind: str, rest: str
) -> None:
    """`/nudge hope|fear|goal|pilot|idea|learning <text>`."""
    try:
        text = parsing.parse_log(kind, rest)
    except UserError as err:
        ack_error(ack, err)
        return
    ack()
    _share(rt, command, respond, kind, text)


def _share(
    rt: Runtime,
    command: dict[str, Any],
    respond: Respond,
    kind: str,
    text: str,
    practice: str | None = None,
) -> None:
    """After the ack: log a win, hope, fear, goal, pilot, idea or learning, then show it to
    the channel with its author, or, for a fear, thank the person privately."""

    def work() -> None:
        with rt.sessions.begin() as session:
            logged = responses.log_response(
                session,
                team_id=command["team_id"],
                channel_id=command["channel_id"],
                user_id=command["user_id"],
                kind=kind,
                text=text,
                practice=practice,
                source="command",
                now=rt.now(),
            )
        assert logged is not None  # no dedupe key: never a duplicate
        if kind == "fear":
            respond(response_type="ephemeral", **render.fear_logged().kwargs())
        else:
            respond(response_type="in_channel", **render.shared(logged).kwargs())

    later(rt, respond, work)


def _schedule(call: Call, rest: str) -> None:
    """`/nudge schedule add|list|pause|resume|remove ...`."""
    rt, ack, command, respond, client = call
    team, channel, user = command["team_id"], command["channel_id"], command["user_id"]
    words = rest.split(maxsplit=1)
    sub = words[0].lower() if words else ""
    arg = words[1] if len(words) > 1 else ""
    if sub == "list":
        with rt.sessions.begin() as session:
            views = scheduling.list_schedules(
                session, team_id=team, channel_id=channel, now=rt.now()
            )
        ack(response_type="ephemeral", **render.schedule_list(views, channel).kwargs())
        return
    if sub == "add":
        try:
            parts = arg.split(maxsplit=1)
            if not parts:
                raise UserError("What should the schedule prompt?", scheduling.SCHEDULE_USAGE)
            practice = scheduling.parse_practice_or_rotate(parts[0])
            when = parse_when(parts[1] if len(parts) > 1 else "", rt.settings.timezone)
        except UserError as err:
            ack_error(ack, err)
            return
        ack()

        def add() -> None:
            with rt.sessions.begin() as session:
                view = scheduling.add_schedule(
                    session,
                    team_id=team,
                    channel_id=channel,
                    user_id=user,
                    practice=practice,
                    when=when,
                    now=rt.now(),
                )
            respond(response_type="in_channel", **render.schedule_added(view).kwargs())

        later(rt, respond, add)
        return
    if sub in {"pause", "resume", "remove"}:
        if not arg.strip():
            ack_error(ack, UserError(f"Which schedule? Give its id: `/nudge schedule {sub} 3`."))
            return
        ack()

        def change() -> None:
            may_manage_any = rt.directory.can_lead(client, team, user, rt.settings.leaders)
            with rt.sessions.begin() as session:
                view = scheduling.change_schedule(
                    session,
                    team_id=team,
                    channel_id=channel,
                    raw_id=arg,
                    action=sub,
                    may_manage_any=may_manage_any,
                    user_id=user,
                    now=rt.now(),
                )
            respond(response_type="in_channel", **render.schedule_changed(view, sub).kwargs())

        later(rt, respond, change)
        return
    what = f"`/nudge schedule` doesn't have *{parsing.clip_word(sub)}*." if sub else ""
    ack_error(ack, UserError(what or "What should I do with schedules?", scheduling.SCHEDULE_USAGE))
