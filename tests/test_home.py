"""App Home over HTTP: app_home_opened publishes the person's own page with views.publish."""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from models.queries import ensure_workspace
from models.tables import (
    Commitment,
    Recognition,
    RecognitionRecipient,
    Response,
    Schedule,
    Statement,
)
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.fake_slack import FakeSlack, Scripted


class AccountSlack(FakeSlack):
    """The fake Slack plus the Web API methods of App Home, export and forget-me:
    users.conversations (two channels a page, to exercise pagination), conversations.open,
    files.getUploadURLExternal, the upload URL itself and files.completeUploadExternal."""

    PAGE = 2

    def __init__(self) -> None:
        super().__init__()
        self.memberships: dict[str, list[str]] = {}
        self.uploads: dict[str, bytes] = {}
        self._files = itertools.count(1)

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        if request.path.startswith("/upload/"):
            length = int(request.headers.get("Content-Length") or 0)
            raw = request.rfile.read(length)
            with self._lock:
                self.uploads[request.path.removeprefix("/upload/")] = raw
                self._lock.notify_all()
            self._reply(request, Scripted(body=None))
            return
        super()._handle(request)

    def _default(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "users.conversations":
            channels = self.memberships.get(str(params.get("user")), [])
            start = int(params.get("cursor") or 0)
            end = start + self.PAGE
            return {
                "ok": True,
                "channels": [{"id": c, "name": c.lower()} for c in channels[start:end]],
                "response_metadata": {"next_cursor": str(end) if end < len(channels) else ""},
            }
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{params.get('users')}"}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._files):06d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.base}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = json.loads(params.get("files") or "[]")
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        return super()._default(method, params)


def account(bot: SlackDriver) -> AccountSlack:
    """The driver's fake Slack, typed as the AccountSlack it is in these tests."""
    assert isinstance(bot.slack, AccountSlack)
    return bot.slack


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    return AccountSlack


def open_home(bot: SlackDriver, user: str | None = None, tab: str = "home") -> int:
    """Send app_home_opened as Slack does; returns the HTTP status."""
    body = {
        "token": "unused",
        "team_id": bot.team,
        "api_app_id": "A0NUDGE",
        "type": "event_callback",
        "event_id": slack_id("Ev"),
        "event_time": 1700000000,
        "event": {
            "type": "app_home_opened",
            "user": user or bot.user,
            "channel": slack_id("D"),
            "tab": tab,
            "event_ts": "1700000000.000100",
        },
    }
    return bot.post(json.dumps(body).encode(), content_type="application/json").status


def publishes(bot: SlackDriver, user: str | None = None) -> list[dict[str, Any]]:
    """The views published for the person, oldest first."""
    user = user or bot.user
    return [
        c.params["view"]
        for c in bot.slack.calls_to("views.publish")
        if c.params.get("user_id") == user
    ]


def home(bot: SlackDriver, user: str | None = None) -> dict[str, Any]:
    """Open the Home tab and wait for the page it publishes."""
    before = len(publishes(bot, user))
    assert open_home(bot, user) == 200
    return bot.slack.wait_for(lambda: len(publishes(bot, user)) > before and publishes(bot, user))[
        -1
    ]


def listings(bot: SlackDriver, user: str | None = None) -> list[dict[str, Any]]:
    user = user or bot.user
    return [c.params for c in bot.slack.calls_to("users.conversations") if c.params["user"] == user]


def kudos(
    team: str,
    giver: str | None,
    to: list[str | None],
    reason: str,
    at: datetime,
    practice: str = "heart",
    channel: str = "CGENERAL",
) -> Recognition:
    return Recognition(
        team_id=team,
        channel_id=channel,
        giver_id=giver,
        reason=reason,
        practice=practice,
        commitment=catalogue.practice(practice).tag_commitment,
        created_at=at,
        recipients=[RecognitionRecipient(team_id=team, user_id=u) for u in to],
    )


def answer(
    team: str, user: str | None, kind: str, text: str, at: datetime, channel: str = "CGENERAL"
) -> Response:
    practice, commitment = catalogue.KIND_HOME[kind]
    return Response(
        team_id=team,
        channel_id=channel,
        user_id=user,
        kind=kind,
        practice=practice,
        commitment=commitment,
        text=text,
        source="command",
        created_at=at,
    )


def commitment(
    team: str, user: str, text: str, due: date, at: datetime, status: str = "open"
) -> Commitment:
    return Commitment(
        team_id=team,
        channel_id="CGENERAL",
        user_id=user,
        text=text,
        due_on=due,
        zone="UTC",
        status=status,
        created_at=at,
    )


def schedule(
    team: str, channel: str, practice: str, cron: str, kind: str = "prompt", **flags: Any
) -> Schedule:
    return Schedule(
        team_id=team,
        channel_id=channel,
        kind=kind,
        practice=practice,
        cron=cron,
        zone="Europe/Berlin",
        created_by="UMAKER",
        **flags,
    )


def seed(sessions: sessionmaker[Session], team: str, rows: list[Any]) -> None:
    with sessions.begin() as s:
        ensure_workspace(s, team)
        s.add_all(rows)


def texts(view: dict[str, Any]) -> str:
    return blocks_text(view["blocks"])


def test_a_first_visit_gets_a_warm_welcome_with_three_commands(bot: SlackDriver) -> None:
    account(bot).memberships[bot.user] = []
    assert open_home(bot, tab="messages") == 200  # the Messages tab is not our page
    view = home(bot)
    assert view["type"] == "home"
    text = texts(view)
    assert "Welcome to nudgebot" in text and f"Hello <@{bot.user}>, this page is yours" in text
    assert "There's nothing of yours here yet, so here are three easy ways to start:" in text
    for start in ("`/kudos @someone for ", "`/win ", "`/nudge commit "):
        assert start in text
    assert "/nudge now" not in text  # a step of their own, not a prompt for a channel
    assert "Your practices this month" not in text and "Recognition" not in text
    assert ":seedling: Nothing published yet. Admins and the team's leaders can publish one" in text
    assert "No prompts or digests scheduled in your channels yet" in text
    assert len(publishes(bot)) == 1  # the Messages tab published nothing


def test_the_page_shows_recognition_practices_commitments_vision_and_schedules(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    me, ana, ben = bot.user, slack_id("U"), slack_id("U")
    other_team = slack_id("T")
    now = datetime.now(UTC)
    old = now - timedelta(days=40)  # last month, whatever today is
    mine, theirs, elsewhere = slack_id("C"), slack_id("C"), slack_id("C")
    account(bot).memberships[me] = [slack_id("C"), mine, slack_id("C"), elsewhere, slack_id("C")]
    today = now.date()
    seed(
        sessions,
        bot.team,
        [
            kudos(bot.team, me, [ana], "for the demo", now - timedelta(minutes=5), "challenge"),
            kudos(bot.team, me, [ana, ben], "for on-call", now - timedelta(minutes=4)),
            kudos(bot.team, me, [ben], "an old one", old),
            kudos(
                bot.team, ana, [me], "for pairing with the new folks", now - timedelta(minutes=3)
            ),
            kudos(bot.team, None, [me, ben], "for the *launch* notes", now - timedelta(minutes=2)),
            kudos(bot.team, ben, [me], "for last month's fix", old),
            kudos(bot.team, ana, [ben], "not about me", now),
            answer(bot.team, me, "win", "shipped it", now - timedelta(minutes=1)),
            answer(bot.team, me, "idea", "try mob reviews", now - timedelta(minutes=1)),
            answer(bot.team, me, "idea", "and pairing", now - timedelta(minutes=1)),
            answer(bot.team, me, "hope", "an older hope", old),
            answer(bot.team, None, "fear", "an anonymous worry", now),
            answer(bot.team, ana, "win", "ana's win", now),
            commitment(bot.team, me, "write the onboarding guide", today + timedelta(days=9), now),
            commitment(bot.team, me, "share the roadmap", today - timedelta(days=2), now),
            commitment(bot.team, me, "kept already", today, now, status="kept"),
            commitment(bot.team, ana, "ana's promise", today, now),
            Statement(
                team_id=bot.team,
                kind="vision",
                text="We ship calmly",
                author_id=ana,
                created_at=old,
            ),
            schedule(bot.team, mine, "heart", "0 9 * * mon"),
            schedule(bot.team, mine, "digest", "0 16 * * fri", kind="digest"),
            schedule(bot.team, elsewhere, "rotate", "30 9 * * mon-fri", paused=True),
            schedule(bot.team, mine, "model", "0 8 * * *", deleted=True),
            schedule(bot.team, theirs, "vision", "0 10 * * *"),
        ],
    )
    # The same person and channel in another workspace: none of it is theirs here.
    seed(
        sessions,
        other_team,
        [
            kudos(other_team, me, [ana], "other workspace", now),
            kudos(other_team, ana, [me], "other workspace", now),
            answer(other_team, me, "win", "other workspace", now),
            commitment(other_team, me, "other workspace", today, now),
            schedule(other_team, mine, "enable", "0 11 * * *"),
        ],
    )

    view = home(bot)
    text = texts(view)
    assert "Your leadership practice" in text and "Welcome" not in text
    assert (
        "You gave *2 kudos* this month, 3 in all.\nYou received *2* this month, 3 in all." in text
    )
    latest = text.index("Latest kudos for you")
    assert text.index("From someone on", latest) < text.index(f"From <@{ana}> on", latest)
    assert text.index(f"From <@{ana}> on", latest) < text.index(f"From <@{ben}> on", latest)
    assert "> for the *launch* notes" in text and "not about me" not in text
    assert "other workspace" not in text

    lines = {
        "challenge": "1 kudos given, 2 ideas",
        "heart": "1 kudos given, 1 win",
        "model": "3 commitments made",
        "vision": "nothing this month",  # the hope was last month; the worry has no name
        "enable": "nothing this month",
    }
    for key, what in lines.items():
        practice = catalogue.practice(key)
        assert f"{practice.emoji} *{practice.name}*: {what}\n" in text + "\n", text
    # Enable Others to Act and Inspire a Shared Vision are tied at nothing this month; the
    # person never did anything for Enable Others to Act, so that is the suggestion.
    assert (
        ":point_right: *Next, a little Enable Others to Act*: share something you learned: " in text
    )
    assert "`/nudge learning " in text and "/nudge now" not in text

    roadmap = text.index("share the roadmap")
    assert "*(overdue)*" in text[roadmap : text.index("\n", roadmap)]
    assert roadmap < text.index("write the onboarding guide")
    assert "kept already" not in text and "ana's promise" not in text

    assert "> We ship calmly" in text and f"Version 1, published by <@{ana}>" in text
    assert "No guidelines" not in text
    assert "Nothing published yet. Admins and the team's leaders can set" in text

    assert "Schedules in your channels" in text
    assert f"<#{mine}>: Encourage the Heart prompts, every Monday at 09:00 (Europe/Berlin)" in text
    assert f"<#{mine}>: the weekly recognition digest, every Friday at 16:00" in text
    assert f"<#{elsewhere}>: prompts on rotating practices, weekdays at 09:30" in text
    assert "· paused" in text
    assert f"<#{theirs}>" not in text and "every day at 08:00" not in text
    assert "every day at 11:00" not in text

    calls = listings(bot)
    assert len(calls) == 3  # five channels, two a page
    assert all(c["types"] == "public_channel,private_channel" for c in calls)
    assert [c.get("cursor") for c in calls] == [None, "2", "4"]


def test_channels_are_cached_and_a_failed_listing_only_hides_the_schedules(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    channel = slack_id("C")
    account(bot).memberships[bot.user] = [channel]
    seed(sessions, bot.team, [schedule(bot.team, channel, "heart", "0 9 * * mon")])
    first = texts(home(bot))
    assert f"<#{channel}>: Encourage the Heart prompts" in first
    second = texts(home(bot))
    assert f"<#{channel}>: Encourage the Heart prompts" in second
    assert len(listings(bot)) == 1  # the second visit used the cache

    someone = slack_id("U")
    account(bot).memberships[someone] = [channel]
    bot.slack.fail("users.conversations", "missing_scope")
    text = texts(home(bot, someone))
    assert "Schedules in your channels" not in text and f"<#{channel}>" not in text
    assert "Welcome to nudgebot" in text and "Our vision" in text
    # A failure isn't cached: the next visit asks Slack again and shows the section.
    assert f"<#{channel}>: Encourage the Heart prompts" in texts(home(bot, someone))
    assert len(listings(bot, someone)) == 2


def test_a_full_page_stays_within_slack_limits_and_counts_what_is_left_out(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    now = datetime.now(UTC)
    channels = [slack_id("C") for _ in range(12)]
    account(bot).memberships[bot.user] = channels
    long = "word " * 800
    rows: list[Any] = [
        commitment(bot.team, bot.user, f"promise {i} {long}", now.date() + timedelta(days=i), now)
        for i in range(14)
    ]
    rows += [
        schedule(bot.team, c, practice, f"{minute} 9 * * *")
        for c in channels
        for practice, minute in (("heart", 0), ("model", 15), ("enable", 30), ("vision", 45))
    ]
    rows += [kudos(bot.team, slack_id("U"), [bot.user], f"{i} {long}", now) for i in range(7)]
    rows += [
        Statement(team_id=bot.team, kind=k, text=long * 2, author_id=None, created_at=now)
        for k in ("vision", "guidelines")
    ]
    seed(sessions, bot.team, rows)

    view = home(bot)
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    for block in view["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    text = texts(view)
    assert "…and 4 more open commitments." in text
    assert "…and 18 more schedules. `/nudge schedule list` in a channel shows its own." in text
    assert "You received *7* this month, 7 in all." in text
    assert text.count("• From <@") == 5  # the latest five
    assert "Version 1, published on" in text  # no author: nobody named


# -- what the person did, counted as they did it ------------------------------------------------


def test_a_lead_sees_what_they_published_and_the_commitments_they_made_and_kept(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    """Issue 9: a lead who published the vision and guidelines saw "nothing yet", and a kept
    commitment appeared nowhere."""
    me = bot.user
    now = datetime.now(UTC)
    account(bot).memberships[me] = []
    kept = commitment(bot.team, me, "share the roadmap", now.date(), now - timedelta(minutes=9))
    kept.status, kept.answered_at = "kept", now - timedelta(minutes=1)
    seed(
        sessions,
        bot.team,
        [
            Statement(team_id=bot.team, kind="vision", text="Calm", author_id=me, created_at=now),
            Statement(
                team_id=bot.team, kind="guidelines", text="Ask", author_id=me, created_at=now
            ),
            commitment(bot.team, me, "write the guide", now.date() + timedelta(days=3), now),
            kept,
        ],
    )
    text = texts(home(bot))
    assert "Welcome" not in text and "Your leadership practice" in text
    assert ":telescope: *Inspire a Shared Vision*: vision published, guidelines published" in text
    assert ":compass: *Model the Way*: 2 commitments made, 1 kept" in text
    assert ":white_check_mark: *Kept*: 1 commitment this month, 1 in all." in text
    assert "• share the roadmap · kept " in text
    assert "*Open*\n• write the guide · due " in text
    assert "/nudge now" not in text


def test_publishing_alone_is_not_a_first_visit(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    account(bot).memberships[bot.user] = []
    now = datetime.now(UTC)
    seed(
        sessions,
        bot.team,
        [
            Statement(
                team_id=bot.team, kind="vision", text="Calm", author_id=bot.user, created_at=now
            )
        ],
    )
    text = texts(home(bot))
    assert "Welcome to nudgebot" not in text
    assert "*Inspire a Shared Vision*: vision published" in text
    assert "You haven't given kudos yet.\nYou haven't received kudos yet." in text


def test_dates_and_the_next_step_on_a_fixed_day(sessions: sessionmaker[Session]) -> None:
    """One date style (`Fri 27 Nov`, the year only when it isn't this year), in the team's
    zone; and a next step of the person's own: here, keeping the commitment they made."""
    from bot.home import render as home_render
    from bot.home import service as home_service

    team, me, ana = slack_id("T"), slack_id("U"), slack_id("U")
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    friday = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # Saturday 00:30 in Berlin
    seed(
        sessions,
        team,
        [
            kudos(
                team,
                ana,
                [me],
                "for the pilot",
                datetime(2026, 11, 27, 16, 30, tzinfo=UTC),
                "challenge",
            ),
            kudos(team, ana, [me], "for the help", friday),
            kudos(team, me, [ana], "for the review", now),
            answer(team, me, "hope", "calm weeks", now),
            answer(team, me, "idea", "pair more", now),
            answer(team, me, "goal", "ship v2", now),
            commitment(
                team, me, "write the guide", date(2026, 12, 4), datetime(2026, 11, 20, tzinfo=UTC)
            ),
            Statement(
                team_id=team,
                kind="vision",
                text="Calm",
                author_id=ana,
                created_at=datetime(2025, 11, 30, 12, tzinfo=UTC),
            ),
        ],
    )
    with sessions() as s:
        page = home_service.gather(
            s, team_id=team, user_id=me, now=now, zone="Europe/Berlin", channels=None
        )
    assert page.focus == "model"
    text = blocks_text(home_render.home_view(page)["blocks"])
    assert f"• From <@{ana}> on Sat 28 Nov\n> for the help" in text
    assert f"• From <@{ana}> on Fri 27 Nov · Challenge the Process\n> for the pilot" in text
    assert "Your practices this month\n1–2 Dec\n" in text
    assert ":compass: *Model the Way*: nothing this month" in text
    assert (
        ":point_right: *Next, a little Model the Way*: keep your word on _write the guide_, "
        "due Fri 4 Dec."
    ) in text
    assert "• write the guide · due Fri 4 Dec · <#CGENERAL>" in text
    assert f"_Version 1, published by <@{ana}> on Sun 30 Nov 2025_" in text
    readable = re.sub(r"<!date\^[^>]*>", "", text)  # Slack shows each reader's own time
    for old in ("2026-", " 2026", "December", "(3 in all)"):
        assert old not in readable, old
