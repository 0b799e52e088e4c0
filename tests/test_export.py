"""/nudge export over HTTP: admins, owners and leaders get the workspace's log as a CSV file
in their DMs (conversations.open, then files_upload_v2's three steps); others get nothing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.tables import Commitment, Recognition, RecognitionRecipient, Response, Statement
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.fake_slack import FakeSlack
from tests.test_home import AccountSlack, account, answer, commitment, kudos, seed

TABLES = (Recognition, RecognitionRecipient, Response, Statement, Commitment)
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    return AccountSlack


def said(message: dict[str, Any]) -> str:
    return message.get("text", "") + "\n" + blocks_text(message.get("blocks", []))


def counts(sessions: sessionmaker[Session], team: str) -> dict[str, int]:
    with sessions() as s:
        return {
            t.__tablename__: s.scalar(select(func.count()).select_from(t).where(t.team_id == team))
            or 0
            for t in TABLES
        }


def calls_for(bot: SlackDriver, user: str) -> dict[str, int]:
    """How many DM and upload calls were made for `user` (the DM id is D<user>)."""
    dm = f"D{user}"
    return {
        "conversations.open": len(
            [c for c in bot.slack.calls_to("conversations.open") if c.params["users"] == user]
        ),
        "files.completeUploadExternal": len(
            [
                c
                for c in bot.slack.calls_to("files.completeUploadExternal")
                if c.params.get("channel_id") == dm
            ]
        ),
    }


def export(bot: SlackDriver, text: str = "export") -> dict[str, Any]:
    reply, key = bot.command("/nudge", text)
    assert reply.status == 200 and reply.body == "", reply.body
    return bot.slack.wait_response(key)


def seed_log(sessions: sessionmaker[Session], team: str, admin: str, ana: str, ben: str) -> None:
    """One item of every type, an hour apart, plus a kudos made anonymous by forget-me."""
    at = iter(T0 + timedelta(hours=h) for h in range(20))
    seed(
        sessions,
        team,
        [
            Statement(
                team_id=team,
                kind="vision",
                text="We ship calmly",
                author_id=admin,
                created_at=next(at),
            ),
            Statement(
                team_id=team,
                kind="guidelines",
                text="Ask in #help, any time",
                author_id=admin,
                created_at=next(at),
            ),
            kudos(team, ana, [admin, ben], 'for the demo, "live"', next(at), "challenge", "CTEAM"),
            kudos(team, None, [None, ben], "for the notes\nand the slides", next(at)),
            answer(team, ana, "win", "Zoë's release went out", next(at), "CTEAM"),
            answer(team, ana, "hope", "fewer meetings", next(at)),
            answer(team, None, "fear", "we are too slow", next(at), "CTEAM"),
            answer(team, ben, "goal", "=SUM(A1) is not a formula here", next(at)),
            answer(team, ben, "pilot", "pairing on reviews", next(at)),
            answer(team, ben, "idea", "-1 meeting a week", next(at)),
            answer(team, ana, "learning", "@here is not for everything", next(at)),
            answer(team, ana, "reflection", "listen first", next(at)),
            answer(team, ana, "vision", "a calm team in five years", next(at)),
            commitment(team, ben, "a guide", date(2026, 3, 20), next(at)),
        ],
    )


EXPECTED = '''\
type,created_at,channel,user,recipients,practice,commitment,text
vision statement,2026-03-01T09:00:00Z,,{admin},,vision,imagine,We ship calmly
guidelines,2026-03-01T10:00:00Z,,{admin},,enable,empower,"Ask in #help, any time"
kudos,2026-03-01T11:00:00Z,CTEAM,{ana},{admin} {ben},challenge,experiment,"for the demo, ""live"""
kudos,2026-03-01T12:00:00Z,CGENERAL,,{ben},heart,recognise,"for the notes<LF>and the slides"
win,2026-03-01T13:00:00Z,CTEAM,{ana},,heart,recognise,Zoë's release went out
hope,2026-03-01T14:00:00Z,CGENERAL,{ana},,vision,enlist,fewer meetings
fear,2026-03-01T15:00:00Z,CTEAM,,,vision,enlist,we are too slow
goal,2026-03-01T16:00:00Z,CGENERAL,{ben},,enable,buyin,'=SUM(A1) is not a formula here
pilot,2026-03-01T17:00:00Z,CGENERAL,{ben},,challenge,experiment,pairing on reviews
idea,2026-03-01T18:00:00Z,CGENERAL,{ben},,challenge,change,'-1 meeting a week
learning,2026-03-01T19:00:00Z,CGENERAL,{ana},,enable,empower,'@here is not for everything
reflection,2026-03-01T20:00:00Z,CGENERAL,{ana},,model,voice,listen first
vision,2026-03-01T21:00:00Z,CGENERAL,{ana},,vision,imagine,a calm team in five years
commitment,2026-03-01T22:00:00Z,CGENERAL,{ben},,model,example,"a guide (due 2026-03-20, open)"
'''


def test_an_admin_gets_the_whole_log_as_csv_in_a_dm(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    admin, ana, ben = bot.user, slack_id("U"), slack_id("U")
    bot.slack.add_user(admin, is_admin=True)
    seed_log(sessions, bot.team, admin, ana, ben)
    other = slack_id("T")  # the same people in another workspace: none of it is exported
    seed(
        sessions,
        other,
        [
            kudos(other, ana, [admin], "OTHER WORKSPACE", T0),
            answer(other, ana, "win", "OTHER WORKSPACE", T0),
            commitment(other, ben, "OTHER WORKSPACE", date(2026, 3, 20), T0),
            Statement(team_id=other, kind="vision", text="OTHER WORKSPACE", created_at=T0),
        ],
    )
    before = counts(sessions, bot.team)

    text = said(export(bot))
    assert ":incoming_envelope: Done: I sent the export (14 items) to your DMs" in text

    opened = [c for c in bot.slack.calls_to("conversations.open") if c.params["users"] == admin]
    assert len(opened) == 1
    done = [
        c
        for c in bot.slack.calls_to("files.completeUploadExternal")
        if c.params.get("channel_id") == f"D{admin}"
    ]
    assert len(done) == 1
    filename = f"nudgebot-export-{bot.team}-{datetime.now(UTC):%Y-%m-%d}.csv"
    [file] = json.loads(done[0].params["files"])
    asked = next(
        c
        for c in bot.slack.calls_to("files.getUploadURLExternal")
        if c.params["filename"] == filename
    )
    uploaded = account(bot).uploads[file["id"]]
    assert int(asked.params["length"]) == len(uploaded)
    assert file["title"] == filename
    comment = done[0].params["initial_comment"]
    assert "14 items (1 vision statement, 1 guidelines, 2 kudos, 1 win, 1 vision, " in comment
    assert "keep it safe" in comment

    content = uploaded.decode("utf-8")
    assert content.startswith("\ufeff")
    # Rows end with CRLF (RFC 4180); a line break inside a cell is kept as it was typed.
    expected = EXPECTED.format(admin=admin, ana=ana, ben=ben)
    assert content[1:] == expected.replace("\n", "\r\n").replace("<LF>", "\n")
    rows = list(csv.DictReader(io.StringIO(content[1:], newline="")))
    assert [r["type"] for r in rows].count("kudos") == 2
    assert next(r for r in rows if r["type"] == "fear")["user"] == ""
    assert "OTHER WORKSPACE" not in content
    assert counts(sessions, bot.team) == before  # exporting changes nothing


def test_a_leader_from_settings_may_export(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    leader = slack_id("U")
    bot = replace(make_bot(leaders=frozenset({leader})), user=leader)
    seed(sessions, bot.team, [answer(bot.team, leader, "win", "a win", T0)])
    assert "I sent the export (1 item) to your DMs" in said(export(bot))
    assert calls_for(bot, leader) == {"conversations.open": 1, "files.completeUploadExternal": 1}


def test_others_are_refused_and_nothing_is_sent(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    seed_log(sessions, bot.team, slack_id("U"), slack_id("U"), bot.user)
    before = counts(sessions, bot.team)
    text = said(export(bot))
    assert "Only workspace admins, owners and the team's leaders (NUDGEBOT_LEADERS) can " in text
    assert "export the log" in text
    assert calls_for(bot, bot.user) == {"conversations.open": 0, "files.completeUploadExternal": 0}
    assert counts(sessions, bot.team) == before


def test_export_takes_no_options_and_an_empty_workspace_gets_no_file(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.add_user(bot.user, is_owner=True)
    reply, key = bot.command("/nudge", "export everything")
    assert "`/nudge export` takes nothing after it" in reply.text
    assert "Try: `/nudge export`" in reply.text

    text = said(export(bot))
    assert "Nothing is logged in this workspace yet, so there's nothing to export." in text
    assert calls_for(bot, bot.user) == {"conversations.open": 0, "files.completeUploadExternal": 0}
    assert not bot.slack.responses[key]  # the refused one did nothing after its ack
    assert counts(sessions, bot.team) == {t.__tablename__: 0 for t in TABLES}
