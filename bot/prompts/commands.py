"""`/win`, `/nudge hope|fear|goal|pilot|idea|learning <text>` and `/nudge now [practice]`."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.blocks import notice
from bot.command import Call, Command, plain
from bot.progress import service as progress
from bot.prompts import parsing, render, responses, service, threads
from bot.slack.errors import CHANNEL_ERRORS, slack_code
from bot.values import service as values
from bot.values.parsing import resolve

log = logging.getLogger(__name__)

# `/nudge now` without a practice picks the one that most needs attention over four weeks.
PROGRESS_DAYS_FOR_NOW = 28


def share(
    call: Call,
    kind: str,
    text: str,
    practice: str | None = None,
    value: parsing.Win | None = None,
) -> None:
    """Log a win, hope, fear, goal, pilot, idea or learning, then show it to the channel
    with its author or, for a fear, thank the person privately. An idea, hope or pilot is
    posted as a message of its own, so that replies in its thread can be read. `value`: the
    win whose `+<value>` tag is refused when it names none of the team's values, and is
    just text (the win posted as typed) when the team has no values."""
    rt, req = call.rt, call.req
    with rt.sessions.begin() as session:
        team_value = None
        if value is not None and value.value is not None:
            names = values.names(session, team_id=req.team_id)
            team_value = resolve(names, value.value, "your win", value.tags)
            if team_value is None:
                text = value.typed
        logged = responses.log_response(
            session,
            team_id=req.team_id,
            channel_id=req.channel_id,
            user_id=req.user_id,
            kind=kind,
            text=text,
            practice=practice,
            source="command",
            now=rt.now(),
            team_value=team_value,
        )
    assert logged is not None  # no dedupe key: never a duplicate
    if kind == "fear":
        call.tell(render.fear_logged())
    elif kind in threads.THREADED_KINDS:
        _show_threaded(call, logged)
    else:
        call.say(render.shared(logged))


def _show_threaded(call: Call, logged: responses.Logged) -> None:
    """Post the item in the channel and remember its message. Where the bot can't post
    (not a member, say) or Slack fails, it is shown through the response_url as any other
    item: it is logged already, only its thread goes unread."""
    rt, req = call.rt, call.req
    message = render.shared(logged, learn=True)
    try:
        posted = call.client.chat_postMessage(channel=req.channel_id, **message.kwargs())
    except Exception as err:
        code = slack_code(err) if isinstance(err, SlackApiError) else type(err).__name__
        if code not in CHANNEL_ERRORS:
            log.warning(
                "could not post a %s in %s/%s (%s); shown through the response_url",
                logged.kind,
                req.team_id,
                req.channel_id,
                code,
            )
        call.say(message)
        return
    try:
        with rt.sessions.begin() as session:
            threads.record_shown(
                session, team_id=req.team_id, response_id=logged.id, message_ts=posted["ts"]
            )
    except Exception:
        # Shown and logged; only replies in its thread will go uncounted.
        log.warning(
            "could not remember the message showing a %s in %s/%s",
            logged.kind,
            req.team_id,
            req.channel_id,
        )


def post_prompt(call: Call, practice: str | None) -> None:
    """Post a practice prompt in this channel: the one asked for, or the one most needed."""
    rt, req = call.rt, call.req
    with rt.reads() as session:
        if practice is None:
            practice = progress.channel_progress(
                session,
                team_id=req.team_id,
                channel_id=req.channel_id,
                days=PROGRESS_DAYS_FOR_NOW,
                now=rt.now(),
            ).focus
        chosen = service.plan(
            session, team_id=req.team_id, channel_id=req.channel_id, practice=practice
        )
    message = render.prompt(
        practice, chosen.commitment.key, chosen.item, vision=chosen.vision, text=chosen.text
    )
    try:
        posted = call.client.chat_postMessage(channel=req.channel_id, **message.kwargs())
    except SlackApiError as err:
        if slack_code(err) not in CHANNEL_ERRORS:
            raise
        call.tell(
            notice(
                ":wave: I can only post prompts in channels I'm a member of. "
                "Add me with `/invite @nudgebot`, then try `/nudge now` again."
            )
        )
        return
    try:
        with rt.sessions.begin() as session:
            service.record_prompt(
                session,
                team_id=req.team_id,
                channel_id=req.channel_id,
                prompt_key=chosen.item.key,
                message_ts=posted["ts"],
                posted_by=req.user_id,
                now=rt.now(),
                text=chosen.text,
            )
    except Exception:
        # Unrecorded, its answers would count for nothing: take it back, as the apology
        # that follows says nothing was saved.
        try:
            call.client.chat_delete(
                channel=posted.get("channel") or req.channel_id, ts=posted["ts"]
            )
        except Exception:
            log.warning("could not take back an unrecorded prompt in %s", req.channel_id)
        raise


def _share_win(call: Call, win: parsing.Win) -> None:
    """Share the win; tell the person privately when their #tag named no practice."""
    tagged = win.tagged
    share(call, "win", tagged.text, tagged.practice, win)
    if tagged.unknown:
        call.tell(render.unknown_tag(tagged.unknown))


WIN = Command(
    name="/win",
    usage=parsing.WIN_USAGE,
    summary="share a win",
    parse=plain(parsing.read_win),
    run=_share_win,
    group="Recognise and share",
)

NOW = Command(
    name="now",
    usage=parsing.NOW_USAGE,
    summary="post a practice prompt here now",
    parse=plain(parsing.parse_practice_arg),
    run=post_prompt,
)

LOG_SUMMARY = {
    "hope": "a hope for the team, shared in the channel with your name",
    "fear": "logged anonymously, never with your name",
    "goal": "a goal the team shares, shared in the channel with your name",
    "pilot": "a small experiment to try, shared in the channel with your name",
    "idea": "an idea, shared in the channel with your name",
    "learning": "what an experiment taught you, shared in the channel with your name",
}


SHARED_KINDS = tuple(kind for kind in parsing.LOG_KINDS if kind != "fear")


def _log_command(kind: str) -> Command[str]:
    # Help lists the kinds shared with a name on one line, on the first of them.
    together = "|".join(SHARED_KINDS)
    return Command(
        name=kind,
        usage=f"/nudge {kind} <text>",
        summary=LOG_SUMMARY[kind],
        parse=lambda rest, _req, _rt: parsing.parse_log(kind, rest),
        run=lambda call, text: share(call, kind, text),
        group="Log",
        help_line=(
            f"`/nudge {together} <text>`: shared in the channel with your name"
            if kind == SHARED_KINDS[0]
            else None
        ),
        listed=kind in (SHARED_KINDS[0], "fear"),
    )


LOGS = tuple(_log_command(kind) for kind in parsing.LOG_KINDS)
