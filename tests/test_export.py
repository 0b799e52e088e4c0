"""/nudge export over HTTP: admins, owners and leaders get the workspace's log as a CSV file
in their DMs (conversations.open, then files_upload_v2's three steps); others get nothing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.tables import Commitment, Recognition, RecognitionRecipient, Response, Statement
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.fake_slack import FakeSlack
from tests.test_home import AccountSlack, account, answer, commitment, kudos, seed

TABLES = (Recognition, RecognitionRecipient, Response, Statement, Commitment)
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class ExportSlack(AccountSlack):
    """AccountSlack, and conversations.info for the channels the bot can see."""

    CHANNELS: ClassVar[dict[str, str]] = {"CTEAM": "team", "CHELP": "help"}

    def _default(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "conversations.info":
            name = self.CHANNELS.get(str(params.get("channel")))
            if name is None:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": {"id": params["channel"], "name": name}}
        return super()._default(method, params)


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    return ExportSlack


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


def valued(row: Response) -> Response:
    """A win that named one of the team's values."""
    row.team_value = "Ownership"
    return row


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
                text="Ask in <#CHELP|help>, any time",
                author_id=admin,
                created_at=next(at),
            ),
            kudos(team, ana, [admin, ben], 'for the demo, "live"', next(at), "challenge", "CTEAM"),
            kudos(team, None, [None, ben], "for the notes\nand the slides", next(at)),
            valued(
                answer(team, ana, "win", f"Zoë's release with <@{ben}> went out", next(at), "CTEAM")
            ),
            answer(team, ana, "hope", "fewer meetings &amp; more &lt;focus&gt;", next(at)),
            answer(team, None, "fear", "we are too slow", next(at), "CTEAM"),
            answer(team, ben, "goal", "=SUM(A1) is not a formula here", next(at)),
            answer(
                team, ben, "pilot", "pairing on reviews, see <https://x.test/p|the plan>", next(at)
            ),
            answer(team, ben, "idea", "-1 meeting a week", next(at)),
            answer(team, ana, "learning", "<!here> is not for everything", next(at)),
            answer(team, ana, "reflection", f"listen to <@{GONE}|zed> first", next(at)),
            answer(team, ana, "vision", "a calm team in five years", next(at)),
            commitment(team, ben, f"a guide with <@{ana}>", date(2026, 3, 20), next(at)),
        ],
    )


