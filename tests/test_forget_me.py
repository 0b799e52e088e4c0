"""/nudge forget-me over HTTP: it says exactly what will happen, and only the asker's
confirmed click deletes their rows and takes their name off the rest, in their workspace."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.base import Base
from models.tables import (
    Commitment,
    Milestone,
    Occurrence,
    Prompt,
    Recognition,
    RecognitionRecipient,
    Response,
    Schedule,
    Statement,
)
from tests.driver import Reply, SlackDriver, blocks_text, slack_id
from tests.fake_slack import FakeSlack
from tests.test_home import (
    AccountSlack,
    account,
    answer,
    commitment,
    home,
    kudos,
    listings,
    schedule,
    seed,
)

TABLES: tuple[type[Base], ...] = (
    Prompt,
    Recognition,
    RecognitionRecipient,
    Response,
    Statement,
    Schedule,
    Occurrence,
    Commitment,
    Milestone,
)
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
Snapshot = dict[tuple[str, int], dict[str, Any]]


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    return AccountSlack


def said(message: dict[str, Any]) -> str:
    return message.get("text", "") + "\n" + blocks_text(message.get("blocks", []))


def snapshot(sessions: sessionmaker[Session], *teams: str) -> Snapshot:
    """Every row of every table of these workspaces, column by column."""
    found: Snapshot = {}
    with sessions() as s:
        for table in TABLES:
            cols = table.__table__.columns
            for row in s.execute(select(table.__table__).where(cols.team_id.in_(teams))):
                found[(table.__tablename__, row.id)] = dict(row._mapping)
    return found


def seed_everything(sessions: sessionmaker[Session], team: str, me: str, you: str) -> None:
    """Every kind of row, for two people (and someone else), in one workspace."""
    ana = "UANA0001"
    first = Prompt(
        team_id=team,
        channel_id="CGENERAL",
        practice="heart",
        commitment="recognise",
        prompt_key="heart.recognise.1",
        response_kind="kudos",
        text="Who helped you?",
        posted_by=me,
        message_ts="1.1",
        created_at=T0,
    )
    mine = schedule(team, "CGENERAL", "heart", "0 9 * * mon")
    mine.created_by = me
    yours = schedule(team, "CGENERAL", "rotate", "0 9 * * fri")
    yours.created_by = you
    seed(
        sessions,
        team,
        [
            first,
            Prompt(
                team_id=team,
                channel_id="CGENERAL",
                practice="model",
                commitment="voice",
                prompt_key="model.voice.1",
                response_kind="reflection",
                text="One message?",
                posted_by=you,
                message_ts="1.2",
                created_at=T0,
            ),
            answer(team, me, "win", "my win", T0),
            answer(team, me, "idea", "my idea", T0),
            answer(team, you, "win", "your win", T0),
            answer(team, None, "fear", "a worry", T0),
            kudos(team, me, [you], "me to you", T0),
            kudos(team, you, [me, ana], "you to me and ana", T0),
            kudos(team, None, [me], "anonymous to me", T0),
            kudos(team, ana, [you], "ana to you", T0),
            commitment(team, me, "my open promise", date(2026, 3, 9), T0),
            commitment(team, me, "my kept promise", date(2026, 3, 2), T0, status="kept"),
            commitment(team, you, "your promise", date(2026, 3, 9), T0),
            Statement(team_id=team, kind="vision", text="v", author_id=me, created_at=T0),
            Statement(team_id=team, kind="guidelines", text="g", author_id=you, created_at=T0),
            mine,
            yours,
            Milestone(team_id=team, channel_id="C1", kind="first_recognition", key=me, user_id=me),
            Milestone(team_id=team, channel_id="C2", kind="first_recognition", key=me),
            Milestone(
                team_id=team, channel_id="C1", kind="first_recognition", key=you, user_id=you
            ),
            Milestone(team_id=team, channel_id="C1", kind="recognitions", key="10"),
        ],
    )
    with sessions.begin() as s:
        s.add(Occurrence(schedule_id=mine.id, team_id=team, occurs_at=T0, status="posted"))


def forgotten(before: Snapshot, team: str, user: str) -> Snapshot:
    """What forget-me should leave: `before` with `user`'s rows in `team` deleted or
    anonymised, and nothing else changed."""
    after = copy.deepcopy(before)
    deletes = {"responses": "user_id", "commitments": "user_id", "milestones": "user_id"}
    clears = {
        "recognitions": "giver_id",
        "recognition_recipients": "user_id",
        "statements": "author_id",
        "prompts": "posted_by",
        "schedules": "created_by",
    }
    for (table, row_id), row in before.items():
        if row["team_id"] != team:
            continue
        if table in deletes and (row[deletes[table]] == user or row.get("key") == user):
            del after[(table, row_id)]
        elif table in clears and row[clears[table]] == user:
            after[(table, row_id)][clears[table]] = None
    return after


def click(bot: SlackDriver, action: str, value: str, user: str | None = None) -> tuple[Reply, str]:
    """Click a button of the forget-me message; returns the ack and its response_url key."""
    key = slack_id("R")
    reply = bot.interaction(
        {
            "type": "block_actions",
            "team": {"id": bot.team, "domain": "fake"},
            "user": {"id": user or bot.user, "team_id": bot.team},
            "api_app_id": "A0NUDGE",
            "trigger_id": f"trigger-{key}",
            "channel": {"id": bot.channel, "name": "general"},
            "container": {
                "type": "message",
                "message_ts": "1700000000.000001",
                "channel_id": bot.channel,
                "is_ephemeral": True,
            },
            "response_url": bot.slack.response_url(key),
            "actions": [
                {
                    "action_id": action,
                    "block_id": "forget_me",
                    "type": "button",
                    "value": value,
                    "action_ts": "1700000000.1",
                }
            ],
        }
    )
    assert reply.status == 200, reply.body
    return reply, key


def forget_me(bot: SlackDriver, user: str | None = None) -> dict[str, Any]:
    reply, key = bot.command("/nudge", "forget-me", user=user)
    assert reply.status == 200 and reply.body == "", reply.body
    return bot.slack.wait_response(key)


@pytest.fixture
def world(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> tuple[SlackDriver, str, str, Snapshot]:
    """Two people with every kind of row in two workspaces; the same ids in both."""
    other = slack_id("T")
    you = slack_id("U")
    for team in (bot.team, other):
        seed_everything(sessions, team, bot.user, you)
    return bot, other, you, snapshot(sessions, bot.team, other)


def test_forget_me_says_exactly_what_will_happen_and_cancel_changes_nothing(
    world: tuple[SlackDriver, str, str, Snapshot], sessions: sessionmaker[Session]
) -> None:
    bot, other, _, before = world
    message = forget_me(bot)
    assert message["response_type"] == "ephemeral"
    text = said(message)
    for line in (
        ":warning: *Forget me?* Here is exactly what I'll do in this workspace, all at once:",
        "• *delete* 2 answers you shared (wins, hopes, goals, ideas and the rest)",
        "• *delete* 2 commitments you made",
        "• *delete* 2 milestones about you",
        "• keep the 1 kudos you gave and 2 you received in the team's counts, *without your name*",
        "• take your name off 1 statement you published (the vision, guidelines or values), "
        "1 prompt you posted and "
        "1 schedule you made (they stay as they are)",
        "Worries were never linked to you, so they stay as they are.",
        "*This can't be undone.*",
    ):
        assert line in text
    # One idea per line: each thing forgetting does is a line of its own.
    body = message["blocks"][0]["text"]["text"].split("\n")
    assert len(body) == 6 and all(line.startswith("• ") for line in body[1:])
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    forget, cancel = actions["elements"]
    assert (forget["action_id"], forget["style"], forget["value"]) == (
        "forget_me_confirm",
        "danger",
        bot.user,
    )
    assert forget["confirm"]["title"]["text"] == "Forget you for good?"
    assert forget["confirm"]["confirm"]["text"] == "Forget me"
    assert (cancel["action_id"], cancel["value"]) == ("forget_me_cancel", bot.user)
    assert snapshot(sessions, bot.team, other) == before  # asking changes nothing

    _, key = click(bot, "forget_me_cancel", bot.user)
    done = bot.slack.wait_response(key)
    assert done["replace_original"] is True
    assert "Cancelled. Nothing was deleted or changed." in said(done)
    assert snapshot(sessions, bot.team, other) == before


def test_confirm_forgets_exactly_the_askers_rows_in_this_workspace(
    world: tuple[SlackDriver, str, str, Snapshot], sessions: sessionmaker[Session]
) -> None:
    bot, other, _, before = world
    _, key = click(bot, "forget_me_confirm", bot.user)
    done = bot.slack.wait_response(key)
    assert done["replace_original"] is True
    assert done["text"] == ":white_check_mark: Done: I forgot you in this workspace."
    assert done["blocks"][0]["text"]["text"] == (
        ":white_check_mark: *Done: I forgot you in this workspace.*\n"
        "• 2 answers deleted\n"
        "• 2 commitments deleted\n"
        "• 2 milestones about you deleted\n"
        "• 1 kudos you gave and 2 you received kept without your name\n"
        "• your name taken off 1 statement you published (the vision, guidelines or values), "
        "1 prompt you posted and "
        "1 schedule you made"
    )
    after = snapshot(sessions, bot.team, other)
    assert after == forgotten(before, bot.team, bot.user)
    assert after != before  # the expectation above really changed something

    _, key = click(bot, "forget_me_confirm", bot.user)  # a second click: nothing left
    again = said(bot.slack.wait_response(key))
    assert "nothing about you was left to remove in this workspace" in again
    assert snapshot(sessions, bot.team, other) == after
    assert "I hold nothing linked to you in this workspace" in said(forget_me(bot))


def test_only_the_askers_own_click_counts(
    world: tuple[SlackDriver, str, str, Snapshot], sessions: sessionmaker[Session]
) -> None:
    bot, other, you, before = world
    for action in ("forget_me_confirm", "forget_me_cancel"):
        _, key = click(bot, action, bot.user, user=you)
        reply = bot.slack.wait_response(key)
        assert reply["replace_original"] is False and reply["response_type"] == "ephemeral"
        assert f"This button is for <@{bot.user}> only." in said(reply)
    assert snapshot(sessions, bot.team, other) == before


def test_nothing_held_and_bad_input_change_nothing(
    world: tuple[SlackDriver, str, str, Snapshot], sessions: sessionmaker[Session]
) -> None:
    bot, other, _, before = world
    reply, key = bot.command("/nudge", "forget-me everyone")
    assert "`/nudge forget-me` takes nothing after it" in reply.text
    assert "Try: `/nudge forget-me`" in reply.text
    stranger = slack_id("U")
    message = forget_me(bot, stranger)
    assert "I hold nothing linked to you in this workspace" in said(message)
    assert not [b for b in message["blocks"] if b["type"] == "actions"]
    assert not bot.slack.responses[key]
    assert snapshot(sessions, bot.team, other) == before


def test_forgetting_drops_what_is_cached_about_the_person(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    channel = slack_id("C")
    account(bot).memberships[bot.user] = [channel]
    bot.slack.add_user(bot.user, is_admin=True)
    seed(sessions, bot.team, [answer(bot.team, bot.user, "win", "a win", T0)])
    _, key = bot.command("/nudge", "export")
    assert "is in your DMs" in said(bot.slack.wait_response(key))  # admin, now cached
    home(bot)
    assert len(listings(bot)) == 1

    bot.slack.add_user(bot.user)  # no longer an admin; the cache still says so
    _, key = click(bot, "forget_me_confirm", bot.user)
    assert "• 1 answer deleted" in said(bot.slack.wait_response(key))

    _, key = bot.command("/nudge", "export")
    assert "Only admins and the team's leaders" in said(bot.slack.wait_response(key))
    home(bot)
    assert len(listings(bot)) == 2  # channels asked again
