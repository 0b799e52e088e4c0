"""/nudge progress with participation: channel members from conversations.members (paginated,
cached), the period and `chart` in any order, and the counts over time behind the chart."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.errors import UserError
from bot.progress import parsing as progress_parsing
from bot.progress import render as progress_render
from bot.progress import series as progress_series
from bot.progress import service as progress
from bot.progress.parts import Part
from bot.sharing import SHARE_ACTION
from bot.slack import members
from bot.slack.members import ChannelMembers, MemberCache
from models.queries import ensure_workspace
from models.tables import Commitment, Recognition, RecognitionRecipient, Response
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.fake_slack import Call, FakeSlack, Scripted
from tests.test_render import check_message

Sessions = sessionmaker[Session]
NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
BOT_USER = "UBOT"  # what the fake's auth.test says nudgebot is
APOLOGY = "something went wrong on my side"


class ProgressSlack(FakeSlack):
    """The shared fake plus what progress needs: conversations.members with cursor
    pagination (`page_size` per page, whatever `limit` asks), conversations.open (a DM
    `D<user>`), and the three steps of
    files_upload_v2: files.getUploadURLExternal answers with an upload_url on this server,
    the bytes POSTed there are kept in `uploads`, files.completeUploadExternal answers."""

    def __init__(self, page_size: int = 2) -> None:
        super().__init__()
        self.members: dict[str, list[str]] = {}
        self.page_size = page_size
        self.uploads: dict[str, bytes] = {}
        self._file_ids = itertools.count(1)

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = urlparse(request.path).path
        if not path.startswith("/upload/"):
            super()._handle(request)
            return
        file_id = path.removeprefix("/upload/")
        data = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        with self._lock:
            self.uploads[file_id] = data
            self.calls.append(Call("upload", {"file_id": file_id}, dict(request.headers.items())))
            script = self._scripts["upload"].popleft() if self._scripts["upload"] else None
            self._lock.notify_all()
        self._reply(request, script or Scripted(body=None))

    def _default(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "conversations.members":
            everyone = self.members.get(str(params.get("channel")), [])
            start = int(params.get("cursor") or 0)
            end = start + self.page_size
            return {
                "ok": True,
                "members": everyone[start:end],
                "response_metadata": {"next_cursor": str(end) if end < len(everyone) else ""},
            }
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{params.get('users')}"}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._file_ids):08d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.base}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = json.loads(str(params.get("files") or "[]"))
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        return super()._default(method, params)


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    return ProgressSlack


def fake_of(bot: SlackDriver) -> ProgressSlack:
    assert isinstance(bot.slack, ProgressSlack)
    return bot.slack


def said(message: dict[str, Any]) -> str:
    return message.get("text", "") + "\n" + blocks_text(message.get("blocks", []))


def rows(sessions: Sessions, team: str) -> dict[str, int]:
    with sessions() as s:
        return {
            t.__tablename__: s.scalar(select(func.count()).select_from(t).where(t.team_id == team))
            or 0
            for t in (Recognition, RecognitionRecipient, Response)
        }


def member_calls(bot: SlackDriver, channel: str | None = None) -> list[Call]:
    return [
        c
        for c in bot.slack.calls_to("conversations.members")
        if c.params.get("channel") == (channel or bot.channel)
    ]


def item(
    team: str,
    channel: str,
    kind: str,
    practice: str,
    user: str | None,
    when: datetime,
) -> Recognition | Response:
    """A kudos (kind "kudos") or a response, logged at `when`."""
    commitment = catalogue.practice(practice).tag_commitment
    if kind == "kudos":
        return Recognition(
            team_id=team,
            channel_id=channel,
            giver_id=user,
            reason="for the work",
            practice=practice,
            commitment=commitment,
            created_at=when,
            recipients=[RecognitionRecipient(team_id=team, user_id=slack_id("U"))],
        )
    return Response(
        team_id=team,
        channel_id=channel,
        user_id=None if kind == "fear" else user,
        kind=kind,
        practice=practice,
        commitment=commitment,
        text=f"a {kind}",
        source="command",
        created_at=when,
    )


def seed(sessions: Sessions, team: str, channel: str, now: datetime) -> None:
    """A, B and C took part in the last 7 days, D 20 days ago; a fear has no author."""
    ago = lambda days: now - timedelta(days=days)  # noqa: E731
    with sessions.begin() as s:
        ensure_workspace(s, team)
        s.add_all(
            [
                item(team, channel, "kudos", "heart", "U0A", ago(1)),
                item(team, channel, "win", "challenge", "U0B", ago(2)),
                item(team, channel, "hope", "vision", "U0C", ago(3)),
                item(team, channel, "kudos", "heart", "U0A", ago(4)),
                item(team, channel, "fear", "vision", None, ago(5)),
                item(team, channel, "goal", "enable", "U0D", ago(20)),
                # another channel of the same workspace: never counted here
                item(team, "C0ELSEWHERE", "win", "model", "U0X", ago(1)),
            ]
        )


# -- participation over HTTP ---------------------------------------------------------------


def share_value(message: dict[str, Any]) -> dict[str, Any]:
    """The Share to channel button's value under a private report."""
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    [button] = actions["elements"]
    assert button["action_id"] == SHARE_ACTION and button["text"]["text"] == "Share to channel"
    return json.loads(button["value"])


