"""The practice prompt loop over HTTP: /nudge now -> Respond button -> modal -> logged answer."""

from __future__ import annotations

import json
import time
from typing import Any

from pytest import MonkeyPatch
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.tables import Prompt, Recognition, Response
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.fake_slack import Call


def post_prompt(bot: SlackDriver, practice: str = "heart") -> tuple[str, str]:
    """Run `/nudge now <practice>`; returns (prompt key on the button, message ts) of the
    prompt it posts, whatever the channel showed before."""
    before, known = len(_posts(bot)), len(_prompt_stamps(bot))
    reply, _ = bot.command("/nudge", f"now {practice}")
    assert reply.status == 200
    blocks = bot.slack.wait_for(
        lambda: next((b for b in map(_blocks, _posts(bot)[before:]) if _button(b)), None)
    )
    button = _button(blocks)
    assert button is not None
    ts = bot.slack.wait_for(lambda: len(_prompt_stamps(bot)) > known and _prompt_stamps(bot))[-1]
    return button["value"], ts


def _posts(bot: SlackDriver) -> list[Call]:
    return [
        c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("channel") == bot.channel
    ]


def _blocks(call: Call) -> list[dict[str, Any]]:
    blocks = call.params.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def _button(blocks: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The Respond button of a prompt's blocks; None for any other message."""
    actions = next((b for b in blocks if b.get("type") == "actions"), None)
    return actions["elements"][0] if actions else None


def _prompt_stamps(bot: SlackDriver) -> list[str]:
    """The ts of every prompt the app recorded in the workspace, oldest first."""
    with bot.sessions() as s:
        return list(
            s.scalars(
                select(Prompt.message_ts)
                .where(Prompt.team_id == bot.team, Prompt.message_ts.is_not(None))
                .order_by(Prompt.id)
            )
        )


def modals_for(bot: SlackDriver, key: str) -> list[Call]:
    """The views.open calls made for the click whose response_url key is `key`."""
    trigger = f"trigger-{key}"
    return [c for c in bot.slack.calls_to("views.open") if c.params.get("trigger_id") == trigger]


def open_modal(bot: SlackDriver, prompt_key: str, ts: str) -> dict[str, Any]:
    key = slack_id("R")
    reply = bot.click_respond(prompt_key, ts, key=key)
    assert reply.status == 200
    [call] = bot.slack.wait_for(lambda: modals_for(bot, key))
    view = call.params["view"]
    return json.loads(view) if isinstance(view, str) else view


def count(sessions: sessionmaker[Session], model: Any, team: str) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(model.team_id == team)) or 0


