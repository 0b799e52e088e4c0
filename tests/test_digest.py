"""The weekly recognition digest: /nudge digest on|off|now over HTTP, its content, Slack's
limits on a big week, and the scheduled post (once per channel and week)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.digest import milestones
from bot.digest import render as render_digest
from bot.digest import service as digest
from bot.digest.parsing import parse_digest_when
from bot.prompts import responses
from bot.recognition import service as recognition
from bot.settings import Settings
from bot.slack.client import make_client
from bot.statements import service as statements
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


def run_digest(bot: SlackDriver) -> dict[str, Any]:
    reply, key = bot.command("/nudge", "digest now")
    assert reply.status == 200 and reply.body == "", reply.body
    return bot.slack.wait_response(key)


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
    assert_private_reply(bot, status, key, "paused (not_in_channel)")
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
    assert "/nudge digest on <mon..sun> HH:MM" in reply.text
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


# -- what the digest says --------------------------------------------------------------------


def test_digest_now_tells_the_week(bot: SlackDriver, sessions: Sessions) -> None:
    team, channel = bot.team, bot.channel
    now = datetime.now(UTC)
    ana, ben, cai, giver, worrier = (slack_id("U") for _ in range(5))
    day = timedelta(days=1)
    kudos(sessions, team, channel, giver, (ana,), "untangled the release checklist", now - 6 * day)
    kudos(sessions, team, channel, ben, (ana, cai), "ran a calm retro", now - 2 * day)
    kudos(sessions, team, channel, cai, (ana,), "paired with the new hire", now - day, "enable")
    kudos(sessions, team, channel, giver, (ben,), "LAST WEEK'S KUDOS", now - 10 * day)
    kudos(sessions, team, slack_id("C"), giver, (ben,), "OTHER CHANNEL", now - day)
    log(sessions, team, channel, ben, "win", "shipped the beta to 40 users", now - 3 * day)
    log(sessions, team, channel, cai, "hope", "that we keep Fridays for learning", now - day)
    log(sessions, team, channel, worrier, "fear", "the migration slips again", now - day)
    log(sessions, team, channel, cai, "pilot", "async standups", now - 4 * day)
    commitment(
        sessions, team, channel, ben, "write the onboarding guide", now.date() - 2 * day,
        status="kept", answered_at=now - 2 * day,
    )  # fmt: skip
    commitment(sessions, team, channel, cai, "demo the new dashboard", now.date() + 3 * day)
    commitment(sessions, team, channel, cai, "NOT DUE YET", now.date() + 20 * day)
    with sessions.begin() as s:
        statements.publish(
            s, team_id=team, kind="vision", text="Every customer feels heard", author_id=giver,
            now=now - 30 * day,
        )  # fmt: skip

    posted = run_digest(bot)
    assert posted["response_type"] == "in_channel"
    check_limits(posted["blocks"])
    text = said(posted)

    # Heroes, most recognised first, with who recognised them and why.
    assert text.index(f"*<@{ana}>*: 3 kudos") < text.index(f"*<@{cai}>*: 1 kudos")
    assert f"<@{giver}>: untangled the release checklist" in text
    assert f"<@{ben}>: ran a calm retro" in text and f"<@{cai}>: paired with the new hire" in text
    assert "3 recognitions for 2 people" in text
    assert "LAST WEEK'S KUDOS" not in text and "OTHER CHANNEL" not in text
    # Wins, hopes, and worries without a name.
    assert f"<@{ben}>: shipped the beta to 40 users" in text
    assert f"<@{cai}>: that we keep Fridays for learning" in text
    fear_line = next(line for line in text.splitlines() if "the migration slips again" in line)
    assert "<@" not in fear_line and worrier not in text
    # Practice counts against the week before: heart 2 kudos and a win (1 kudos before).
    assert "Encourage the Heart: *3* (:arrow_up: from 1)" in text
    assert "Enable Others to Act: *1* (:arrow_up: from 0)" in text
    # Commitments kept this week and due in the coming one.
    assert f"<@{ben}>: write the onboarding guide" in text
    assert f"<@{cai}>: demo the new dashboard (due" in text and "NOT DUE YET" not in text
    # The vision and next week's focus (Model the Way: nothing logged there).
    assert "Every customer feels heard" in text
    assert "Next week's focus: :compass: Model the Way" in text
    # Milestones waiting to be celebrated (digest mode): first recognitions, the first pilot.
    assert f"<@{ana}> received their *first recognition*" in text and "*first pilot*" in text


def test_quiet_week_gets_a_warm_nudge(bot: SlackDriver, sessions: Sessions) -> None:
    old = datetime.now(UTC) - timedelta(days=20)
    kudos(sessions, bot.team, bot.channel, slack_id("U"), (slack_id("U"),), "long ago", old)
    with sessions.begin() as s:
        milestones.mark_celebrated(
            s,
            team_id=bot.team,
            ids=s.scalars(select(Milestone.id).where(Milestone.team_id == bot.team)),
            now=old,
        )
    posted = run_digest(bot)
    text = said(posted)
    assert posted["response_type"] == "in_channel"
    assert "A quiet week here" in text and "/kudos" in text
    assert "No vision published yet" in text and "/vision set" in text
    assert "A suggestion for next week" in text and "/nudge now" in text
    assert "heroes" not in text and "long ago" not in text
    assert len(posted["blocks"]) <= 6


def test_a_huge_week_stays_inside_slack_limits_and_counts_the_rest(
    bot: SlackDriver, sessions: Sessions
) -> None:
    now = datetime.now(UTC)
    people = [slack_id("U") for _ in range(25)]
    reason = "went far beyond what anyone asked, " * 40  # ~1,400 characters
    with sessions.begin() as s:
        ensure_workspace(s, bot.team)
        for i in range(400):
            # 25 people recognised (more than fit), the first five far more than the rest
            who = people[i % 25] if i < 300 else people[i % 5]
            s.add(
                Recognition(
                    team_id=bot.team,
                    channel_id=bot.channel,
                    giver_id=people[(i + 1) % 25] if i % 7 else None,
                    reason=f"#{i} {reason}",
                    practice="heart",
                    commitment="recognise",
                    created_at=now - timedelta(minutes=i + 1),
                    recipients=[Recipient(team_id=bot.team, user_id=who)],
                )
            )
    for i in range(120):
        log(sessions, bot.team, bot.channel, people[i % 25], "win", f"win {i} {reason}", now)
        log(sessions, bot.team, bot.channel, None, "fear", f"fear {i} {reason}", now)
        log(sessions, bot.team, bot.channel, people[i % 25], "hope", f"hope {i} {reason}", now)

    posted = run_digest(bot)
    blocks = posted["blocks"]
    check_limits(blocks)
    text = said(posted)
    assert "400 recognitions for 25 people" in text
    ranking = re.findall(r"\*<@(U[A-Z0-9]+)>\*: (\d+) kudos", text)
    assert [int(n) for _, n in ranking] == [32] * 5 + [12] * 15
    assert {user for user, _ in ranking[:5]} == set(people[:5])
    # Every recognition is either shown, or counted in its hero's "and N more", or in the
    # closing "and N more recognitions for M more people": nothing is dropped silently.
    heroes = [
        b["text"]["text"]
        for b in blocks
        if b["type"] == "section" and "kudos\n" in b["text"]["text"]
    ]
    assert len(heroes) == render_digest.MAX_HERO_SECTIONS
    shown = sum(t.count("\n• ") for t in heroes)
    folded = sum(int(t.rsplit("_…and ", 1)[1].split()[0]) for t in heroes if "_…and " in t)
    [rest] = [
        blocks_text([b])
        for b in blocks
        if b["type"] == "context" and "more recognition" in blocks_text([b])
    ]
    assert "for 5 more people" in rest
    assert shown + folded + int(rest.split("…and ")[1].split()[0]) == 400
    assert "more wins" in text and "more worries" in text and "more hopes" in text


# -- the scheduled digest --------------------------------------------------------------------


def test_scheduled_digest_posts_once_for_its_week(fake: FakeSlack, sessions: Sessions) -> None:
    team, channel, user, hero = slack_id("T"), slack_id("C"), slack_id("U"), slack_id("U")
    occurs_at = datetime(2024, 6, 14, 16, 0, tzinfo=UTC)  # a Friday
    with sessions.begin() as s:
        view = digest.turn_on(
            s,
            team_id=team,
            channel_id=channel,
            user_id=user,
            when=parse_digest_when("fri 16:00", "UTC"),
            now=occurs_at - timedelta(days=30),
        )
    kudos(sessions, team, channel, user, (hero,), "IN THE WEEK", occurs_at - timedelta(days=3))
    kudos(sessions, team, channel, user, (hero,), "TOO OLD", occurs_at - timedelta(days=8))
    kudos(sessions, team, channel, user, (hero,), "AFTER IT", occurs_at + timedelta(minutes=5))
    settings = Settings(bot_token="xoxb-t", signing_secret="s", api_url=fake.api_url)
    ctx = JobContext(sessions=sessions, client=make_client(settings), now=lambda: occurs_at)

    assert post_occurrence(ctx, view.id, occurs_at) == "posted"
    assert post_occurrence(ctx, view.id, occurs_at) == "claimed elsewhere"
    posts = [c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == channel]
    assert len(posts) == 1
    text = said(posts[0].params)
    assert "IN THE WEEK" in text and "TOO OLD" not in text and "AFTER IT" not in text
    assert (
        f"<@{hero}> received their *first recognition*" in text
    )  # reached in the week, in digest mode
    with sessions() as s:
        occurrence = s.scalars(select(Occurrence).where(Occurrence.schedule_id == view.id)).one()
        pending = s.scalars(
            select(Milestone).where(Milestone.team_id == team, Milestone.celebrated_at.is_(None))
        ).all()
    assert occurrence.status == "posted" and occurrence.message_ts
    assert pending == []  # celebrated now: the next digest won't repeat it

    next_week = occurs_at + timedelta(days=7)
    assert post_occurrence(ctx, view.id, next_week) == "posted"
    later = [c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == channel]
    assert len(later) == 2 and "first recognition" not in said(later[1].params)
    assert "AFTER IT" in said(later[1].params)


def test_a_digest_the_bot_cannot_post_is_paused_and_its_creator_told(
    fake: FakeSlack, sessions: Sessions
) -> None:
    team, channel, user = slack_id("T"), slack_id("C"), slack_id("U")
    occurs_at = datetime(2024, 6, 14, 16, 0, tzinfo=UTC)
    with sessions.begin() as s:
        view = digest.turn_on(
            s,
            team_id=team,
            channel_id=channel,
            user_id=user,
            when=parse_digest_when("fri 16:00", "UTC"),
            now=occurs_at - timedelta(days=1),
        )
    fake.fail("chat.postMessage", "not_in_channel")
    settings = Settings(bot_token="xoxb-t", signing_secret="s", api_url=fake.api_url)
    ctx = JobContext(sessions=sessions, client=make_client(settings), now=lambda: occurs_at)
    assert post_occurrence(ctx, view.id, occurs_at) == "not_in_channel"
    dm = next(c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == user)
    assert "/nudge digest on" in said(dm.params)
    assert digest_rows(sessions, team)[0][-2:] == (True, False)


def test_other_workspaces_never_show_up(bot: SlackDriver, sessions: Sessions) -> None:
    other_team = slack_id("T")
    hero = slack_id("U")
    now = datetime.now(UTC) - timedelta(hours=1)
    kudos(sessions, other_team, bot.channel, slack_id("U"), (hero,), "SECRET KUDOS", now)
    log(sessions, other_team, bot.channel, hero, "win", "SECRET WIN", now)
    text = said(run_digest(bot))
    assert "SECRET" not in text and hero not in text and "A quiet week here" in text


def test_a_week_with_only_other_kinds_logged_has_no_empty_sections(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    now = datetime.now(UTC)
    log(
        sessions,
        team,
        channel,
        slack_id("U"),
        "idea",
        "a shared glossary",
        now - timedelta(hours=1),
    )
    with sessions() as s:
        week = digest.build(s, team_id=team, channel_id=channel, end=now, zone="UTC")
    assert not week.quiet and week.logged == 1
    message = render_digest.digest(week)
    check_limits(message.blocks)
    text = blocks_text(message.blocks)
    assert "heroes" not in text and "Wins" not in text and "Worries" not in text
    assert "Challenge the Process: *1* (:arrow_up: from 0)" in text