def progress_of(bot: SlackDriver, rest: str) -> str:
    """Run `/nudge progress`: the report comes to the asker only, with a Share button."""
    reply, key = bot.command("/nudge", f"progress {rest}".strip())
    assert reply.status == 200 and reply.body == "", reply.body
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "ephemeral", message
    assert message["replace_original"] is False
    assert share_value(message)["k"] == "progress"
    return said(message)


def click_share(bot: SlackDriver, value: str, user: str | None = None) -> str:
    """Click Share to channel under a private report; returns the response_url key."""
    key = slack_id("R")
    reply = bot.interaction(
        {
            "type": "block_actions",
            "team": {"id": bot.team},
            "user": {"id": user or bot.user, "team_id": bot.team},
            "channel": {"id": bot.channel, "name": "general"},
            "response_url": bot.slack.response_url(key),
            "actions": [{"action_id": SHARE_ACTION, "value": value, "type": "button"}],
        }
    )
    assert reply.status == 200
    return key


def posted_in_channel(bot: SlackDriver) -> list[Call]:
    return [
        c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("channel") == bot.channel
    ]


def test_progress_shows_participation_of_channel_members(
    bot: SlackDriver, sessions: Sessions
) -> None:
    seed(sessions, bot.team, bot.channel, datetime.now(UTC))
    before = rows(sessions, bot.team)
    # Four pages of two: nudgebot itself and Slackbot are not people taking part.
    fake_of(bot).members[bot.channel] = ["U0A", "U0B", BOT_USER, "U0X", "U0Y", "USLACKBOT", "U0Z"]

    text = progress_of(bot, "")
    # A, B and C took part; C has left the channel, so 2 of its 5 members did. Said once:
    # no count of people besides it.
    assert ":busts_in_silhouette: *2 of 5 members* of this channel took part (40%)." in text
    assert "people* took part" not in text and "logged in all" not in text
    assert "No participation figure" not in text
    assert ":tada: *Encourage the Heart*: 2 kudos · none the week before" in text, text
    assert "*Inspire a Shared Vision*: 2 (1 hope, 1 worry) · none the week before" in text
    calls = member_calls(bot)
    assert [c.params.get("cursor") for c in calls] == [None, "2", "4", "6"]
    assert all(c.params["limit"] == "1000" for c in calls)

    # The members are cached: a second request, for another period, asks Slack nothing.
    # The history begins 20 days ago (D's goal): less than 30 days, so nothing is "up".
    text = progress_of(bot, "30d")
    assert "less than 30 days ago, so there is nothing earlier to compare with yet." in text
    assert ":handshake: *Enable Others to Act*: 1 goal · new" in text, text
    assert "up from" not in text and ":arrow_up:" not in text
    assert "*2 of 5 members* of this channel took part (40%)." in text
    assert len(member_calls(bot)) == 4
    assert rows(sessions, bot.team) == before  # reading writes nothing
    assert posted_in_channel(bot) == []  # nothing for the channel until it is shared


