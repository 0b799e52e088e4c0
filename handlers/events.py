"""Events: a reply in a prompt's thread counts as an answer (logged once, thanked with a
reaction; never under a worry prompt, where a reply is public and named; one that names
people under a prompt not for recognition brings its author a private note, once); a reply
by someone else under a shared idea, hope or pilot answers it, and one under a pilot is
logged as a learning from it and thanked; the App Home tab is published when opened.
Uninstalls and revoked tokens are handlers/uninstalls.py's."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks import Message
from bot.command import Request
from bot.errors import UserError
from bot.home import measures as home_measures
from bot.home import render as home_render
from bot.home import service as home
from bot.prompts import render as prompts_render
from bot.prompts import responses, threads
from bot.prompts import service as prompts
from bot.recognition import praise
from bot.recognition import render as recognition_render
from bot.recognition import service as recognition
from bot.recognition.parsing import Kudos, parse_kudos
from bot.runtime import Runtime
from bot.slack.errors import slack_code
from bot.text import MAX_TEXT, clean, clip
from bot.values import service as values
from bot.values.parsing import resolve
from handlers import uninstalls
from handlers.common import Busy, later, runtime

log = logging.getLogger("nudgebot")

THANKS_REACTION = "raised_hands"


def thread_reply(
    event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ts, thread_ts = event.get("ts"), event.get("thread_ts")
    if event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return  # edits, joins, bots: not answers
    if not thread_ts or thread_ts == ts or not (event.get("text") or "").strip():
        return
    rt = runtime(context)
    team = Request.of(body, context.team_id).team_id
    if not team:
        return  # no workspace to log it in
    # Events are acknowledged when this returns; the work happens after. With the pool
    # full, refuse the event so that Slack sends it again (it retries up to three times).
    if not later(rt, None, lambda: answer(rt, client, team, event)):
        raise Busy("the worker pool is full")


def home_opened(
    event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    user = event.get("user")
    if event.get("tab") != "home" or not user:
        return  # the Messages tab, or nobody to show a page to
    rt = runtime(context)
    team = Request.of(body, context.team_id).team_id
    # Events are acknowledged when this returns; the page is built after.
    later(rt, None, lambda: publish_home(rt, client, team, user))


def publish_home(rt: Runtime, client: WebClient, team: str, user: str) -> None:
    """Build the person's page and publish it (views.publish)."""
    # A failure to list channels leaves the schedules section out rather than the page.
    channels = rt.memberships.channels(client, team, user)
    with rt.reads() as session:
        page = home.gather(
            session,
            team_id=team,
            user_id=user,
            now=rt.now(),
            zone=rt.settings.timezone,
            channels=channels,
        )
    leading = home_measures.for_leader(rt, client, team, user, channels)
    if leading is not None:
        page = replace(page, leading=leading)
    client.views_publish(user_id=user, view=home_render.home_view(page))


def answer(rt: Runtime, client: WebClient, team: str, event: dict[str, Any]) -> None:
    """Log a reply in a prompt's thread as an answer to it, once, and thank it. A reply
    under a worry prompt is public and named: it is not logged, thanked or remembered.
    A reply under a shared idea, hope or pilot goes to `_answer_shown`."""
    channel, ts, user = event["channel"], event["ts"], event["user"]
    with rt.reads() as session:
        prompt = prompts.find_posted(
            session, team_id=team, channel_id=channel, message_ts=event["thread_ts"]
        )
        shown = (
            threads.find_shown(
                session, team_id=team, channel_id=channel, message_ts=event["thread_ts"]
            )
            if prompt is None
            else None
        )
    if prompt is None:
        if shown is not None:
            _answer_shown(rt, client, team, event, shown)
        return
    if prompt.response_kind == "fear":
        _tell(client, event, prompts_render.worry_in_thread())
        return
    # Cut as commands are; the reply itself stays whole in the thread.
    text = clip(clean(event["text"]).strip(), MAX_TEXT)
    dedupe = f"msg:{channel}:{ts}"  # Slack redelivers events; each message is logged once
    kudos = _kudos_in(rt, client, team, user, text) if prompt.response_kind == "kudos" else None
    try:
        with rt.sessions.begin() as session:
            if kudos is not None:
                kudos, team_value = _valued(session, team, kudos)
                logged: object | None = recognition.give_kudos(
                    session,
                    team_id=team,
                    channel_id=channel,
                    giver_id=user,
                    recipients=kudos.recipients,
                    reason=kudos.reason,
                    practice=prompt.practice,
                    now=rt.now(),
                    daily_cap=rt.settings.kudos_daily_cap,
                    zone=rt.settings.timezone,
                    prompt_id=prompt.id,
                    dedupe_key=dedupe,
                    announced=False,  # a thread reply is not reposted: celebrate in the digest
                    team_value=team_value,
                )
            else:
                # A reply to a recognition prompt that names nobody is kept as a reflection.
                kind = "reflection" if prompt.response_kind == "kudos" else prompt.response_kind
                logged = responses.log_response(
                    session,
                    team_id=team,
                    channel_id=channel,
                    user_id=user,
                    kind=kind,
                    text=text,
                    practice=prompt.practice,
                    commitment=prompt.commitment,
                    source="thread",
                    now=rt.now(),
                    prompt_id=prompt.id,
                    dedupe_key=dedupe,
                )
    except UserError as err:  # over the daily kudos cap: nothing was written
        _tell(client, event, recognition_render.reply_not_logged(err))
        return
    if logged is None:
        return  # a redelivery: thanked the first time
    _thank(client, channel, ts)
    if kudos is not None:  # the hint in the thread, seen by the giver alone
        praise.offer(
            rt,
            team_id=team,
            giver_id=user,
            reason=kudos.reason,
            tell=lambda message: _tell(client, event, message),
        )
    if isinstance(logged, responses.Logged) and prompt.response_kind != "kudos":
        _not_kudos(rt, client, team, event, logged)


