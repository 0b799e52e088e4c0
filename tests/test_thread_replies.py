"""Replies in a prompt's thread count as answers: logged once, thanked with a reaction."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.tables import Prompt, Recognition, Response, Workspace
from tests.driver import SlackDriver, slack_id
from tests.test_prompt_flow import post_prompt


def reply_event(
    bot: SlackDriver,
    thread_ts: str,
    text: str,
    ts: str,
    retry: int | None = None,
    user: str | None = None,
    **extra: object,
) -> int:
    body = {
        "token": "unused",
        "team_id": bot.team,
        "api_app_id": "A0NUDGE",
        "type": "event_callback",
        "event_id": f"Ev{ts.replace('.', '')}",
        "event_time": 1700000000,
        "event": {
            "type": "message",
            "channel": bot.channel,
            "channel_type": "channel",
            "user": user or bot.user,
            "text": text,
            "ts": ts,
            "thread_ts": thread_ts,
            "team": bot.team,
            **extra,
        },
    }
    headers = (
        {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
    )
    return bot.post(
        json.dumps(body).encode(), content_type="application/json", headers=headers
    ).status


def reactions(bot: SlackDriver, ts: str) -> list:
    return [c for c in bot.slack.calls_to("reactions.add") if c.params.get("timestamp") == ts]


def reactions_in(bot: SlackDriver) -> list:
    """Every reaction added in the driver's channel."""
    return [
        c for c in bot.slack.calls_to("reactions.add") if c.params.get("channel") == bot.channel
    ]


def count(sessions: sessionmaker[Session], model: type, team: str) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(model.team_id == team)) or 0


def test_thread_reply_is_logged_once_even_when_redelivered(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _, prompt_ts = post_prompt(bot, "challenge")
    ts = "1700000500.000100"
    for retry in (None, 1, 2):
        assert reply_event(bot, prompt_ts, "We could pilot pairing on reviews", ts, retry) == 200
    bot.slack.wait_for(lambda: reactions(bot, ts))
    with sessions() as s:
        row = s.scalars(select(Response).where(Response.team_id == bot.team)).one()
        prompt = s.scalars(select(Prompt).where(Prompt.team_id == bot.team)).one()
    assert (row.source, row.prompt_id, row.practice, row.user_id) == (
        "thread",
        prompt.id,
        "challenge",
        bot.user,
    )
    assert row.kind == prompt.response_kind and row.text == "We could pilot pairing on reviews"
    assert reactions(bot, ts)[0].params["name"] == "raised_hands"
    assert len(reactions(bot, ts)) == 1
    assert not [
        c
        for c in bot.slack.calls_to("chat.postMessage")
        if c.params.get("channel") == bot.channel and c.params.get("thread_ts")
    ]


def test_reply_naming_people_to_a_recognition_prompt_is_a_kudos(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _, prompt_ts = post_prompt(bot, "heart")
    with sessions.begin() as s:  # make it a recognition prompt whatever was drawn
        s.execute(
            Prompt.__table__.update()
            .where(Prompt.team_id == bot.team)
            .values(response_kind="kudos", prompt_key="heart.recognise.1")
        )
    ana = slack_id("U")
    ts = "1700000600.000100"
    assert reply_event(bot, prompt_ts, f"<@{ana}> for covering on-call", ts) == 200
    bot.slack.wait_for(lambda: reactions(bot, ts))
    with sessions() as s:
        rec = s.scalars(select(Recognition).where(Recognition.team_id == bot.team)).one()
        assert [r.user_id for r in rec.recipients] == [ana] and rec.giver_id == bot.user
    assert count(sessions, Response, bot.team) == 0


def test_replies_elsewhere_and_bot_messages_are_ignored(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _, prompt_ts = post_prompt(bot)
    assert reply_event(bot, "1600000000.000001", "unrelated thread", "1700000700.1") == 200
    assert reply_event(bot, prompt_ts, "edited", "1700000700.2", subtype="message_changed") == 200
    assert reply_event(bot, prompt_ts, "from a bot", "1700000700.3", bot_id="B1") == 200
    # A real answer afterwards proves the events above were processed, not still in flight.
    assert reply_event(bot, prompt_ts, "a real answer", "1700000700.4") == 200
    bot.slack.wait_for(lambda: reactions(bot, "1700000700.4"))
    assert count(sessions, Response, bot.team) == 1
    assert len(reactions_in(bot)) == 1


def test_uninstall_and_token_revocation_stop_the_workspace(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    for event, reason in (
        ({"type": "app_uninstalled"}, "app_uninstalled"),
        ({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}}, "token_revoked"),
    ):
        body = {
            "team_id": bot.team,
            "api_app_id": "A0NUDGE",
            "type": "event_callback",
            "event_id": slack_id("Ev"),
            "event_time": 1700000000,
            "event": event,
        }
        reply = bot.post(json.dumps(body).encode(), content_type="application/json")
        assert reply.status == 200
        bot.slack.wait_for(lambda r=reason: inactive_reason(sessions, bot.team) == r)


def inactive_reason(sessions: sessionmaker[Session], team: str) -> str | None:
    with sessions() as s:
        return s.scalar(select(Workspace.inactive_reason).where(Workspace.team_id == team))