def test_progress_of_a_quiet_channel_counts_its_members(bot: SlackDriver) -> None:
    fake_of(bot).members[bot.channel] = [bot.user, "U0Q", BOT_USER]
    text = progress_of(bot, "90d")
    assert ":seedling: Nothing done here yet." in text
    assert "*0 of 2 members* of this channel took part (0%)." in text


def test_one_member_is_one_member(bot: SlackDriver, sessions: Sessions) -> None:
    fake_of(bot).members[bot.channel] = [bot.user]
    _, key = bot.command("/win", "shipped it #model")
    bot.slack.wait_response(key)
    text = progress_of(bot, "7d")
    assert ":compass: *Model the Way*: 1 win · new" in text, text
    assert "*1 of 1 member* of this channel took part (100%)." in text


def test_without_members_the_people_who_took_part_are_counted(bot: SlackDriver) -> None:
    bot.slack.fail("conversations.members", "not_in_channel")
    _, key = bot.command("/kudos", f"<@{slack_id('U')}> <@{slack_id('U')}> for the fix #challenge")
    bot.slack.wait_response(key)
    text = progress_of(bot, "7d")
    # The giver and both receivers took part; the kudos counts where it was tagged.
    assert ":busts_in_silhouette: *3 people* took part." in text, text
    assert "*Challenge the Process*: 1 kudos · new" in text
    assert "*Encourage the Heart*: nothing" in text


@pytest.mark.parametrize(
    ("error", "why"),
    [
        ("not_in_channel", "I'm not a member of this channel. Add me with `/invite @nudgebot`."),
        ("channel_not_found", "private channels and direct messages need me invited"),
        ("missing_scope", "add the `channels:read` and `groups:read` scopes"),
        ("internal_error", "Slack didn't tell me who is in this channel just now."),
    ],
)
def test_progress_without_members_says_why(
    bot: SlackDriver, sessions: Sessions, error: str, why: str
) -> None:
    seed(sessions, bot.team, bot.channel, datetime.now(UTC))
    fake_of(bot).members[bot.channel] = ["U0A", "U0B"]
    bot.slack.fail("conversations.members", error)

    text = progress_of(bot, "7d")
    # A, B, C and the two people A's kudos named.
    assert ":busts_in_silhouette: *5 people* took part." in text
    assert "took part (" not in text
    assert ":information_source: No participation figure: " in text, text
    assert why in text, text
    assert APOLOGY not in text

    # A failure is not cached: once the bot is invited, the next request shows participation.
    text = progress_of(bot, "7d")
    assert "*2 of 2 members* of this channel took part (100%)." in text
    assert "people* took part" not in text
    assert len(member_calls(bot)) == 2


def test_progress_when_slack_lists_nobody(bot: SlackDriver) -> None:
    text = progress_of(bot, "")  # the fake knows no members for this channel
    assert "No participation figure: Slack didn't tell me who is in this channel" in text


# -- private first, then shared ----------------------------------------------------------------


def test_progress_is_private_until_shared_and_sharing_posts_it_for_the_channel(
    bot: SlackDriver, sessions: Sessions
) -> None:
    seed(sessions, bot.team, bot.channel, datetime.now(UTC))
    fake_of(bot).members[bot.channel] = ["U0A", "U0B", "U0C"]
    _, key = bot.command("/nudge", "progress 30d")
    private = bot.slack.wait_response(key)
    assert private["response_type"] == "ephemeral"
    assert share_value(private) == {"k": "progress", "a": {"days": 30, "chart": False}}
    assert "Shared by" not in said(private)
    assert bot.slack.responses[key] == [private]

    shared_key = click_share(bot, json.dumps(share_value(private), separators=(",", ":")))
    shared = bot.slack.wait_response(shared_key)
    assert shared["response_type"] == "in_channel"
    text = said(shared)
    assert "Practice progress, last 30 days" in text
    assert f"Shared by <@{bot.user}>" in text
    assert ":tada: *Encourage the Heart*: 2 kudos · new" in text
    assert not [b for b in shared["blocks"] if b["type"] == "actions"]  # no button for all
    # What the lead saw, but for the button and who shared it.
    assert [b for b in private["blocks"] if b["type"] != "actions"] == shared["blocks"][:-1]
    assert len(posted_in_channel(bot)) == 0  # it went through the button's response_url