def _valued(session: Session, team: str, kudos: Kudos) -> tuple[Kudos, str | None]:
    """A reply's `+value` names one of the team's values, or stays in its text as typed
    (a reply is in the thread already: nothing to refuse)."""
    if kudos.value is None:
        return kudos, None
    try:
        found = resolve(values.names(session, team_id=team), kudos.value, "it", kudos.tags)
    except UserError:
        found = None
    if found is None:
        return replace(kudos, reason=kudos.typed, value=None), None
    return kudos, found


def _answer_shown(
    rt: Runtime, client: WebClient, team: str, event: dict[str, Any], shown: threads.Shown
) -> None:
    """A reply under a shared idea, hope or pilot: someone else's answers it (nothing is
    posted for that); under a pilot it is also a learning from it, logged once and thanked."""
    channel, ts = event["channel"], event["ts"]
    if shown.kind != "pilot" and (shown.answered_at or shown.user_id == event["user"]):
        return  # answered already, or its author talking: nothing to write
    text = clip(clean(event["text"]).strip(), MAX_TEXT)
    with rt.sessions.begin() as session:
        logged = threads.reply_to_shown(
            session,
            team_id=team,
            channel_id=channel,
            shown=shown,
            user_id=event["user"],
            text=text,
            dedupe_key=f"msg:{channel}:{ts}",  # Slack redelivers events: logged once
            now=rt.now(),
        )
    if logged is not None:
        _thank(client, channel, ts)


def _thank(client: WebClient, channel: str, ts: str) -> None:
    try:
        client.reactions_add(channel=channel, timestamp=ts, name=THANKS_REACTION)
    except SlackApiError as err:
        if slack_code(err) != "already_reacted":
            raise


def _not_kudos(
    rt: Runtime, client: WebClient, team: str, event: dict[str, Any], logged: responses.Logged
) -> None:
    """A reply naming people under a prompt that isn't for recognition counts as that
    prompt's answer, thanked with the same reaction as kudos: tell its author privately,
    the first time, what was counted and how kudos are given."""
    user = event["user"]
    named = responses.mentioned(logged.text, user)
    if not named:
        return
    bots = rt.directory.bots_among(client, team, tuple(named))
    people = [u for u in named if u not in bots]
    if not people:
        return
    with rt.reads() as session:
        if responses.named_in_a_reply_before(session, team_id=team, user_id=user, before=logged.id):
            return  # told once already
    _tell(client, event, prompts_render.counted_not_kudos(logged.kind, people))


def _tell(client: WebClient, event: dict[str, Any], message: Message) -> None:
    """A note in the thread only the reply's author sees."""
    client.chat_postEphemeral(
        channel=event["channel"],
        user=event["user"],
        thread_ts=event["thread_ts"],
        **message.kwargs(),
    )


def _kudos_in(rt: Runtime, client: WebClient, team: str, user: str, text: str) -> Kudos | None:
    """The people a thread reply recognises, or None if it names nobody we may recognise
    (nobody, the author, or a bot: then it is kept as a reflection)."""
    try:
        kudos = parse_kudos(text)
        bots = rt.directory.bots_among(client, team, kudos.recipients)
        recognition.check_recipients(user, kudos.recipients, bots)
    except UserError:
        return None
    return kudos


def register(app: App) -> None:
    app.event("message")(thread_reply)
    app.event("app_home_opened")(home_opened)
    uninstalls.register(app)