def test_nudge_now_posts_prompt_with_button_and_records_it(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    key, ts = post_prompt(bot, "challenge")
    assert key.startswith("challenge.")
    with sessions() as s:
        row = s.scalars(select(Prompt).where(Prompt.team_id == bot.team)).one()
    assert (row.practice, row.prompt_key, row.message_ts) == ("challenge", key, ts)
    assert row.posted_by == bot.user


def test_respond_button_opens_modal_and_answer_is_logged_in_thread(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _, ts = post_prompt(bot, "challenge")
    view = open_modal(bot, "challenge.experiment.1", ts)  # a pilot prompt
    assert view["callback_id"] == "respond_modal"
    assert "small experiment" in blocks_text(view["blocks"])

    reply = bot.submit_view(view["private_metadata"], "Try async stand-ups for two weeks <3")
    assert reply.status == 200 and reply.body == ""  # the modal closes; saved after the ack
    post = bot.slack.wait_for(
        lambda: [
            c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("thread_ts") == ts
        ]
    )[0]
    with sessions() as s:
        row = s.scalars(select(Response).where(Response.team_id == bot.team)).one()
        prompt_id = s.scalar(select(Prompt.id).where(Prompt.team_id == bot.team))
    assert (row.kind, row.practice, row.commitment, row.source) == (
        "pilot",
        "challenge",
        "experiment",
        "modal",
    )
    assert row.user_id == bot.user and row.prompt_id == prompt_id
    assert row.text == "Try async stand-ups for two weeks &lt;3"
    assert f"<@{bot.user}> proposed a small experiment" in post.params["text"]
    # Escaped once when it arrived, and never again: Slack shows "<3", not "&lt;3".
    posted = json.dumps(post.params["blocks"])
    assert "two weeks &lt;3" in posted and "&amp;lt;" not in posted


def test_double_submit_logs_once(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    _, ts = post_prompt(bot)
    view = open_modal(bot, "heart.recognise.2", ts)  # a win prompt
    view_id = slack_id("V")
    for _ in range(3):
        assert (
            bot.submit_view(view["private_metadata"], "We shipped!", view_id=view_id).status == 200
        )
    bot.slack.wait_for(
        lambda: [
            c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("thread_ts") == ts
        ]
    )
    time.sleep(0.3)  # the other submits, saved after their acks, find the first
    assert count(sessions, Response, bot.team) == 1
    threaded = [
        c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("thread_ts") == ts
    ]
    assert len(threaded) == 1


def test_kudos_modal_logs_recognition_and_broadcasts(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _, ts = post_prompt(bot)
    view = open_modal(bot, "heart.recognise.1", ts)
    assert any(b.get("block_id") == "recipients" for b in view["blocks"])
    ana, ben = slack_id("U"), slack_id("U")
    reply = bot.submit_view(view["private_metadata"], "Covered the on-call", recipients=[ana, ben])
    assert reply.status == 200 and reply.body == ""
    post = bot.slack.wait_for(
        lambda: [
            c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("thread_ts") == ts
        ]
    )[0]
    with sessions() as s:
        rec = s.scalars(select(Recognition).where(Recognition.team_id == bot.team)).one()
        assert sorted(r.user_id for r in rec.recipients) == sorted([ana, ben])
        assert rec.giver_id == bot.user and rec.practice == "heart"
    assert post.params.get("reply_broadcast") in (True, "true", "1")


def test_kudos_modal_refuses_self_and_bots(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    """Oneself and no one are field errors in the modal; a bot needs a users.info call, so
    it is refused after the modal closes, with the text given back."""
    _, ts = post_prompt(bot)
    view = open_modal(bot, "heart.recognise.1", ts)
    for recipients, words in (([bot.user], "yourself"), ([], "Choose")):
        reply = bot.submit_view(view["private_metadata"], "Great work", recipients=recipients)
        assert reply.status == 200
        assert reply.json["response_action"] == "errors"
        assert words in reply.json["errors"]["recipients"]
    robot = slack_id("U")
    bot.slack.add_user(robot, is_bot=True)
    reply = bot.submit_view(view["private_metadata"], "Great work, robot", recipients=[robot])
    assert reply.status == 200 and reply.body == ""
    told = bot.slack.wait_for(
        lambda: [
            c for c in bot.slack.calls_to("chat.postEphemeral") if c.params.get("user") == bot.user
        ]
    )[0]
    assert "is a bot" in told.params["text"] and "Great work, robot" in told.params["text"]
    assert count(sessions, Recognition, bot.team) == 0


def test_blank_answer_is_a_field_error(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    _, ts = post_prompt(bot)
    view = open_modal(bot, "vision.enlist.1", ts)
    reply = bot.submit_view(view["private_metadata"], "   ")
    assert reply.json["response_action"] == "errors"
    assert "answer" in reply.json["errors"]
    assert count(sessions, Response, bot.team) == 0


def test_fear_from_modal_is_anonymous_and_not_posted(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _, ts = post_prompt(bot, "vision")
    view = open_modal(bot, "vision.enlist.2", ts)
    assert "never stored" in blocks_text(view["blocks"])
    assert bot.submit_view(view["private_metadata"], "That we ship too fast").status == 200
    eph = bot.slack.wait_for(
        lambda: [
            c
            for c in bot.slack.calls_to("chat.postEphemeral")
            if c.params.get("channel") == bot.channel
        ]
    )[-1]
    assert eph.params["user"] == bot.user and "without your name" in eph.params["text"] + str(
        eph.params.get("blocks")
    )
    with sessions() as s:
        row = s.scalars(select(Response).where(Response.team_id == bot.team)).one()
    assert row.kind == "fear" and row.user_id is None
    assert not [
        c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("thread_ts") == ts
    ]


def test_unknown_prompt_key_on_button_says_so(bot: SlackDriver) -> None:
    key = slack_id("R")
    reply = bot.click_respond("no.such.prompt", "1700000000.000001", key=key)
    assert reply.status == 200
    said = bot.slack.wait_response(key)
    assert said["response_type"] == "ephemeral"
    assert "no longer available" in said["text"]
    assert not modals_for(bot, key)


def test_a_prompt_that_cannot_be_recorded_is_taken_back(
    bot: SlackDriver, sessions: sessionmaker[Session], monkeypatch: MonkeyPatch
) -> None:
    """Unrecorded, its Respond button and thread would count for nothing, and the apology
    says nothing was saved: so the posted prompt is deleted again."""
    from bot.prompts import service

    def fails(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(service, "record_prompt", fails)
    _, key = bot.command("/nudge", "now heart")
    message = bot.slack.wait_response(key)
    assert "nothing was saved" in message["text"]
    deleted = bot.slack.wait_for(
        lambda: [c for c in bot.slack.calls_to("chat.delete") if c.params["channel"] == bot.channel]
    )
    assert len(deleted) == 1
