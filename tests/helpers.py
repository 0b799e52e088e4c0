"""Assertions and counts shared by the command tests: what a person reads, and proof that a
refused command wrote nothing."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.tables import Prompt, Recognition, RecognitionRecipient, Response, Statement
from tests.driver import Reply, SlackDriver, blocks_text

TABLES = (Recognition, RecognitionRecipient, Response, Statement, Prompt)
APOLOGY = "something went wrong on my side and nothing was saved"
NOTHING = {t.__tablename__: 0 for t in TABLES}


def counts(sessions: sessionmaker[Session], team: str) -> dict[str, int]:
    """Rows per table for one workspace."""
    with sessions() as s:
        return {
            t.__tablename__: s.scalar(select(func.count()).select_from(t).where(t.team_id == team))
            or 0
            for t in TABLES
        }


def said(message: dict[str, Any]) -> str:
    """What a person reads in a response_url message."""
    return message.get("text", "") + "\n" + blocks_text(message.get("blocks", []))


def posted(bot: SlackDriver, count: int = 1, channel: str | None = None) -> dict[str, Any]:
    """The `count`-th chat.postMessage to the driver's channel (or `channel`), blocks
    decoded, waited for: ideas, hopes and pilots are shown as messages of their own."""
    where = channel or bot.channel

    def found() -> list[dict[str, Any]]:
        return [
            c.params
            for c in bot.slack.calls_to("chat.postMessage")
            if c.params.get("channel") == where
        ]

    params = dict(bot.slack.wait_for(lambda: len(found()) >= count and found())[count - 1])
    if isinstance(params.get("blocks"), str):
        params["blocks"] = json.loads(params["blocks"])
    return params


def assert_ack_error(reply: Reply, *phrases: str) -> None:
    """The command was refused in the ack, as an ephemeral message saying why."""
    assert reply.status == 200, reply.body
    assert reply.json.get("response_type") == "ephemeral", reply.body
    for phrase in phrases:
        assert phrase in reply.text, reply.text


def assert_later_error(bot: SlackDriver, reply: Reply, key: str, *phrases: str) -> str:
    """Acked, then refused through response_url with an ephemeral message saying why."""
    assert reply.status == 200, reply.body
    assert reply.body == "", reply.body
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "ephemeral", message
    assert message.get("replace_original") is False
    text = said(message)
    assert APOLOGY not in text
    for phrase in phrases:
        assert phrase in text, text
    return text


def assert_private_reply(bot: SlackDriver, reply: Reply, key: str, *phrases: str) -> str:
    """Acked at once, then answered through response_url for the asker's eyes only."""
    assert reply.status == 200, reply.body
    assert reply.body == "", reply.body
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "ephemeral", message
    text = said(message)
    for phrase in phrases:
        assert phrase in text, text
    return text
