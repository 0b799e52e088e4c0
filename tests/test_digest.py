"""The weekly digest: /nudge digest on|off, the private preview (`now`) and its Share to
channel button, Slack's limits on a big week, and the scheduled post (once per channel and
week; after an early share, only what is new since, or nothing). What a digest says is in
tests/test_digest_content.py."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.digest import service as digest
from bot.digest.parsing import parse_digest_when
from bot.prompts import responses
from bot.recognition import service as recognition
from bot.settings import Settings
from bot.sharing import SHARE_ACTION, Shared
from bot.slack.client import make_client
from models.queries import ensure_workspace
from models.tables import Commitment, Milestone, Occurrence, Recognition, Schedule
from models.tables import RecognitionRecipient as Recipient
from schedules.jobs import JobContext, post_occurrence
from tests.conftest import AppServers
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.fake_slack import FakeSlack
from tests.helpers import assert_private_reply

Sessions = sessionmaker[Session]


@pytest.fixture
def fake(servers: AppServers) -> FakeSlack:
    """The module's fake Slack, for the scheduled digest (which needs no app)."""
    servers.fake.reset()
    return servers.fake


def said(message: dict[str, Any]) -> str:
    blocks = message.get("blocks", [])
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return message.get("text", "") + "\n" + blocks_text(blocks)


def digest_rows(sessions: Sessions, team: str) -> list[tuple[Any, ...]]:
    with sessions() as s:
        rows = s.scalars(select(Schedule).where(Schedule.team_id == team).order_by(Schedule.id))
        return [
            (r.id, r.kind, r.practice, r.cron, r.zone, r.created_by, r.paused, r.deleted)
            for r in rows
        ]


def kudos(
    sessions: Sessions,
    team: str,
    channel: str,
    giver: str,
    recipients: tuple[str, ...],
    reason: str,
    at: datetime,
    practice: str | None = None,
) -> None:
    with sessions.begin() as s:
        recognition.give_kudos(
            s,
            team_id=team,
            channel_id=channel,
            giver_id=giver,
            recipients=recipients,
            reason=reason,
            practice=practice,
            now=at,
            daily_cap=None,
            zone="UTC",
        )


def log(
    sessions: Sessions,
    team: str,
    channel: str,
    user: str | None,
    kind: str,
    text: str,
    at: datetime,
) -> None:
    with sessions.begin() as s:
        responses.log_response(
            s,
            team_id=team,
            channel_id=channel,
            user_id=user,
            kind=kind,
            text=text,
            source="command",
            now=at,
        )


def commitment(
    sessions: Sessions,
    team: str,
    channel: str,
    user: str,
    text: str,
    due_on: date,
    status: str = "open",
    answered_at: datetime | None = None,
) -> None:
    with sessions.begin() as s:
        ensure_workspace(s, team)
        s.add(
            Commitment(
                team_id=team,
                channel_id=channel,
                user_id=user,
                text=text,
                due_on=due_on,
                zone="UTC",
                status=status,
                answered_at=answered_at,
            )
        )


def run_digest(bot: SlackDriver, user: str | None = None) -> dict[str, Any]:
    """`/nudge digest now`: the preview, for the asker's eyes only."""
    reply, key = bot.command("/nudge", "digest now", user=user)
    assert reply.status == 200 and reply.body == "", reply.body
    preview = bot.slack.wait_response(key)
    assert preview["response_type"] == "ephemeral"
    return preview