@pytest.mark.parametrize(
    ("rest", "phrase"),
    [
        ("5y", "*5y* isn't a period I know. Use 7d, 30d or 90d, and add `chart`"),
        ("charts", "*charts* isn't a period I know."),
        ("7d banana", "*banana* isn't a period I know."),
        ("chart please", "*please* isn't a period I know."),
        ("30d chart 90d", "*30d chart 90d* isn't a period I know. Give just one of 7d, 30d"),
        ("7d 30d", "*7d 30d* isn't a period I know."),
        ("chart -7d", "*-7d* isn't a period I know."),
    ],
)
def test_progress_refuses_bad_words_and_does_nothing(
    bot: SlackDriver, sessions: Sessions, rest: str, phrase: str
) -> None:
    seed(sessions, bot.team, bot.channel, datetime.now(UTC))
    before = rows(sessions, bot.team)
    fake_of(bot).members[bot.channel] = ["U0A"]
    uploads = len(bot.slack.calls_to("files.getUploadURLExternal"))
    reply, key = bot.command("/nudge", f"progress {rest}")
    assert reply.status == 200
    assert reply.json["response_type"] == "ephemeral"
    assert phrase in reply.text, reply.text
    assert "Try: `/nudge progress [7d|30d|90d]`, and with a chart: `/nudge progress 30d chart`" in (
        reply.text
    )
    assert rows(sessions, bot.team) == before
    # Nothing was done after the ack: no reply, no Slack calls for this channel. (A later
    # request's reply has come back, so anything queued by this one would have run too.)
    _, later = bot.command("/nudge", "progress", channel=slack_id("C"))
    bot.slack.wait_response(later)
    assert bot.slack.responses[key] == []
    assert member_calls(bot) == []
    assert len(bot.slack.calls_to("files.getUploadURLExternal")) == uploads


# -- the members cache -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fake() -> Iterator[ProgressSlack]:
    server = ProgressSlack(page_size=3)
    server.start()
    yield server
    server.stop()


def client_for(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url, timeout=5)


def test_member_cache_pages_caches_and_expires(fake: ProgressSlack) -> None:
    team, channel = slack_id("T"), slack_id("C")
    fake.members[channel] = ["U1", "U2", BOT_USER, "U3", "USLACKBOT", "U4", "U5"]
    client = client_for(fake)
    cache = MemberCache(ttl_seconds=3600)
    got = cache.members(client, team, channel)
    assert got == ChannelMembers(frozenset({"U1", "U2", "U3", "U4", "U5"}))
    assert got.count == 5
    assert len(member_calls_to(fake, channel)) == 3  # 7 ids, 3 per page
    assert cache.members(client, team, channel) == got
    assert len(member_calls_to(fake, channel)) == 3
    # Per workspace: the same channel id in another team is fetched on its own.
    cache.members(client, slack_id("T"), channel)
    assert len(member_calls_to(fake, channel)) == 6

    cache.forget(team, channel)
    fake.members[channel].append("U6")
    assert cache.members(client, team, channel).count == 6

    expired = MemberCache(ttl_seconds=0)
    expired.members(client, team, channel)
    expired.members(client, team, channel)
    assert len(member_calls_to(fake, channel)) == 3 * 5


def test_forgetting_a_person_drops_the_member_lists_that_name_them(fake: ProgressSlack) -> None:
    team, named, other = slack_id("T"), slack_id("C"), slack_id("C")
    fake.members[named] = ["U1", "U2"]
    fake.members[other] = ["U2"]
    client, cache = client_for(fake), MemberCache()
    cache.members(client, team, named)
    cache.members(client, team, other)
    cache.forget_person(slack_id("T"), "U1")  # another workspace's U1: nothing goes
    cache.forget_person(team, "U1")
    cache.members(client, team, named)
    cache.members(client, team, other)
    assert len(member_calls_to(fake, named)) == 2  # fetched again: it named U1
    assert len(member_calls_to(fake, other)) == 1  # still cached


