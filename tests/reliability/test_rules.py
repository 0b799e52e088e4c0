"""The same rules on every path (issue 8): the daily kudos cap on thread replies (item 11),
no broadcast or group ping in anything we send (item 12), and the small ones of item 13."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot import blocks
from bot.commitments import render as commitments_render
from bot.commitments.service import Answer, CommitmentView
from bot.text import MAX_TEXT
from models.tables import (
    Prompt,
    Recognition,
    RecognitionRecipient,
    Response,
    Statement,
    Workspace,
)
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.fake_slack import FakeSlack
from tests.test_home import AccountSlack, account, commitment, home, kudos, seed
from tests.test_prompt_flow import open_modal, post_prompt
from tests.test_thread_replies import reactions, reactions_in, reply_event


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    return AccountSlack  # the App Home's Web API methods too


BROADCASTS = ("<!channel>", "<!here>", "<!everyone>", "<!subteam^")


def listed(value: Any) -> list[Any]:
    return json.loads(value) if isinstance(value, str) else value or []


def everything_said(params: dict[str, Any]) -> str:
    return str(params.get("text", "")) + "\n" + blocks_text(listed(params.get("blocks")))


def count(sessions: sessionmaker[Session], model: Any, team: str) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(model.team_id == team)) or 0


def recognition_prompt(bot: SlackDriver, sessions: sessionmaker[Session]) -> str:
    _, prompt_ts = post_prompt(bot, "heart")
    with sessions.begin() as s:
        s.execute(
            update(Prompt)
            .where(Prompt.team_id == bot.team)
            .values(response_kind="kudos", prompt_key="heart.recognise.1")
        )
    return prompt_ts


def ephemerals_to(bot: SlackDriver, user: str) -> list[Any]:
    return [
        c
        for c in bot.slack.calls_to("chat.postEphemeral")
        if c.params.get("channel") == bot.channel and c.params.get("user") == user
    ]


# -- item 11: the daily kudos cap on every path ---------------------------------------------


def test_thread_replies_naming_people_respect_the_daily_cap(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    bot = make_bot(kudos_daily_cap=1)
    ana, ben = slack_id("U"), slack_id("U")
    prompt_ts = recognition_prompt(bot, sessions)

    first = "1700002000.000100"
    assert reply_event(bot, prompt_ts, f"<@{ana}> for the release notes", first) == 200
    bot.slack.wait_for(lambda: reactions(bot, first))

    over = "1700002000.000200"
    assert reply_event(bot, prompt_ts, f"<@{ben}> for the demo", over) == 200
    [note] = bot.slack.wait_for(lambda: ephemerals_to(bot, bot.user))
    told = everything_said(note.params)
    assert "didn't log your reply as kudos" in told
    assert "allows 1 kudos a day and you have 0 left today" in told
    assert note.params.get("thread_ts") == prompt_ts
    # Nothing half written: one kudos to one person, no reflection in its place, no thanks.
    assert count(sessions, Recognition, bot.team) == 1
    assert count(sessions, RecognitionRecipient, bot.team) == 1
    assert count(sessions, Response, bot.team) == 0
    assert not reactions(bot, over) and len(reactions_in(bot)) == 1

    # The command path says the same.
    _, key = bot.command("/kudos", f"<@{ben}> for the demo")
    assert "0 left today" in str(bot.slack.wait_response(key))
    # And the modal.
    view = open_modal(bot, "heart.recognise.1", prompt_ts)
    answer = bot.submit_view(view["private_metadata"], "for the demo", recipients=[ben])
    assert answer.status == 200 and answer.body == ""  # the modal closes; the save follows
    told = bot.slack.wait_for(
        lambda: [
            c
            for c in bot.slack.calls_to("chat.postEphemeral")
            if c.params.get("user") == bot.user
            and "0 left today" in str(c.params)
            and "for the demo" in str(c.params)
        ]
    )
    assert len(told) == 1  # told once, with their own text back
    assert count(sessions, Recognition, bot.team) == 1


def test_kudos_to_oneself_are_refused_by_the_service_whatever_the_caller() -> None:
    from bot.errors import UserError
    from bot.recognition import service as recognition

    with pytest.raises(UserError, match="yourself"):
        recognition.give_kudos(
            None,  # type: ignore[arg-type]  # refused before the session is touched
            team_id="T1",
            channel_id="C1",
            giver_id="U1",
            recipients=("U2", "U1"),
            reason="for me",
            practice=None,
            now=datetime.now(UTC),
            daily_cap=None,
            zone="UTC",
        )


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


def test_a_huge_thread_reply_is_cut_as_commands_are(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _, prompt_ts = post_prompt(bot, "challenge")
    ts = "1700003000.000100"
    assert reply_event(bot, prompt_ts, "word " * 8000, ts) == 200
    bot.slack.wait_for(lambda: reactions(bot, ts))
    with sessions() as s:
        text = s.scalars(select(Response.text).where(Response.team_id == bot.team)).one()
    assert len(text) <= MAX_TEXT and text.startswith("word word")


def test_an_org_wide_uninstall_stops_no_phantom_workspace(
    bot: SlackDriver, sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    post_prompt(bot)  # the real workspace exists and works
    with sessions.begin() as s:
        s.execute(delete(Workspace).where(Workspace.team_id == ""))
    enterprise = slack_id("E")
    for event in (
        {"type": "app_uninstalled"},
        {"type": "tokens_revoked", "tokens": {"bot": ["B"]}},
    ):
        body = {
            "team_id": None,
            "enterprise_id": enterprise,
            "is_enterprise_install": True,
            "api_app_id": "A0NUDGE",
            "type": "event_callback",
            "event_id": slack_id("Ev"),
            "event_time": 1700000000,
            "authorizations": [
                {"enterprise_id": enterprise, "team_id": None, "is_enterprise_install": True}
            ],
            "event": event,
        }
        reply = bot.post(json.dumps(body).encode(), content_type="application/json")
        assert reply.status == 200
    ignored = [r.getMessage() for r in caplog.records if enterprise in r.getMessage()]
    assert len(ignored) == 2 and all("names no workspace" in line for line in ignored)
    with sessions() as s:
        assert s.get(Workspace, "") is None
        assert s.get(Workspace, bot.team).inactive_reason is None  # type: ignore[union-attr]


@pytest.mark.parametrize("team", ["missing", None])
def test_a_view_submission_without_team_is_logged_in_the_users_workspace(
    bot: SlackDriver, sessions: sessionmaker[Session], team: str | None
) -> None:
    _, ts = post_prompt(bot, "challenge")
    view = open_modal(bot, "challenge.experiment.1", ts)
    payload = {
        "type": "view_submission",
        "user": {"id": bot.user, "team_id": bot.team},
        "api_app_id": "A0NUDGE",
        "trigger_id": "trigger-view",
        "view": {
            "id": slack_id("V"),
            "team_id": bot.team,
            "type": "modal",
            "callback_id": "respond_modal",
            "private_metadata": view["private_metadata"],
            "state": {
                "values": {"answer": {"answer": {"type": "plain_text_input", "value": "Try it"}}}
            },
            "hash": "1",
        },
    }
    if team is None:
        payload["team"] = None
    reply = bot.post(urlencode({"payload": json.dumps(payload)}).encode())
    assert reply.status == 200 and reply.body == ""
    bot.slack.wait_for(lambda: count(sessions, Response, bot.team) == 1)  # saved after the ack
    with sessions() as s:
        row = s.scalars(select(Response).where(Response.team_id == bot.team)).one()
    assert (row.kind, row.user_id, row.text) == ("pilot", bot.user, "Try it")