def share_value(preview: dict[str, Any]) -> str | None:
    """The Share to channel button's value under a preview, if it has one."""
    for block in preview["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element.get("action_id") == SHARE_ACTION:
                return str(element["value"])
    return None


def click_share(bot: SlackDriver, value: str, user: str | None = None) -> dict[str, Any]:
    """Click Share to channel; the reply it gets through the preview's response_url."""
    key = slack_id("R")
    reply = bot.interaction(
        {
            "type": "block_actions",
            "team": {"id": bot.team},
            "user": {"id": user or bot.user, "team_id": bot.team},
            "channel": {"id": bot.channel},
            "response_url": bot.slack.response_url(key),
            "actions": [{"action_id": SHARE_ACTION, "value": value, "type": "button"}],
        }
    )
    assert reply.status == 200
    return bot.slack.wait_response(key)


def posts_in(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [
        c.params for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == channel
    ]


def check_limits(blocks: list[dict[str, Any]]) -> None:
    """What Slack would enforce: ≤ 50 blocks, sections ≤ 3,000 characters (slack_sdk's own
    validation raises on a violation)."""
    assert 0 < len(blocks) <= 50
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None
        block.to_dict()  # validates
        if raw["type"] == "section":
            assert len(raw["text"]["text"]) <= 3000


# -- /nudge digest on | off | (status) -------------------------------------------------------


def test_on_replace_status_and_off(make_bot, sessions: Sessions) -> None:
    bot = make_bot(timezone="America/New_York")
    reply, key = bot.command("/nudge", "digest")
    assert_private_reply(bot, reply, key, "no weekly digest yet")

    _, key = bot.command("/nudge", "digest on Friday 16:00")
    posted = bot.slack.wait_response(key)
    assert posted["response_type"] == "in_channel"
    assert "every Friday at 16:00 (America/New_York)" in said(posted)
    [(digest_id, *row)] = digest_rows(sessions, bot.team)
    assert row == ["digest", "digest", "0 16 * * fri", "America/New_York", bot.user, False, False]

    # Another member changes the time: the same one digest, now theirs.
    other = slack_id("U")
    _, key = bot.command("/nudge", "digest on mon 09:30 tz Europe/Berlin", user=other)
    assert "every Monday at 09:30 (Europe/Berlin)" in said(bot.slack.wait_response(key))
    assert digest_rows(sessions, bot.team) == [
        (digest_id, "digest", "digest", "30 9 * * mon", "Europe/Berlin", other, False, False)
    ]
    status, key = bot.command("/nudge", "digest")
    assert_private_reply(bot, status, key, "every Monday at 09:30 (Europe/Berlin)", "next one")

    # The digest is not a prompt schedule: it doesn't show in the schedule list.
    listing, key = bot.command("/nudge", "schedule list")
    assert_private_reply(bot, listing, key, "No schedules")

    _, key = bot.command("/nudge", "digest off")
    assert "turned off" in said(bot.slack.wait_response(key))
    assert digest_rows(sessions, bot.team)[0][-1] is True
    status, key = bot.command("/nudge", "digest")
    assert_private_reply(bot, status, key, "no weekly digest yet")


def test_turning_on_resumes_a_paused_digest(bot: SlackDriver, sessions: Sessions) -> None:
    _, key = bot.command("/nudge", "digest on fri 16:00")
    bot.slack.wait_response(key)
    with sessions.begin() as s:
        row = s.scalars(select(Schedule).where(Schedule.team_id == bot.team)).one()
        row.paused, row.paused_reason = True, "not_in_channel"
    status, key = bot.command("/nudge", "digest")
    assert_private_reply(bot, status, key, "paused: I was removed from this channel")
    _, key = bot.command("/nudge", "digest on fri 16:00")
    bot.slack.wait_response(key)
    [(*_, paused, deleted)] = digest_rows(sessions, bot.team)
    assert (paused, deleted) == (False, False)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("on", "When should the digest come"),
        ("on mon", "When should the digest come"),
        ("on funday 9", "isn't a day"),
        ("on funday 09:00", "isn't a day"),
        ("on mon 9", "isn't a time of day"),
        ("on mon 25:00", "isn't a time of day"),
        ("on mon 09:00 10:00", "When should the digest come"),
        ("on daily 09:00", "isn't a day"),
        ('on mon "09:00"', "without quotes"),
        ("on mon 09:00\\", "without quotes"),
        ("on mon 09:00 tz Mars/Olympus", "time zone"),
        ("on mon 09:00 tz CET", "full zone name"),
        ("now please", "needs nothing after it"),
        ("off now", "needs nothing after it"),
        ("weekly", "doesn't have"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(
    bot: SlackDriver, sessions: Sessions, text: str, words: str
) -> None:
    assert digest_rows(sessions, bot.team) == []
    reply, _ = bot.command("/nudge", f"digest {text}")
    assert reply.status == 200
    assert reply.json["response_type"] == "ephemeral"
    assert words in reply.text, reply.text
    assert "/nudge digest on &lt;mon..sun&gt; HH:MM" in reply.text  # shown as written
    assert digest_rows(sessions, bot.team) == []


def test_off_without_a_digest_is_explained(bot: SlackDriver, sessions: Sessions) -> None:
    bot.command("/nudge", "schedule add heart daily 09:00")
    bot.slack.wait_for(lambda: digest_rows(sessions, bot.team))
    before = digest_rows(sessions, bot.team)
    reply, key = bot.command("/nudge", "digest off")
    assert reply.body == ""
    answer = bot.slack.wait_response(key)
    assert answer["response_type"] == "ephemeral" and "no weekly digest to turn off" in said(answer)
    assert digest_rows(sessions, bot.team) == before  # the prompt schedule is untouched


def yesterday() -> datetime:
    """A moment inside the week a digest made now covers (the days before today)."""
    return datetime.now(UTC) - timedelta(days=1)


def pending_milestones(sessions: Sessions, team: str) -> list[str]:
    with sessions() as s:
        return list(
            s.scalars(
                select(Milestone.key).where(
                    Milestone.team_id == team, Milestone.celebrated_at.is_(None)
                )
            )
        )


# -- /nudge digest now: a preview, then Share to channel ------------------------------------


def test_digest_now_is_a_preview_only_the_asker_sees(bot: SlackDriver, sessions: Sessions) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    ana, ben = slack_id("U"), slack_id("U")
    kudos(sessions, bot.team, bot.channel, ben, (ana,), "covered the on-call weekend", yesterday())

    preview = run_digest(bot)
    text = said(preview)
    check_limits(preview["blocks"])
    assert preview["blocks"][0]["type"] == "context" and "only you can see" in text
    assert preview["blocks"][1]["type"] == "header"
    assert f"<@{ben}> → <@{ana}>: covered the on-call weekend" in text
    assert f"*First recognition* for <@{ana}>" in text
    assert share_value(preview) is not None and "Share to channel" in text
    # Nothing reached the channel, and the milestone waits for a digest people see.
    assert posts_in(bot.slack, bot.channel) == []
    assert pending_milestones(sessions, bot.team) == [ana]

    # A member sees the same preview, without the button.
    member = slack_id("U")
    preview = run_digest(bot, user=member)
    assert share_value(preview) is None
    assert "Admins and the team's leaders can share it to the channel." in said(preview)


def test_sharing_posts_the_week_once_and_celebrates_it(
    bot: SlackDriver, sessions: Sessions
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    _, key = bot.command("/nudge", "digest on fri 16:00")
    bot.slack.wait_response(key)
    ana = slack_id("U")
    kudos(sessions, bot.team, bot.channel, slack_id("U"), (ana,), "the calm release", yesterday())

    preview = run_digest(bot)
    assert "the scheduled digest (every Friday at 16:00) brings only what's new since" in said(
        preview
    )
    value = share_value(preview)
    assert value is not None
    posted = click_share(bot, value)
    assert posted["response_type"] == "in_channel"
    text = said(posted)
    check_limits(posted["blocks"])
    assert "the calm release" in text and f"*First recognition* for <@{ana}>" in text
    assert f"Shared by <@{bot.user}>" in text and "only you can see" not in text
    assert not any(b["type"] == "actions" for b in posted["blocks"])
    bot.slack.wait_for(lambda: pending_milestones(sessions, bot.team) == [])
    with sessions() as s:
        row = s.scalars(select(Schedule).where(Schedule.team_id == bot.team)).one()
    assert row.covered_until == digest.window(datetime.now(UTC), "UTC")[1]

    # A second click (or a second preview's button) shares nothing twice.
    again = click_share(bot, value)
    assert again["response_type"] == "ephemeral"
    assert "This week's digest is in the channel already" in said(again)
    preview = run_digest(bot)
    assert share_value(preview) is None
    assert "This week's digest is in the channel already." in said(preview)


def test_only_admins_and_leaders_can_share(bot: SlackDriver, sessions: Sessions) -> None:
    kudos(sessions, bot.team, bot.channel, slack_id("U"), (slack_id("U"),), "kind", yesterday())
    today = datetime.now(UTC).date().isoformat()
    answer = click_share(bot, Shared("digest", {"day": today}).value())
    assert answer["response_type"] == "ephemeral"
    assert "Only admins and the team's leaders can share the digest" in said(answer)
    assert "NUDGEBOT_LEADERS" not in said(answer)


def test_a_preview_from_another_day_is_not_shared(bot: SlackDriver) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    answer = click_share(bot, Shared("digest", {"day": "2020-01-06"}).value())
    assert answer["response_type"] == "ephemeral"
    assert "That preview is from another day. `/nudge digest now`" in said(answer)


def test_quiet_week_gets_a_warm_nudge(bot: SlackDriver, sessions: Sessions) -> None:
    old = datetime.now(UTC) - timedelta(days=20)
    kudos(sessions, bot.team, bot.channel, slack_id("U"), (slack_id("U"),), "long ago", old)
    preview = run_digest(bot)
    text = said(preview)
    assert "A quiet week here" in text and "/kudos @someone for [what they did]" in text
    assert "No vision yet" in text and "/vision set" in text
    assert "Next week, try a little" in text
    assert "Kudos*" not in text and "long ago" not in text
    assert len(preview["blocks"]) <= 8


def test_other_workspaces_never_show_up(bot: SlackDriver, sessions: Sessions) -> None:
    other_team = slack_id("T")
    hero = slack_id("U")
    kudos(sessions, other_team, bot.channel, slack_id("U"), (hero,), "SECRET KUDOS", yesterday())
    log(sessions, other_team, bot.channel, hero, "win", "SECRET WIN", yesterday())
    text = said(run_digest(bot))
    assert "SECRET" not in text and hero not in text and "A quiet week here" in text


def test_a_huge_week_stays_inside_slack_limits_and_counts_the_rest(
    bot: SlackDriver, sessions: Sessions
) -> None:
    end = datetime.now(UTC)
    people = [slack_id("U") for _ in range(25)]
    reason = "went far beyond what anyone asked, " * 40  # ~1,400 characters
    at = end - timedelta(days=2)
    with sessions.begin() as s:
        ensure_workspace(s, bot.team)
        for i in range(400):
            s.add(
                Recognition(
                    team_id=bot.team,
                    channel_id=bot.channel,
                    giver_id=people[(i + 1) % 25] if i % 7 else None,
                    reason=f"#{i} {reason}",
                    practice="heart",
                    commitment="recognise",
                    created_at=at + timedelta(seconds=i),
                    recipients=[
                        Recipient(team_id=bot.team, user_id=p) for p in people[: 8 - i % 8]
                    ],
                )
            )
    for i in range(120):
        log(sessions, bot.team, bot.channel, people[i % 25], "win", f"win {i} {reason}", at)
        log(sessions, bot.team, bot.channel, None, "fear", f"fear {i} {reason}", at)
        log(sessions, bot.team, bot.channel, people[i % 25], "hope", f"hope {i} {reason}", at)
        log(sessions, bot.team, bot.channel, people[i % 25], "pilot", f"pilot {i}", at)

    preview = run_digest(bot)
    blocks = preview["blocks"]
    check_limits(blocks)
    text = said(preview)
    # Every section shows a few lines and says how many more there are: nothing is dropped
    # silently, and a busy week reads as fast as a quiet one.
    assert "_…and 395 more_" in text  # kudos: 5 shown
    assert text.count("_…and 117 more_") == 2  # wins, ideas and experiments: 3 shown
    assert "_…and 237 more_" in text  # hopes and worries: 3 shown of 240
    assert len(blocks) <= 16
    longest = max(len(line) for line in blocks_text(blocks).splitlines())
    assert longest < 400
    # A kudos to many people names six of them and counts the rest, once.
    assert "2 more:" in text
    # No tallies of people: nobody is ranked by how many kudos they received.
    assert not re.search(r"<@U[A-Z0-9]+>\*?: \d+ kudos", text)


# -- the scheduled digest --------------------------------------------------------------------


def _context(fake: FakeSlack, sessions: Sessions, at: datetime) -> JobContext:
    settings = Settings(bot_token="xoxb-t", signing_secret="s", api_url=fake.api_url)
    return JobContext(sessions=sessions, client=make_client(settings), now=lambda: at)


def _schedule(sessions: Sessions, team: str, channel: str, user: str, at: datetime) -> int:
    with sessions.begin() as s:
        view = digest.turn_on(
            s,
            team_id=team,
            channel_id=channel,
            user_id=user,
            when=parse_digest_when("fri 16:00", "UTC"),
            now=at,
        )
    return view.id


def _occurrence(sessions: Sessions, schedule_id: int) -> tuple[str, str | None]:
    with sessions() as s:
        row = s.scalars(select(Occurrence).where(Occurrence.schedule_id == schedule_id)).one()
        return row.status, row.detail


def test_scheduled_digest_posts_once_for_its_week(fake: FakeSlack, sessions: Sessions) -> None:
    team, channel, user, hero = slack_id("T"), slack_id("C"), slack_id("U"), slack_id("U")
    occurs_at = datetime(2024, 6, 14, 16, 0, tzinfo=UTC)  # a Friday: the week is 7–13 Jun
    schedule_id = _schedule(sessions, team, channel, user, occurs_at - timedelta(days=30))
    kudos(sessions, team, channel, user, (hero,), "IN THE WEEK", occurs_at - timedelta(days=3))
    kudos(sessions, team, channel, user, (hero,), "TOO OLD", occurs_at - timedelta(days=8))
    kudos(sessions, team, channel, user, (hero,), "ON THE DAY", occurs_at - timedelta(hours=2))
    ctx = _context(fake, sessions, occurs_at)

    assert post_occurrence(ctx, schedule_id, occurs_at) == "posted"
    assert post_occurrence(ctx, schedule_id, occurs_at) == "claimed elsewhere"
    [post] = posts_in(fake, channel)
    text = said(post)
    assert "Weekly digest: 7–13 Jun" in text
    assert "IN THE WEEK" in text and "TOO OLD" not in text and "ON THE DAY" not in text
    assert f"*First recognition* for <@{hero}>" in text  # reached in the week
    assert "`/nudge digest off` stops this digest" in text
    with sessions() as s:
        occurrence = s.scalars(
            select(Occurrence).where(Occurrence.schedule_id == schedule_id)
        ).one()
        row = s.get(Schedule, schedule_id)
        assert row is not None
        assert row.covered_until == datetime(2024, 6, 14, tzinfo=UTC)
    assert occurrence.status == "posted" and occurrence.message_ts
    assert pending_milestones(sessions, team) == []  # celebrated: never repeated

    # Next week's brings the day of the last one, and no milestone twice.
    next_week = occurs_at + timedelta(days=7)
    assert post_occurrence(ctx, schedule_id, next_week) == "posted"
    later = said(posts_in(fake, channel)[1])
    assert "Weekly digest: 14–20 Jun" in later
    assert "ON THE DAY" in later and "IN THE WEEK" not in later
    assert "First recognition" not in later


def test_after_an_early_share_the_scheduled_digest_brings_only_what_is_new(
    fake: FakeSlack, sessions: Sessions
) -> None:
    team, channel, user = slack_id("T"), slack_id("C"), slack_id("U")
    occurs_at = datetime(2024, 6, 14, 16, 0, tzinfo=UTC)  # Friday
    schedule_id = _schedule(sessions, team, channel, user, occurs_at - timedelta(days=30))
    shared_on = datetime(2024, 6, 12, 9, 30, tzinfo=UTC)  # Wednesday: it covered 5–11 Jun
    kudos(
        sessions,
        team,
        channel,
        user,
        (slack_id("U"),),
        "SHARED ALREADY",
        shared_on - timedelta(days=1),
    )
    with sessions.begin() as s:
        end = digest.window(shared_on, "UTC")[1]
        assert digest.share(s, team_id=team, channel_id=channel, until=end, now=shared_on)
        # once
        assert not digest.share(s, team_id=team, channel_id=channel, until=end, now=shared_on)
    kudos(
        sessions, team, channel, user, (slack_id("U"),), "NEW SINCE", occurs_at - timedelta(days=1)
    )

    assert post_occurrence(_context(fake, sessions, occurs_at), schedule_id, occurs_at) == "posted"
    [post] = posts_in(fake, channel)
    text = said(post)
    assert "New since the last digest: 12–13 Jun" in text
    assert "NEW SINCE" in text and "SHARED ALREADY" not in text
    # What only a whole week says is left to the next one.
    assert "By practice" not in text and "Our vision" not in text


def test_after_an_early_share_a_week_with_nothing_new_is_skipped(
    fake: FakeSlack, sessions: Sessions
) -> None:
    team, channel, user = slack_id("T"), slack_id("C"), slack_id("U")
    occurs_at = datetime(2024, 6, 14, 16, 0, tzinfo=UTC)
    schedule_id = _schedule(sessions, team, channel, user, occurs_at - timedelta(days=30))
    kudos(sessions, team, channel, user, (slack_id("U"),), "SHARED", occurs_at - timedelta(days=3))
    with sessions.begin() as s:
        until = digest.window(occurs_at - timedelta(hours=1), "UTC")[1]  # shared this morning
        assert digest.share(s, team_id=team, channel_id=channel, until=until, now=until)
    kudos(sessions, team, channel, user, (slack_id("U"),), "TODAY", occurs_at - timedelta(hours=1))

    assert post_occurrence(_context(fake, sessions, occurs_at), schedule_id, occurs_at) == "posted"
    assert posts_in(fake, channel) == []
    assert _occurrence(sessions, schedule_id) == ("skipped", "shared early: nothing new since")

    # A share on Wednesday, and nothing since: skipped too.
    team, channel = slack_id("T"), slack_id("C")
    schedule_id = _schedule(sessions, team, channel, user, occurs_at - timedelta(days=30))
    with sessions.begin() as s:
        until = digest.window(datetime(2024, 6, 12, 9, tzinfo=UTC), "UTC")[1]
        assert digest.share(s, team_id=team, channel_id=channel, until=until, now=until)
    assert post_occurrence(_context(fake, sessions, occurs_at), schedule_id, occurs_at) == "posted"
    assert posts_in(fake, channel) == []
    assert _occurrence(sessions, schedule_id)[0] == "skipped"


def test_turning_the_digest_off_and_on_keeps_what_was_covered(sessions: Sessions) -> None:
    team, channel, user = slack_id("T"), slack_id("C"), slack_id("U")
    at = datetime(2024, 6, 12, 9, tzinfo=UTC)
    _schedule(sessions, team, channel, user, at)
    until = digest.window(at, "UTC")[1]
    with sessions.begin() as s:
        assert digest.share(s, team_id=team, channel_id=channel, until=until, now=until)
        digest.turn_off(s, team_id=team, channel_id=channel, now=at)
    _schedule(sessions, team, channel, user, at)
    with sessions() as s:
        view = digest.status(s, team_id=team, channel_id=channel, now=at)
    assert view is not None and view.covered_until == until


def test_a_digest_the_bot_cannot_post_is_paused_and_its_creator_told(
    fake: FakeSlack, sessions: Sessions
) -> None:
    team, channel, user = slack_id("T"), slack_id("C"), slack_id("U")
    occurs_at = datetime(2024, 6, 14, 16, 0, tzinfo=UTC)
    schedule_id = _schedule(sessions, team, channel, user, occurs_at - timedelta(days=1))
    fake.fail("chat.postMessage", "not_in_channel")
    ctx = _context(fake, sessions, occurs_at)
    assert post_occurrence(ctx, schedule_id, occurs_at) == "not_in_channel"
    dm = next(c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == user)
    assert "/nudge digest on" in said(dm.params)
    assert digest_rows(sessions, team)[0][-2:] == (True, False)


def test_a_share_in_a_channel_without_a_digest_is_recorded_so_it_is_not_repeated(
    sessions: Sessions,
) -> None:
    team, channel = slack_id("T"), slack_id("C")
    until = datetime(2024, 6, 12, tzinfo=UTC)
    with sessions.begin() as s:
        assert digest.share(s, team_id=team, channel_id=channel, until=until, now=until)
    with sessions.begin() as s:  # a double click, or a second leader
        assert not digest.share(s, team_id=team, channel_id=channel, until=until, now=until)
    with sessions() as s:  # nothing runs: the record keeper is a stopped schedule
        assert digest.status(s, team_id=team, channel_id=channel, now=until) is None
