"""Replies in a prompt's thread count as answers: logged once, thanked with a reaction."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.tables import Prompt, Recognition, Response, Workspace
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.shown import shown, stray_controls
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


# -- a reply naming people under a prompt that isn't for recognition -------------------------


def as_kind(bot: SlackDriver, sessions: sessionmaker[Session], kind: str) -> str:
    """Post a prompt and make it one whose answers are `kind`, whatever was drawn."""
    _, prompt_ts = post_prompt(bot, "model")
    with sessions.begin() as s:
        s.execute(
            Prompt.__table__.update()
            .where(Prompt.team_id == bot.team, Prompt.message_ts == prompt_ts)
            .values(response_kind=kind, prompt_key="model.voice.1")
        )
    return prompt_ts


def notes_to(bot: SlackDriver, user: str) -> list[str]:
    """The private notes (chat.postEphemeral) sent to `user`, as Slack shows them."""
    found = []
    for call in bot.slack.calls_to("chat.postEphemeral"):
        if call.params.get("user") == user:
            blocks = call.params.get("blocks") or []
            blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
            text = call.params.get("text", "") + "\n" + blocks_text(blocks)
            assert stray_controls(text) == [], stray_controls(text)
            found.append(shown(text))
    return found


def test_naming_someone_under_a_reflection_prompt_counts_it_and_says_so_once(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    prompt_ts = as_kind(bot, sessions, "reflection")
    ben = slack_id("U")
    first = "1700000800.000100"
    for retry in (None, 1):  # a redelivery is neither logged nor told twice
        reply_event(bot, prompt_ts, f"<@{ben}> showed me how to say no kindly", first, retry)
    bot.slack.wait_for(lambda: notes_to(bot, bot.user))
    with sessions() as s:
        row = s.scalars(select(Response).where(Response.team_id == bot.team)).one()
    assert (row.kind, row.source) == ("reflection", "thread")  # logged as that prompt's answer
    assert count(sessions, Recognition, bot.team) == 0
    [note] = notes_to(bot, bot.user)
    # Before: the same reaction as a counted kudos, and nothing said.
    assert (
        ":speech_balloon: Thanks! I counted your reply as a *reflection* for this prompt. "
        "Naming someone here doesn't give them kudos.\n"
        f"To recognise <@{ben}>, use `/kudos <@{ben}> for <what they did>`."
    ) in note
    [call] = [c for c in bot.slack.calls_to("chat.postEphemeral") if c.params["user"] == bot.user]
    assert (call.params["channel"], call.params["thread_ts"]) == (bot.channel, prompt_ts)

    # Told once: a later reply naming people, here or under another prompt, is just counted.
    reply_event(bot, prompt_ts, f"and <@{ben}> again", "1700000800.000200")
    other_ts = as_kind(bot, sessions, "idea")
    reply_event(bot, other_ts, f"pair with <@{ben}> on it", "1700000800.000300")
    bot.slack.wait_for(lambda: count(sessions, Response, bot.team) == 3)
    bot.slack.wait_for(lambda: reactions(bot, "1700000800.000300"))
    assert len(notes_to(bot, bot.user)) == 1


def test_no_note_for_a_reply_naming_nobody_else_or_under_a_kudos_prompt(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    robot = slack_id("U")
    bot.slack.add_user(robot, is_bot=True)
    prompt_ts = as_kind(bot, sessions, "idea")
    reply_event(bot, prompt_ts, "a plain idea", "1700000900.000100")
    reply_event(bot, prompt_ts, f"<@{bot.user}> me, and <@{robot}>", "1700000900.000200")
    bot.slack.wait_for(lambda: reactions(bot, "1700000900.000200"))
    _, kudos_ts = post_prompt(bot, "heart")
    with sessions.begin() as s:
        s.execute(
            Prompt.__table__.update()
            .where(Prompt.team_id == bot.team, Prompt.message_ts == kudos_ts)
            .values(response_kind="kudos", prompt_key="heart.recognise.1")
        )
    # A reason that says what was done: no praise hint (a private line of its own) either.
    said = f"<@{slack_id('U')}> for rebuilding the demo data overnight"
    reply_event(bot, kudos_ts, said, "1700000900.000300")
    bot.slack.wait_for(lambda: reactions(bot, "1700000900.000300"))
    assert count(sessions, Recognition, bot.team) == 1
    assert notes_to(bot, bot.user) == []
