"""Two workspaces on one app and one database: nothing leaks across team_id.

The second workspace uses the same channel id and the same user id as the first, so any
query that forgets to filter by team_id would mix them up.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.prompts import service as prompts
from models.queries import ensure_workspace
from models.tables import Prompt, Recognition, Response
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.helpers import NOTHING, assert_private_reply, counts, said

T = TypeVar("T")


@pytest.fixture
def twin(bot: SlackDriver) -> SlackDriver:
    """Another workspace on the same app, with the same channel and user ids."""
    return SlackDriver(
        url=bot.url,
        secret=bot.secret,
        slack=bot.slack,
        sessions=bot.sessions,
        channel=bot.channel,
        user=bot.user,
    )


def run(driver: SlackDriver, name: str, text: str = "") -> dict[str, Any]:
    """A command answered after the ack; the answer."""
    reply, key = driver.command(name, text)
    assert reply.status == 200 and reply.body == "", reply.body
    return driver.slack.wait_response(key)


def prompt_rows(sessions: sessionmaker[Session], team: str) -> list[Prompt]:
    with sessions() as s:
        return list(s.scalars(select(Prompt).where(Prompt.team_id == team).order_by(Prompt.id)))


def now_prompt(driver: SlackDriver, sessions: sessionmaker[Session], rest: str) -> Prompt:
    """Run `/nudge now <rest>` and return the prompt row it recorded."""
    before = len(prompt_rows(sessions, driver.team))
    reply, key = driver.command("/nudge", f"now {rest}")
    assert reply.status == 200 and reply.body == "", reply.body
    rows = driver.slack.wait_for(
        lambda: (
            driver.slack.responses[key]
            or (len(rows := prompt_rows(sessions, driver.team)) > before and rows)
        )
    )
    assert not driver.slack.responses[key], said(driver.slack.responses[key][0])
    rows = driver.slack.wait_for(
        lambda: len(rows := prompt_rows(sessions, driver.team)) > before and rows
    )
    return rows[-1]


def test_vision_is_per_workspace(
    bot: SlackDriver, twin: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)  # the same user id is admin in both
    assert "Version 1" in said(run(bot, "/vision", "set Workspace A ships weekly"))

    reply, key = twin.command("/vision")
    text = assert_private_reply(twin, reply, key, "No vision published yet")
    assert "Workspace A" not in text

    text = said(run(twin, "/vision", "set Workspace B never ships on Fridays"))
    assert "Version 1" in text  # not version 2: A's history isn't B's

    reply, key = bot.command("/vision")
    assert_private_reply(bot, reply, key, "Workspace A ships weekly", "Version 1 ·")
    reply, key = twin.command("/vision")
    assert_private_reply(twin, reply, key, "Workspace B never ships", "Version 1 ·")
    assert counts(sessions, bot.team)["statements"] == 1
    assert counts(sessions, twin.team)["statements"] == 1


def test_guidelines_are_per_workspace(
    bot: SlackDriver, twin: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    run(bot, "/nudge", "guidelines set A: ask in #help-a")
    run(bot, "/nudge", "guidelines set A: ask in #help-a, second version")

    reply, key = twin.command("/nudge", "guidelines")
    text = assert_private_reply(twin, reply, key, "No guidelines published yet")
    assert "help-a" not in text

    assert "Version 1" in said(run(twin, "/nudge", "guidelines set B: ask in #help-b"))
    reply, key = bot.command("/nudge", "guidelines")
    assert_private_reply(bot, reply, key, "second version", "Version 2 ·")
    reply, key = twin.command("/nudge", "guidelines")
    assert_private_reply(twin, reply, key, "help-b", "Version 1 ·")


def test_progress_counts_are_per_workspace(
    bot: SlackDriver, twin: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    run(bot, "/kudos", f"<@{slack_id('U')}> for the migration #challenge")
    run(bot, "/win", "zero downtime #challenge")
    run(bot, "/nudge", "fear we are too slow")
    a_before = counts(sessions, bot.team)

    text = said(run(twin, "/nudge", "progress"))
    assert "Nothing done here yet" in text
    assert "*0 people* took part." in text

    run(twin, "/win", "first win in B #model")
    text = said(run(twin, "/nudge", "progress 30d"))
    assert "*1 person* took part." in text
    assert ":compass: *Model the Way*: 1 win · new" in text
    assert ":hammer_and_wrench: *Challenge the Process*: nothing\n" in text

    text = said(run(bot, "/nudge", "progress 30d"))
    assert "*2 people* took part." in text  # the giver and the person recognised
    assert ":hammer_and_wrench: *Challenge the Process*: 2 (1 kudos, 1 win) · new" in text
    assert ":compass: *Model the Way*: nothing\n" in text
    assert counts(sessions, bot.team) == a_before
    assert counts(sessions, twin.team) == {**NOTHING, "responses": 1}


def test_kudos_rows_are_per_workspace(
    bot: SlackDriver, twin: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    ana = slack_id("U")
    run(bot, "/kudos", f"<@{ana}> <@{slack_id('U')}> for the docs")
    run(twin, "/kudos", f"<@{ana}> for the talk")
    with sessions() as s:
        for driver, people in ((bot, 2), (twin, 1)):
            [row] = s.scalars(select(Recognition).where(Recognition.team_id == driver.team))
            assert len(row.recipients) == people
            assert {r.team_id for r in row.recipients} == {driver.team}


def test_the_practice_needing_attention_is_per_workspace(
    bot: SlackDriver, twin: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    # A is busy with everything but Enable; B has no activity at all.
    now = datetime.now(UTC)
    with sessions.begin() as s:
        ensure_workspace(s, bot.team)
        for practice in ("model", "vision", "challenge", "heart"):
            s.add(
                Response(
                    team_id=bot.team,
                    channel_id=bot.channel,
                    user_id=bot.user,
                    kind="idea",
                    practice=practice,
                    commitment=catalogue.practice(practice).tag_commitment,
                    text="an idea",
                    source="command",
                    created_at=now - timedelta(days=1),
                )
            )
    assert now_prompt(bot, sessions, "").practice == "enable"
    assert now_prompt(twin, sessions, "").practice == "model"  # catalogue order on a tie


class Recorder:
    """A stand-in for random.Random that remembers what it was offered."""

    def __init__(self) -> None:
        self.offered: list[Any] = []

    def choice(self, seq: Sequence[T]) -> T:
        self.offered = list(seq)
        return seq[0]


def test_prompt_variation_is_per_workspace(
    bot: SlackDriver, twin: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    first = now_prompt(bot, sessions, "heart")
    every = {p.key for p in catalogue.practice("heart").prompts}

    # A's channel won't see its last prompt again; B's channel of the same id may.
    with sessions() as s:
        for team, expected in ((bot.team, every - {first.prompt_key}), (twin.team, every)):
            rng = Recorder()
            prompts.choose_prompt(
                s, team_id=team, channel_id=bot.channel, practice="heart", rng=rng
            )  # type: ignore[arg-type]
            assert {p.key for _, p in rng.offered} == expected

    # Over HTTP, interleaved: each workspace varies against its own history only.
    for _ in range(4):
        now_prompt(twin, sessions, "heart")
        now_prompt(bot, sessions, "heart")
    for driver in (bot, twin):
        keys = [p.prompt_key for p in prompt_rows(sessions, driver.team)]
        assert all(a != b for a, b in itertools.pairwise(keys)), keys
    assert len(prompt_rows(sessions, bot.team)) == 5
    assert len(prompt_rows(sessions, twin.team)) == 4

    posted = [
        json.loads(c.params["blocks"])
        if isinstance(c.params["blocks"], str)
        else c.params["blocks"]
        for c in bot.slack.calls_to("chat.postMessage")
        if c.params.get("channel") == bot.channel
    ]
    assert len(posted) == 9
    assert all("Encourage the Heart" in blocks_text(b) for b in posted)