GONE = "UGONE0001"  # Slack no longer knows this person
HEADER = (
    "type,date (UTC),time (UTC),channel,channel_id,person,person_id,recipients,recipient_ids,"
    "practice,practice_commitment,status,due,value,text"
)
VISION = ("Inspire a Shared Vision", "Imagine the possibilities")
ENLIST = ("Inspire a Shared Vision", "Enlist others")
EMPOWER = ("Enable Others to Act", "Empower people")
RISKS = ("Challenge the Process", "Experiment and take risks")
HEART = ("Encourage the Heart", "Recognise individual excellence")
GENERAL = ("CGENERAL", "CGENERAL")  # conversations.info can't see it: the id twice
TEAM = ("#team", "CTEAM")
LEE, ANA, BEN = ("Lee Okafor", "{admin}"), ("Ana Lima", "{ana}"), ("Ben", "{ben}")
NOBODY = ("", "")
NOTE = "for the notes\nand the slides"
# type, date, time, channel, channel_id, person, person_id, recipients, recipient_ids,
# practice, practice_commitment, status, due, text (the value column, between due and text,
# is filled in by expected_csv)
EXPECTED = [
    ("published vision", "09:00", *NOBODY, *LEE, *NOBODY, *VISION, "", "", "We ship calmly"),
    (
        "published guidelines",
        "10:00",
        *NOBODY,
        *LEE,
        *NOBODY,
        *EMPOWER,
        "",
        "",
        "Ask in #help, any time",
    ),
    (
        "kudos",
        "11:00",
        *TEAM,
        *ANA,
        "Lee Okafor, Ben",
        "{admin} {ben}",
        *RISKS,
        "",
        "",
        'for the demo, "live"',
    ),
    ("kudos", "12:00", *GENERAL, *NOBODY, *BEN, *HEART, "", "", NOTE),
    ("win", "13:00", *TEAM, *ANA, *NOBODY, *HEART, "", "", "Zoë's release with @Ben went out"),
    ("hope", "14:00", *GENERAL, *ANA, *NOBODY, *ENLIST, "", "", "fewer meetings & more <focus>"),
    ("worry", "15:00", *TEAM, *NOBODY, *NOBODY, *ENLIST, "", "", "we are too slow"),
    (
        "goal",
        "16:00",
        *GENERAL,
        *BEN,
        *NOBODY,
        "Enable Others to Act",
        "Fuel buy-in",
        "",
        "",
        "'=SUM(A1) is not a formula here",
    ),
    (
        "pilot",
        "17:00",
        *GENERAL,
        *BEN,
        *NOBODY,
        *RISKS,
        "",
        "",
        "pairing on reviews, see the plan (https://x.test/p)",
    ),
    (
        "idea",
        "18:00",
        *GENERAL,
        *BEN,
        *NOBODY,
        "Challenge the Process",
        "Make room for change",
        "",
        "",
        "'-1 meeting a week",
    ),
    (
        "learning",
        "19:00",
        *GENERAL,
        *ANA,
        *NOBODY,
        *EMPOWER,
        "",
        "",
        "'@here is not for everything",
    ),
    (
        "reflection",
        "20:00",
        *GENERAL,
        *ANA,
        *NOBODY,
        "Model the Way",
        "Develop your voice",
        "",
        "",
        "listen to @zed first",
    ),
    (
        "picture of the future",
        "21:00",
        *GENERAL,
        *ANA,
        *NOBODY,
        *VISION,
        "",
        "",
        "a calm team in five years",
    ),
    (
        "commitment",
        "22:00",
        *GENERAL,
        *BEN,
        *NOBODY,
        "Model the Way",
        "Lead by example",
        "open",
        "2026-03-20",
        "a guide with @Ana Lima",
    ),
]


def expected_csv(**ids: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER.split(","))
    for kind, time, *rest in EXPECTED:
        value = "Ownership" if kind == "win" else ""
        cells = [v.format(**ids) for v in rest]
        writer.writerow([kind, "2026-03-01", time, *cells[:-1], value, cells[-1]])
    return out.getvalue()


def people(bot: SlackDriver, admin: str, ana: str, ben: str) -> None:
    """How Slack names them: a full name, a full name in the profile, a display name only."""
    bot.slack.add_user(admin, is_admin=True, real_name="Lee Okafor")
    bot.slack.add_user(ana, profile={"real_name": "Ana Lima", "display_name": "ana"})
    bot.slack.add_user(ben, profile={"real_name": "", "display_name": "Ben"})
    bot.slack.remove_user(GONE)


