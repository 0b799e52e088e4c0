"""Worries stay anonymous on every path (issue 8, item 9), and forget-me leaves no trace of
the person while nothing else changes meaning (item 10)."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.digest import milestones
from bot.prompts import anonymous, responses
from bot.prompts import render as prompts_render
from models.base import Base
from models.queries import ensure_workspace
from models.tables import Milestone, Prompt, Recognition, Response, Schedule, Statement
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.helpers import posted
from tests.test_forget_me import click, said
from tests.test_prompt_flow import open_modal, post_prompt
from tests.test_thread_replies import reactions, reactions_in, reply_event

# -- item 9: worries ----------------------------------------------------------------------

WORRY_KEY = "vision.enlist.2"


def worry_prompts() -> list[tuple[str, str, catalogue.Prompt]]:
    return [
        (p.key, c.key, item)
        for p in catalogue.PRACTICES
        for c in p.commitments
        for item in c.prompts
        if item.kind == "fear"
    ]


def as_prompt(sessions: sessionmaker[Session], team: str, key: str, kind: str) -> None:
    """Make the prompt posted in `team` the one with `key`, whatever was drawn."""
    with sessions.begin() as s:
        s.execute(
            update(Prompt).where(Prompt.team_id == team).values(prompt_key=key, response_kind=kind)
        )


def ephemerals_to(bot: SlackDriver, user: str) -> list[Any]:
    return [
        c
        for c in bot.slack.calls_to("chat.postEphemeral")
        if c.params.get("channel") == bot.channel and c.params.get("user") == user
    ]


def listed(blocks: Any) -> list[Any]:
    """Blocks as the fake recorded them (a JSON string in a form post, a list in JSON)."""
    return json.loads(blocks) if isinstance(blocks, str) else blocks or []


def traces(caplog: pytest.LogCaptureFixture, *secrets_: str) -> list[str]:
    """Log lines at INFO or above that hold any of `secrets_`."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.INFO and any(s in r.getMessage() for s in secrets_)
    ]


def test_a_worry_prompt_offers_only_the_anonymous_button() -> None:
    found = worry_prompts()
    assert WORRY_KEY in {item.key for _, _, item in found}
    for practice, commitment, item in found:
        message = prompts_render.prompt(practice, commitment, item)
        buttons = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
        assert [b["action_id"] for b in buttons] == [prompts_render.RESPOND_ACTION]
        text = message.text + "\n" + blocks_text(message.blocks)
        assert "thread" not in text
        assert "anonymous" in text.lower()
    # Other prompts still invite thread replies.
    heart = catalogue.find_prompt("heart.recognise.1")
    assert heart is not None
    assert "reply in this thread" in blocks_text(
        prompts_render.prompt("heart", "recognise", heart[2]).blocks
    )


