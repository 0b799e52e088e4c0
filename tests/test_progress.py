"""/nudge progress with participation: channel members from conversations.members (paginated,
cached), the period and `chart` in any order, and the counts over time behind the chart."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlparse

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.errors import UserError
from bot.progress import parsing as progress_parsing
from bot.progress import render as progress_render
from bot.progress import service as progress
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
    pagination (`page_size` per page, whatever `limit` asks), and the three steps of
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


def progress_of(bot: SlackDriver, rest: str) -> str:
    reply, key = bot.command("/nudge", f"progress {rest}".strip())
    assert reply.status == 200 and reply.body == "", reply.body
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "in_channel", message
    return said(message)


def test_progress_shows_participation_of_channel_members(
    bot: SlackDriver, sessions: Sessions
) -> None:
    seed(sessions, bot.team, bot.channel, datetime.now(UTC))
    before = rows(sessions, bot.team)
    # Four pages of two: nudgebot itself and Slackbot are not people taking part.
    fake_of(bot).members[bot.channel] = ["U0A", "U0B", BOT_USER, "U0X", "U0Y", "USLACKBOT", "U0Z"]

    text = progress_of(bot, "")
    # A, B and C took part; C has left the channel, so 2 of its 5 members did.
    assert "*5* logged in all (:arrow_up: from 0) by *3 people*." in text, text
    assert ":busts_in_silhouette: *2 of 5 members* of this channel took part (40%)." in text
    assert "No participation figure" not in text
    calls = member_calls(bot)
    assert [c.params.get("cursor") for c in calls] == [None, "2", "4", "6"]
    assert all(c.params["limit"] == "1000" for c in calls)

    # The members are cached: a second request, for another period, asks Slack nothing.
    text = progress_of(bot, "30d")
    assert "*6* logged in all (:arrow_up: from 0) by *4 people*." in text, text
    assert "*2 of 5 members* of this channel took part (40%)." in text
    assert len(member_calls(bot)) == 4
    assert rows(sessions, bot.team) == before  # reading writes nothing


def test_progress_of_a_quiet_channel_counts_its_members(bot: SlackDriver) -> None:
    fake_of(bot).members[bot.channel] = [bot.user, "U0Q", BOT_USER]
    text = progress_of(bot, "90d")
    assert "Nothing logged here yet" in text
    assert "*0 of 2 members* of this channel took part (0%)." in text


def test_one_member_is_one_member(bot: SlackDriver, sessions: Sessions) -> None:
    fake_of(bot).members[bot.channel] = [bot.user]
    _, key = bot.command("/win", "shipped it #model")
    bot.slack.wait_response(key)
    text = progress_of(bot, "7d")
    assert "*1* logged in all (:arrow_up: from 0) by *1 person*." in text
    assert "*1 of 1 member* of this channel took part (100%)." in text


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
    assert "*5* logged in all (:arrow_up: from 0) by *3 people*." in text
    assert "took part (" not in text
    assert ":information_source: No participation figure: " in text, text
    assert why in text, text
    assert APOLOGY not in text

    # A failure is not cached: once the bot is invited, the next request shows participation.
    text = progress_of(bot, "7d")
    assert "*2 of 2 members* of this channel took part (100%)." in text
    assert len(member_calls(bot)) == 2


def test_progress_when_slack_lists_nobody(bot: SlackDriver) -> None:
    text = progress_of(bot, "")  # the fake knows no members for this channel
    assert "No participation figure: Slack didn't tell me who is in this channel" in text


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
    assert (plain.people, plain.members, plain.participants, plain.members_note) == (
        3,
        None,
        None,
        None,
    )
    assert plain.participation is None
    # Only A took part among the members (D's goal is older than 7 days, X posted elsewhere).
    assert (known.people, known.members, known.participants) == (3, 4, 1)
    assert known.participation == 25
    assert known.counts == plain.counts and known.focus == plain.focus
    assert (unknown.members, unknown.participants, unknown.members_note) == (None, None, "why not")


@pytest.mark.parametrize(
    ("days", "bucket_days", "first_bucket_days", "n"),
    [(7, 1, 1, 7), (30, 7, 2, 5), (90, 7, 6, 13)],
)
def test_practice_series_buckets_partition_the_period(
    sessions: Sessions, days: int, bucket_days: int, first_bucket_days: int, n: int
) -> None:
    team, other, channel = slack_id("T"), slack_id("T"), slack_id("C")
    start = NOW - timedelta(days=days)
    tick = timedelta(microseconds=1)
    with sessions.begin() as s:
        ensure_workspace(s, team)
        ensure_workspace(s, other)
        s.add_all(
            [
                item(team, channel, "kudos", "heart", "U1", start),  # first bucket, inclusive
                item(team, channel, "win", "heart", "U2", start - tick),  # before the period
                item(team, channel, "idea", "challenge", "U3", NOW),  # last bucket
                item(team, channel, "goal", "enable", "U4", NOW - timedelta(days=1) + tick),
                item(team, channel, "fear", "vision", None, NOW - timedelta(days=bucket_days)),
                item(team, channel, "win", "model", "U5", start + timedelta(days=days / 2)),
                item(other, channel, "win", "model", "U6", NOW),  # another workspace
                item(team, "C0OTHER", "win", "model", "U7", NOW),  # another channel
            ]
        )
    with sessions() as s:
        series = progress.practice_series(s, team_id=team, channel_id=channel, days=days, now=NOW)
        report = progress.channel_progress(s, team_id=team, channel_id=channel, days=days, now=NOW)
    assert (series.days, series.bucket_days, len(series.buckets)) == (days, bucket_days, n)
    assert series.buckets[0].start == start and series.buckets[-1].end == NOW
    for a, b in itertools.pairwise(series.buckets):
        assert a.end == b.start
        assert b.end - b.start == timedelta(days=bucket_days)
    first = series.buckets[0]
    assert first.end - first.start == timedelta(days=first_bucket_days)
    # The chart shows exactly the items the summary counts.
    assert {k: sum(v) for k, v in series.counts.items()} == {
        c.practice: c.current for c in report.counts
    }
    assert series.total == report.total == 5
    assert series.counts["heart"][0] == 1
    assert series.counts["challenge"][-1] == 1 and series.counts["enable"][-1] == 1
    assert series.counts["vision"][-2] == 1  # exactly one bucket back from now
    assert sum(series.counts["model"]) == 1


def test_practice_series_of_an_empty_channel(sessions: Sessions) -> None:
    with sessions() as s:
        series = progress.practice_series(
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
    plain = blocks_text(check_message(progress_render.progress(_report())))
    assert "took part" not in plain and "No participation figure" not in plain
    noted = check_message(
        progress_render.progress(_report(members_note=members.WHY["not_in_channel"]))
    )
    context = [b for b in noted if b["type"] == "context"]
    assert len(context) == 1
    assert "No participation figure: I'm not a member" in blocks_text(context)


def test_old_callers_still_build_a_progress() -> None:
    """Progress(days, counts, people, focus) still builds: the digest and App Home use it."""
    report = _report()
    assert (report.members, report.participants, report.members_note) == (None, None, None)
    assert report.participation is None


def test_kept_commitments_count_under_model_the_way(sessions: sessionmaker[Session]) -> None:
    """Doing what you said is Model the Way: a kept commitment counts when it was kept; an
    open or dropped one does not."""
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
    assert (model.current, model.previous) == (1, 1)
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