def test_an_admin_gets_the_whole_log_as_csv_in_a_dm(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    admin, ana, ben = bot.user, slack_id("U"), slack_id("U")
    people(bot, admin, ana, ben)
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
    assert ":incoming_envelope: Done: the log (14 items) is in your DMs as a CSV file." in text

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
    comment = done[0].params["initial_comment"].split("\n")
    assert comment[0].startswith(":inbox_tray: Here is this workspace's nudgebot log: 14 items, ")
    assert comment[0].endswith(" (UTC).")
    assert comment[1] == (
        "1 published vision, 1 published guidelines, 2 kudos, 1 win, 1 picture of the future, "
        "1 hope, 1 worry, 1 goal, 1 pilot, 1 idea, 1 learning, 1 reflection, 1 commitment."
    )
    assert "keep it safe" in comment[2]

    content = uploaded.decode("utf-8")
    assert content.startswith("\ufeff")
    # Rows end with CRLF (RFC 4180); a line break inside a cell is kept as it was typed.
    assert content[1:] == expected_csv(admin=admin, ana=ana, ben=ben)
    assert f',"Lee Okafor, Ben",{admin} {ben},' in content
    assert (
        ',"for the demo, ""live"""\r\n' in content and '"for the notes\nand the slides"' in content
    )
    rows = list(csv.DictReader(io.StringIO(content[1:], newline="")))
    assert [r["type"] for r in rows].count("kudos") == 2
    assert next(r for r in rows if r["type"] == "worry")["person_id"] == ""
    assert "OTHER WORKSPACE" not in content
    assert counts(sessions, bot.team) == before  # exporting changes nothing


def test_a_leader_from_settings_may_export(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    leader = slack_id("U")
    bot = replace(make_bot(leaders=frozenset({leader})), user=leader)
    seed(sessions, bot.team, [answer(bot.team, leader, "win", "a win", T0)])
    assert "Done: the log (1 item) is in your DMs" in said(export(bot))
    assert calls_for(bot, leader) == {"conversations.open": 1, "files.completeUploadExternal": 1}


def test_others_are_refused_and_nothing_is_sent(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    seed_log(sessions, bot.team, slack_id("U"), slack_id("U"), bot.user)
    before = counts(sessions, bot.team)
    text = said(export(bot))
    assert "Only admins and the team's leaders can export the log" in text
    assert "NUDGEBOT" not in text
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


def test_dates_and_times_are_in_the_teams_zone_and_names_are_asked_once(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    bot = make_bot(timezone="Europe/Berlin")
    admin, ana, ben = bot.user, slack_id("U"), slack_id("U")
    people(bot, admin, ana, ben)
    seed_log(sessions, bot.team, admin, ana, ben)
    for _ in range(2):
        export(bot)
    done = [
        c
        for c in bot.slack.calls_to("files.completeUploadExternal")
        if c.params.get("channel_id") == f"D{admin}"
    ]
    comment = done[-1].params["initial_comment"]
    assert "(Europe/Berlin)." in comment and "UTC" not in comment
    [file] = json.loads(done[-1].params["files"])
    rows = list(csv.reader(io.StringIO(account(bot).uploads[file["id"]].decode()[1:], newline="")))
    assert rows[0][1:3] == ["date (Europe/Berlin)", "time (Europe/Berlin)"]
    assert rows[1][:3] == ["published vision", "2026-03-01", "10:00"]  # 09:00 UTC
    # users.info through the runtime's directory, cached: each person asked once in all.
    for user in (ana, ben):
        asked = [c for c in bot.slack.calls_to("users.info") if c.params["user"] == user]
        assert len(asked) == 1, user


def test_when_slack_cannot_name_people_the_export_still_comes_with_their_ids(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    leader = slack_id("U")
    bot = replace(make_bot(leaders=frozenset({leader})), user=leader)
    ana, ben = slack_id("U"), slack_id("U")
    seed(
        sessions,
        bot.team,
        [
            kudos(bot.team, ana, [ben], f"for helping <@{ben}|ben>", T0),
            answer(bot.team, ben, "win", "shipped", T0 + timedelta(hours=1)),
        ],
    )
    bot.slack.fail("users.info", "internal_error")  # the first lookup fails: no more are made
    assert "Done: the log (2 items) is in your DMs" in said(export(bot))
    asked = [c for c in bot.slack.calls_to("users.info") if c.params["user"] in (ana, ben)]
    assert len(asked) == 1
    done = next(
        c
        for c in bot.slack.calls_to("files.completeUploadExternal")
        if c.params.get("channel_id") == f"D{leader}"
    )
    [file] = json.loads(done.params["files"])
    rows = list(csv.DictReader(io.StringIO(account(bot).uploads[file["id"]].decode()[1:])))
    assert (rows[0]["person"], rows[0]["person_id"]) == (ana, ana)
    assert (rows[0]["recipients"], rows[0]["recipient_ids"]) == (ben, ben)
    assert rows[0]["text"] == "for helping @ben"  # the name Slack put in the mention
    assert (rows[1]["type"], rows[1]["person"]) == ("win", ben)
