"""The same rules on every path (issue 8): the daily kudos cap on thread replies (item 11),
no broadcast or group ping in anything we send (item 12), and the small ones of item 13."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot import blocks
from bot.commitments import render as commitments_render
from bot.commitments.service import Answer, CommitmentView
from models.tables import (
    Statement,
)
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.fake_slack import FakeSlack
from tests.test_home import AccountSlack, account, commitment, home, kudos, seed


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    return AccountSlack  # the App Home's Web API methods too


BROADCASTS = ("<!channel>", "<!here>", "<!everyone>", "<!subteam^")


def listed(value: Any) -> list[Any]:
    return json.loads(value) if isinstance(value, str) else value or []


def everything_said(params: dict[str, Any]) -> str:
    return str(params.get("text", "")) + "\n" + blocks_text(listed(params.get("blocks")))


# -- item 11: the daily kudos cap on every path ---------------------------------------------


# -- item 12: no broadcast pings, blocks and fallback text alike ----------------------------

HOSTILE = "ping <!channel> and <!subteam^S123|team> and <!here> now"


def test_every_message_is_defused_in_its_text_and_blocks() -> None:
    message = blocks.message(HOSTILE, [blocks.section(HOSTILE), blocks.context(HOSTILE)])
    said = everything_said(message.kwargs())
    assert not [b for b in BROADCASTS if b in said], said
    assert "@channel" in message.text and "team" in message.text
    assert "<!date^" in blocks.message(blocks.local_time(datetime.now(UTC)), []).text


def commitment_view(text: str) -> CommitmentView:
    return CommitmentView(
        id=7,
        team_id="T1",
        channel_id="C1",
        user_id="U1",
        text=text,
        due_on=date(2026, 3, 9),
        zone="UTC",
        status="open",
        message_ts="1.1",
        next_ask_at=datetime(2026, 3, 9, 9, tzinfo=UTC),
        asked_count=1,
        answered_at=datetime(2026, 3, 9, 10, tzinfo=UTC),
    )


def test_commitments_and_their_follow_ups_never_ping_a_channel_or_group() -> None:
    view = commitment_view(HOSTILE)
    today = date(2026, 3, 2)
    for message in (
        commitments_render.posted(view, today),
        commitments_render.question(view, today),
        commitments_render.answered(Answer("answered", "kept", view)),
        commitments_render.not_in_channel(HOSTILE),
    ):
        said = everything_said(message.kwargs())
        assert not [b for b in BROADCASTS if b in said], said


def test_the_home_tab_never_pings_a_channel_or_group(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    now = datetime.now(UTC)
    account(bot).memberships[bot.user] = []
    seed(
        sessions,
        bot.team,
        [
            kudos(bot.team, slack_id("U"), [bot.user], HOSTILE, now),
            commitment(bot.team, bot.user, HOSTILE, now.date(), now),
            Statement(
                team_id=bot.team, kind="vision", text=HOSTILE, author_id=None, created_at=now
            ),
        ],
    )
    said = blocks_text(home(bot)["blocks"])
    assert "ping" in said and not [b for b in BROADCASTS if b in said], said


def test_a_posted_commitment_does_not_ping_the_channel(bot: SlackDriver) -> None:
    reply, _ = bot.command("/nudge", "commit tell <!channel> and <!subteam^S123|team> by friday")
    assert reply.status == 200
    [post] = bot.slack.wait_for(
        lambda: [
            c
            for c in bot.slack.calls_to("chat.postMessage")
            if c.params.get("channel") == bot.channel
        ]
    )
    said = everything_said(post.params)
    assert "tell" in said and not [b for b in BROADCASTS if b in said], said


# -- item 13: the small ones -----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["1" * 30, "9" * 5000, "²", "00000000000000000000000000000000000007"]
)
def test_an_impossible_schedule_id_says_there_is_no_such_schedule(
    bot: SlackDriver, raw: str
) -> None:
    for action in ("pause", "resume", "remove"):
        reply, key = bot.command("/nudge", f"schedule {action} {raw}")
        assert reply.status == 200
        said = json.dumps(bot.slack.wait_response(key))
        assert "There is no schedule #" in said, said
        assert "went wrong" not in said and len(said) < 2000