def test_a_thread_reply_under_a_worry_prompt_is_not_kept_nor_reacted_to(
    bot: SlackDriver, sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    _, prompt_ts = post_prompt(bot, "vision")
    as_prompt(sessions, bot.team, WORRY_KEY, "fear")
    ts = "1700000800.000100"
    for retry in (None, 1):
        assert reply_event(bot, prompt_ts, "I worry we ship too fast", ts, retry) == 200
    # The person is told, privately, that the thread is public and how to answer anonymously.
    [note, *_] = bot.slack.wait_for(lambda: ephemerals_to(bot, bot.user))
    told = note.params.get("text", "") + blocks_text(listed(note.params.get("blocks")))
    assert "Respond" in told and "public" in told
    assert note.params.get("thread_ts") == prompt_ts
    with sessions() as s:
        assert not s.scalars(select(Response).where(Response.team_id == bot.team)).all()
        assert not s.scalars(select(Recognition).where(Recognition.team_id == bot.team)).all()
    assert not reactions(bot, ts) and not reactions_in(bot)
    assert not traces(caplog, bot.user, ts)


def test_a_worry_from_the_modal_keeps_no_key_and_still_logs_once(
    bot: SlackDriver, sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    _, ts = post_prompt(bot, "vision")
    view = open_modal(bot, WORRY_KEY, ts)
    first, second = slack_id("V"), slack_id("V")
    for view_id in (first, first, first, second):
        reply = bot.submit_view(view["private_metadata"], "That we ship too fast", view_id=view_id)
        assert reply.status == 200 and reply.body == ""
    # Saved after the ack: each saved worry is thanked once, privately; wait for both.
    bot.slack.wait_for(lambda: len(ephemerals_to(bot, bot.user)) == 2)
    with sessions() as s:
        rows = s.scalars(select(Response).where(Response.team_id == bot.team)).all()
    assert [(r.kind, r.user_id, r.dedupe_key) for r in rows] == [("fear", None, None)] * 2
    assert not traces(caplog, bot.user, first, second)


def test_a_worry_is_stored_with_no_key_whoever_passes_one(
    sessions: sessionmaker[Session],
) -> None:
    team = slack_id("T")
    with sessions.begin() as s:
        ensure_workspace(s, team)
    with sessions() as s, pytest.raises(IntegrityError, match="fear_keeps_no_key"):
        s.add(
            Response(
                team_id=team,
                channel_id="C1",
                kind="fear",
                practice="vision",
                commitment="enlist",
                text="a worry",
                source="modal",
                dedupe_key="view:V1",
            )
        )
        s.flush()


def test_a_failed_save_does_not_swallow_the_worrys_second_try(
    sessions: sessionmaker[Session],
) -> None:
    team = slack_id("T")
    key = f"view:{slack_id('V')}"

    def log(s: Session) -> responses.Logged | None:
        return responses.log_response(
            s,
            team_id=team,
            channel_id="C1",
            user_id="U1",
            kind="fear",
            text="a worry",
            source="modal",
            now=datetime.now(UTC),
            dedupe_key=key,
        )

    with pytest.raises(RuntimeError), sessions.begin() as s:
        assert log(s) is not None
        raise RuntimeError("the database went away before the commit")
    with sessions.begin() as s:
        assert log(s) is not None  # the first try was rolled back: this one counts
    with sessions.begin() as s:
        assert log(s) is None  # a double submit of the saved one is dropped
    with sessions() as s:
        rows = s.scalars(select(Response).where(Response.team_id == team)).all()
    assert [(r.user_id, r.dedupe_key) for r in rows] == [(None, None)]


def test_double_submits_are_remembered_briefly_and_only_as_keyed_digests() -> None:
    keys = anonymous.RecentKeys(window=0.2, limit=3)
    first = keys.claim("view:V1")
    assert first is not None and b"V1" not in first and keys.claim("view:V1") is None
    assert anonymous.RecentKeys().claim("view:V1") != first  # a secret of its own
    time.sleep(0.25)
    assert keys.claim("view:V1") is not None  # forgotten after the window
    for n in range(5):
        assert keys.claim(f"view:V{n + 10}") is not None
    assert len(keys._seen) <= 3  # bounded, whatever arrives


# -- item 10: forget-me --------------------------------------------------------------------


def holding(sessions: sessionmaker[Session], team: str, *needles: str) -> list[str]:
    """Every stored value in the workspace's rows, any table, that holds one of `needles`."""
    found = []
    with sessions() as s:
        for table in Base.metadata.sorted_tables:
            if "team_id" not in table.columns:
                continue
            for row in s.execute(select(table).where(table.columns.team_id == team)):
                for column, value in row._mapping.items():
                    if isinstance(value, str) and any(n in value for n in needles):
                        found.append(f"{table.name}.{column}={value!r}")
    return found


def reply_to_recognition_prompt(
    bot: SlackDriver, sessions: sessionmaker[Session], text: str
) -> str:
    _, prompt_ts = post_prompt(bot, "heart")
    as_prompt(sessions, bot.team, "heart.recognise.1", "kudos")
    ts = f"1700001000.{slack_id('')[-6:]}"
    assert reply_event(bot, prompt_ts, text, ts) == 200
    bot.slack.wait_for(lambda: reactions(bot, ts))
    return ts


def command(bot: SlackDriver, text: str, user: str | None = None, name: str = "/nudge") -> str:
    reply, key = bot.command(name, text, user=user)
    assert reply.status == 200 and reply.body == "", reply.body
    return said(bot.slack.wait_response(key))


def shared(bot: SlackDriver, text: str, user: str | None = None) -> str:
    """`/nudge <text>` for an idea, hope or pilot: what its own message in the channel says."""
    before = [
        c for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == bot.channel
    ]
    reply, _ = bot.command("/nudge", text, user=user)
    assert reply.status == 200 and reply.body == "", reply.body
    return said(posted(bot, count=len(before) + 1))


def test_after_forget_me_no_row_or_message_holds_the_person(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    me, you, ana = bot.user, slack_id("U"), slack_id("U")
    bot.slack.add_user(me, is_admin=True)
    with sessions.begin() as s:
        milestones.set_mode(s, team_id=bot.team, mode="now")
    # I log the team's first pilot, publish the vision, recognise Ana in a prompt's thread
    # and pause your schedule.
    assert "first pilot" in shared(bot, "pilot Pair on every review for a week")
    command(bot, "set We ship small things often", name="/vision")
    reply_to_recognition_prompt(bot, sessions, f"<@{ana}> for the release notes")
    command(bot, "schedule add heart weekly mon 09:00", user=you)
    with sessions() as s:
        number = s.scalar(select(Schedule.number).where(Schedule.team_id == bot.team))
    assert "paused" in command(bot, f"schedule pause {number}")
    # Others mention me in their kudos, wins, worries and commitments.
    command(bot, f"<@{ana}> for pairing with <@{me}|meg> all week", user=you, name="/kudos")
    command(bot, f"Shipped the export with <@{me}>", user=you, name="/win")
    command(bot, f"fear <@{me}|meg> works too late", user=you)
    assert holding(sessions, bot.team, me)  # the test really holds traces to remove

    asked = command(bot, "forget-me")
    assert "• put “someone” where your name is in 4 things others wrote" in asked
    assert "1 schedule you made" not in asked and "1 team milestone you reached" in asked
    _, key = click(bot, "forget_me_confirm", me)
    done = said(bot.slack.wait_response(key))
    assert "Done: I forgot you" in done
    assert "• “someone” put where your name was in 4 things others wrote" in done
    assert holding(sessions, bot.team, me, "meg") == []

    with sessions() as s:
        reason = s.scalars(
            select(Recognition.reason).where(
                Recognition.team_id == bot.team, Recognition.giver_id == you
            )
        ).one()
        wins = s.scalars(
            select(Response.text).where(Response.team_id == bot.team, Response.kind == "win")
        ).all()
    assert reason.endswith("for pairing with someone all week")
    assert wins == ["Shipped the export with someone"]

    listing = command(bot, "schedule list", user=you)
    assert me not in listing and "paused by someone" in listing
    vision = command(bot, "", name="/vision", user=you)
    assert "None" not in vision and me not in vision
    assert "published by someone who has left" in vision
    # The first pilot was reached already: the next one is not celebrated as the first.
    assert "first pilot" not in shared(bot, "pilot Async stand-ups for two weeks", user=you)
    with sessions() as s:
        firsts = s.scalars(
            select(Milestone).where(
                Milestone.team_id == bot.team, Milestone.kind == milestones.FIRST_PILOT
            )
        ).all()
        statement = s.scalars(select(Statement).where(Statement.team_id == bot.team)).one()
    assert [(m.user_id, m.key) for m in firsts] == [(None, "1")]
    assert statement.author_id is None