def member_calls_to(fake: FakeSlack, channel: str) -> list[Call]:
    return [c for c in fake.calls_to("conversations.members") if c.params["channel"] == channel]


def test_member_cache_fetches_a_channel_once_for_concurrent_requests(fake: ProgressSlack) -> None:
    team, channel = slack_id("T"), slack_id("C")
    fake.members[channel] = ["U1", "U2"]
    fake.script(
        "conversations.members",
        Scripted(body={"ok": True, "members": ["U1", "U2"]}, delay=0.3),
    )
    cache, client = MemberCache(), client_for(fake)
    results: list[ChannelMembers] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.members(client, team, channel)))
        for _ in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert [r.count for r in results] == [2] * 5
    assert len(member_calls_to(fake, channel)) == 1


def test_member_cache_stops_a_cursor_that_never_ends(
    fake: ProgressSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(members, "MAX_PAGES", 4)
    team, channel = slack_id("T"), slack_id("C")
    endless = Scripted(
        body={"ok": True, "members": ["U1"], "response_metadata": {"next_cursor": "again"}}
    )
    fake.script("conversations.members", *[endless] * 4)
    got = MemberCache().members(client_for(fake), team, channel)
    assert got.count == 1
    assert len(member_calls_to(fake, channel)) == 4


def test_member_cache_does_not_cache_failures(fake: ProgressSlack) -> None:
    team, channel = slack_id("T"), slack_id("C")
    fake.members[channel] = ["U1"]
    fake.fail("conversations.members", "not_in_channel")
    cache, client = MemberCache(), client_for(fake)
    failed = cache.members(client, team, channel)
    assert failed.ids is None and failed.count is None
    assert failed.problem == members.WHY["not_in_channel"]
    assert cache.members(client, team, channel).count == 1


def test_member_cache_survives_connection_errors() -> None:
    client = WebClient(
        token="xoxb-test", base_url="http://127.0.0.1:9/api/", timeout=1, retry_handlers=[]
    )
    got = MemberCache().members(client, slack_id("T"), slack_id("C"))
    assert got == ChannelMembers(None, members.UNKNOWN)


# -- the services, on the real databases -------------------------------------------------------


def test_channel_progress_participation(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    seed(sessions, team, channel, NOW)
    with sessions() as s:
        plain = progress.channel_progress(s, team_id=team, channel_id=channel, days=7, now=NOW)
        known = progress.channel_progress(
            s,
            team_id=team,
            channel_id=channel,
            days=7,
            now=NOW,
            members=ChannelMembers(frozenset({"U0A", "U0D", "U0X", "U0Y"})),
        )
        unknown = progress.channel_progress(
            s,
            team_id=team,
            channel_id=channel,
            days=7,
            now=NOW,
            members=ChannelMembers(None, "why not"),
        )
    # A, B and C, and the two people A's kudos named.
    assert (plain.people, plain.members, plain.participants, plain.members_note) == (
        5,
        None,
        None,
        None,
    )
    assert plain.participation is None
    # Only A took part among the members (D's goal is older than 7 days, X posted elsewhere).
    assert (known.people, known.members, known.participants) == (5, 4, 1)
    assert known.participation == 25
    assert known.counts == plain.counts and known.focus == plain.focus
    assert (unknown.members, unknown.participants, unknown.members_note) == (None, None, "why not")


BERLIN = "Europe/Berlin"


def berlin(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=ZoneInfo(BERLIN))  # type: ignore[misc]


@pytest.mark.parametrize(
    ("days", "spans"),
    [
        (7, [(f"2024-06-{d:02d}", f"2024-06-{d:02d}") for d in range(9, 16)]),
        (
            30,
            [
                ("2024-05-17", "2024-05-19"),  # Friday to Sunday: the period starts mid-week
                ("2024-05-20", "2024-05-26"),
                ("2024-05-27", "2024-06-02"),
                ("2024-06-03", "2024-06-09"),
                ("2024-06-10", "2024-06-15"),  # Monday to today, Saturday
            ],
        ),
        (90, [("2024-03-18", "2024-03-24"), *[("", "")] * 11, ("2024-06-10", "2024-06-15")]),
    ],
)
def test_practice_series_bars_are_calendar_days_and_weeks_in_the_team_zone(
    sessions: Sessions, days: int, spans: list[tuple[str, str]]
) -> None:
    team, other, channel = slack_id("T"), slack_id("T"), slack_id("C")
    now = NOW  # Saturday 15 June 2024, 14:00 in Berlin
    window = progress.period(days, now, BERLIN)
    tick = timedelta(microseconds=1)
    with sessions.begin() as s:
        ensure_workspace(s, team)
        ensure_workspace(s, other)
        s.add_all(
            [
                item(team, channel, "kudos", "heart", "U1", window.start),  # first bar
                item(team, channel, "win", "heart", "U2", window.start - tick),  # before
                item(team, channel, "idea", "challenge", "U3", now),  # last bar
                # 23:30 on Thursday in Berlin is 21:30 UTC: Thursday's, whatever the hour now.
                item(team, channel, "goal", "enable", "U4", berlin(2024, 6, 13, 23, 30)),
                item(team, channel, "win", "model", "U5", berlin(2024, 6, 14, 0, 30)),
                item(other, channel, "win", "model", "U6", now),  # another workspace
                item(team, "C0OTHER", "win", "model", "U7", now),  # another channel
            ]
        )
    with sessions() as s:
        series = progress_series.practice_series(
            s, team_id=team, channel_id=channel, days=days, now=now, zone=BERLIN
        )
        report = progress.channel_progress(
            s, team_id=team, channel_id=channel, days=days, now=now, zone=BERLIN
        )
    bars = series.buckets
    assert len(bars) == len(spans)
    for bar, (first, last) in zip(bars, spans, strict=True):
        if first:
            assert (bar.first.isoformat(), bar.last.isoformat()) == (first, last)
    assert bars[0].start == window.start == berlin(*map(int, spans[0][0].split("-")))
    assert bars[-1].end == now and bars[-1].last == date(2024, 6, 15)
    for a, b in itertools.pairwise(bars):
        assert a.end == b.start and a.last + timedelta(days=1) == b.first
        if days > 7:
            assert b.first.weekday() == 0  # weeks run Monday to Sunday
    # The chart shows exactly what the summary counts.
    assert {k: sum(v) for k, v in series.counts.items()} == {
        c.practice: c.current for c in report.counts
    }
    assert series.total == report.total == 4
    assert series.counts["heart"][0] == 1
    assert series.counts["challenge"][-1] == 1
    thursday = next(i for i, bar in enumerate(bars) if bar.first <= date(2024, 6, 13) <= bar.last)
    friday = next(i for i, bar in enumerate(bars) if bar.first <= date(2024, 6, 14) <= bar.last)
    assert series.counts["enable"][thursday] == 1
    assert series.counts["model"][friday] == 1
    if days == 7:
        assert (thursday, friday) == (4, 5)


def test_practice_series_of_an_empty_channel(sessions: Sessions) -> None:
    with sessions() as s:
        series = progress_series.practice_series(
            s, team_id=slack_id("T"), channel_id=slack_id("C"), days=30, now=NOW
        )
    assert series.total == 0
    assert set(series.counts) == set(catalogue.PRACTICE_KEYS)
    assert all(v == (0,) * 5 for v in series.counts.values())


# -- parsing and rendering -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rest", "days", "chart"),
    [
        ("", 7, False),
        ("30d", 30, False),
        ("chart", 7, True),
        ("90d chart", 90, True),
        ("CHART 30D", 30, True),
        ("  chart   7d ", 7, True),
        ("7d 7d", 7, False),
        ("chart 30d chart", 30, True),
    ],
)
def test_parse_progress(rest: str, days: int, chart: bool) -> None:
    assert progress_parsing.parse_progress(rest) == progress_parsing.ProgressRequest(
        days=days, chart=chart
    )


@pytest.mark.parametrize("rest", ["week", "14d", "7d 30d", "chart 7d 90d", "chart x", "-7d"])
def test_parse_progress_errors(rest: str) -> None:
    with pytest.raises(UserError) as info:
        progress_parsing.parse_progress(rest)
    assert "isn't a period I know." in info.value.message
    assert info.value.usage == progress_parsing.PROGRESS_CHART_USAGE


def _report(**fields: Any) -> progress.Progress:
    counts = tuple(
        progress.PracticeCount(k, 2 if k == "heart" else 0, 1) for k in catalogue.PRACTICE_KEYS
    )
    return progress.Progress(days=30, counts=counts, people=3, focus="model", **fields)


def test_render_progress_participation() -> None:
    text = blocks_text(
        check_message(progress_render.progress(_report(members=1234, participants=56)))
    )
    assert "*56 of 1,234 members* of this channel took part (5%)." in text
    assert "people* took part" not in text  # one figure, not two
    plain = blocks_text(check_message(progress_render.progress(_report())))
    assert ":busts_in_silhouette: *3 people* took part." in plain
    assert "No participation figure" not in plain
    noted = check_message(
        progress_render.progress(_report(members_note=members.WHY["not_in_channel"]))
    )
    context = [b for b in noted if "No participation figure" in blocks_text([b])]
    assert len(context) == 1 and context[0]["type"] == "context"
    assert "No participation figure: I'm not a member" in blocks_text(context)


def test_old_callers_still_build_a_progress() -> None:
    """Progress(days, counts, people, focus) still builds: the digest and App Home use it."""
    report = _report()
    assert (report.members, report.participants, report.members_note) == (None, None, None)
    assert report.participation is None


def test_commitments_count_under_model_the_way(sessions: sessionmaker[Session]) -> None:
    """Saying what you'll do and doing it is Model the Way: a commitment counts when it is
    made, and again when it is kept; a dropped one only for its making."""
    team, channel = slack_id("T"), slack_id("C")
    now = datetime.now(UTC)
    with sessions.begin() as session:
        ensure_workspace(session, team)
        for status, answered in (
            ("kept", now - timedelta(days=1)),
            ("kept", now - timedelta(days=9)),
            ("dropped", now - timedelta(days=1)),
            ("open", None),
        ):
            session.add(
                Commitment(
                    team_id=team,
                    channel_id=channel,
                    user_id="UKEEP",
                    text="x",
                    due_on=now.date(),
                    zone="UTC",
                    status=status,
                    answered_at=answered,
                    created_at=now - timedelta(days=10),
                )
            )
    with sessions() as session:
        report = progress.channel_progress(
            session, team_id=team, channel_id=channel, days=7, now=now
        )
    model = next(c for c in report.counts if c.practice == "model")
    # Kept yesterday; all four made 10 days ago and one kept 9 days ago, the week before.
    assert (model.current, model.previous) == (1, 5)
    assert model.parts == (Part("kept", 1),)
    assert set(model.previous_parts) == {Part("commitment", 4), Part("kept", 1)}
    assert report.total == 1 and report.people == 1


def test_items_after_the_end_of_the_period_do_not_count(sessions: sessionmaker[Session]) -> None:
    """A digest posted late counts its own week: what was logged after `now` is left out."""
    team, channel = slack_id("T"), slack_id("C")
    end = datetime.now(UTC) - timedelta(hours=1)
    with sessions.begin() as session:
        ensure_workspace(session, team)
        for at in (end - timedelta(hours=2), end + timedelta(minutes=30)):
            session.add(
                Response(
                    team_id=team,
                    channel_id=channel,
                    user_id=slack_id("U"),
                    kind="win",
                    practice="heart",
                    commitment="recognise",
                    text="x",
                    source="command",
                    created_at=at,
                )
            )
    with sessions() as session:
        report = progress.channel_progress(
            session, team_id=team, channel_id=channel, days=7, now=end
        )
    assert report.total == 1 and report.people == 1
