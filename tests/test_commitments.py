"""Commitments: /nudge commit over HTTP, the follow-up asked by a real scheduler, and the
Kept it / Not yet / Dropped it buttons."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

import schedules.runner
from bot.commitments import dates
from bot.commitments import service as commitments
from bot.commitments.render import ANSWER_BLOCK
from bot.commitments.service import parse_commit
from bot.errors import UserError
from bot.settings import Settings
from bot.slack.client import make_client
from models.tables import Commitment, Workspace
from schedules.followups import run_followups
from schedules.jobs import JobContext
from schedules.runner import PromptScheduler
from tests.conftest import AppServers
from tests.driver import Reply, SlackDriver, blocks_text, slack_id
from tests.fake_slack import Call, FakeSlack
from tests.shown import shown, stray_controls

ZONE = "Europe/Berlin"


def rows(sessions: sessionmaker[Session], team: str) -> list[Commitment]:
    with sessions() as s:
        found = s.scalars(
            select(Commitment).where(Commitment.team_id == team).order_by(Commitment.id)
        )
        return list(found)


def said(message: dict[str, Any]) -> str:
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):  # chat.postMessage sends blocks as JSON text
        blocks = json.loads(blocks)
    text = str(message.get("text", "")) + "\n" + blocks_text(blocks)
    assert stray_controls(text) == [], stray_controls(text)
    return shown(text)


def blocks_of(call: Call) -> list[dict[str, Any]]:
    blocks = call.params["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def posts_to(slack: FakeSlack, channel: str) -> list[Call]:
    return [c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == channel]


def today() -> date:
    return dates.today_in(ZONE, datetime.now(UTC))


@pytest.fixture
def slack(servers: AppServers) -> FakeSlack:
    """The module's fake Slack, also for the schedulers' follow-ups (they need no app)."""
    servers.fake.reset()
    return servers.fake


@pytest.fixture
def berlin(make_bot: Callable[..., SlackDriver]) -> SlackDriver:
    return make_bot(timezone=ZONE)


# -- parsing the command (pure) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rest", "text", "due"),
    [
        ("Write the onboarding guide by fri", "Write the onboarding guide", date(2026, 3, 20)),
        ("Pair with the team by the river by tomorrow", "Pair with the team by the river", None),
        ("Visit the nearby office BY 2026-04-01", "Visit the nearby office", date(2026, 4, 1)),
        ("Call Ana\nand Ben  by\nin 2 weeks", "Call Ana\nand Ben", date(2026, 3, 27)),
        ("Ship the hobby project by dec 15", "Ship the hobby project", date(2026, 12, 15)),
        ("Fix it\x00 by today", "Fix it", date(2026, 3, 13)),
    ],
)
def test_parse_splits_on_the_last_by(rest: str, text: str, due: date | None) -> None:
    friday = date(2026, 3, 13)
    parsed = parse_commit(rest, friday)
    assert parsed.text == text
    assert parsed.due_on == (due or friday + timedelta(days=1))


@pytest.mark.parametrize(
    ("rest", "words"),
    [
        ("", "What will you do, and by when?"),
        ("Write the guide", "By when? End with `by`"),
        ("Write the guide by", "By when? Put a date after `by`"),
        ("by fri", "Say what you'll do before `by`"),
        ("!!! by fri", "Say what you'll do before `by`"),
        ("Write the guide by someday", "can't read *someday*"),
        ("x" * 3001 + " by fri", "3,001 characters"),
    ],
)
def test_parse_errors_show_the_commit_form(rest: str, words: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_commit(rest, date(2026, 3, 13))
    assert words in caught.value.message
    assert caught.value.usage == commitments.COMMIT_USAGE


@settings(max_examples=200, deadline=None)
@given(
    rest=st.one_of(
        st.text(),
        st.builds(
            lambda a, b: f"{a} by {b}",
            st.text(),
            st.one_of(st.text(max_size=20), st.sampled_from(["fri", "in 2 weeks", "dec 15"])),
        ),
    )
)
def test_parse_any_text_is_a_commitment_or_a_user_error(rest: str) -> None:
    friday = date(2026, 3, 13)
    try:
        parsed = parse_commit(rest, friday)
    except UserError as err:
        assert err.message and err.usage == commitments.COMMIT_USAGE
        return
    assert parsed.text.strip() and len(parsed.text) <= 3000 and "\x00" not in parsed.text
    assert friday <= parsed.due_on <= date(2027, 3, 13)


def test_first_ask_is_ten_on_the_due_date_or_the_next_morning() -> None:
    due = date(2026, 3, 13)
    before = datetime(2026, 3, 13, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
    after = datetime(2026, 3, 13, 12, 0, tzinfo=UTC)  # 13:00 in Berlin
    assert commitments.first_ask_at(due, ZONE, before) == datetime(2026, 3, 13, 9, tzinfo=UTC)
    assert commitments.first_ask_at(due, ZONE, after) == datetime(2026, 3, 14, 9, tzinfo=UTC)


# -- /nudge commit over HTTP -------------------------------------------------------------------


def test_commit_posts_in_the_channel_and_stores_it(
    berlin: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, key = berlin.command("/nudge", "commit Write the onboarding guide for Ana by fri")
    assert reply.status == 200 and reply.body == "", reply.body
    post = berlin.slack.wait_for(lambda: posts_to(berlin.slack, berlin.channel))[0]
    text = said(post.params)
    assert f"<@{berlin.user}> made a commitment" in text
    assert "> Write the onboarding guide for Ana" in text
    assert "I'll ask how it went, here in the thread, <!date^" in text
    assert "Model the Way" not in text and "do what you say" not in text  # no boilerplate

    [row] = berlin.slack.wait_for(lambda: rows(sessions, berlin.team))
    due = dates.parse_due("fri", today())
    assert (row.channel_id, row.user_id, row.text) == (
        berlin.channel,
        berlin.user,
        "Write the onboarding guide for Ana",
    )
    assert (row.due_on, row.zone, row.status, row.asked_count) == (due, ZONE, "open", 0)
    assert row.next_ask_at == dates.at_local(due, ZONE, 10)
    assert row.answered_at is None
    assert row.message_ts and row.message_ts.startswith("1700000000.")  # the fake's ts
    assert berlin.slack.responses[key] == []  # the channel message is the answer


def test_commit_message_names_the_due_day(
    berlin: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    berlin.command("/nudge", "commit Book the retro room by tomorrow")
    post = berlin.slack.wait_for(lambda: posts_to(berlin.slack, berlin.channel))[0]
    assert "due tomorrow" in said(post.params)
    [row] = berlin.slack.wait_for(lambda: rows(sessions, berlin.team))
    assert row.due_on == today() + timedelta(days=1)


def _far() -> str:
    return f"{dates.add_years(today(), 1) + timedelta(days=1):%Y-%m-%d}"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("commit", "What will you do, and by when?"),
        ("commit Write the guide", "By when?"),
        ("commit Write the guide by", "Put a date after `by`"),
        ("commit by fri", "Say what you'll do before `by`"),
        ("commit Write the guide by someday", "can't read *someday* as a date"),
        ("commit Write the guide by feb 30", "isn't a day on the calendar"),
        ("commit Write the guide by 2020-01-01", "is in the past"),
        ("commit Write the guide by {far}", "more than a year away"),
        ("commit Write the guide by next fri", "can mean two days"),
        ("commit Write the guide by 15/12", "different days in different countries"),
        ("commit " + "x" * 3001 + " by fri", "please keep it under 3,000"),
    ],
)
def test_bad_input_is_explained_and_writes_nothing(
    berlin: SlackDriver, sessions: sessionmaker[Session], text: str, words: str
) -> None:
    before = rows(sessions, berlin.team)
    reply, key = berlin.command("/nudge", text.format(far=_far()))
    assert reply.status == 200
    assert reply.json["response_type"] == "ephemeral"
    assert stray_controls(reply.text) == []
    assert words in shown(reply.text)
    assert "Try: `/nudge commit <what you'll do> by <fri" in shown(reply.text)
    assert before == [] and rows(sessions, berlin.team) == []
    assert posts_to(berlin.slack, berlin.channel) == []
    assert berlin.slack.responses[key] == []


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found"])
def test_bot_not_in_channel_says_how_to_invite_it_and_writes_nothing(
    bot: SlackDriver, sessions: sessionmaker[Session], error: str
) -> None:
    bot.slack.fail("chat.postMessage", error)
    reply, key = bot.command("/nudge", "commit Review the two open PRs by fri")
    assert reply.status == 200 and reply.body == ""
    answer = bot.slack.wait_response(key)
    assert answer["response_type"] == "ephemeral"
    assert "`/invite @nudgebot`" in said(answer) and "nothing was saved" in said(answer)
    assert "> Review the two open PRs" in said(answer)  # so it can be sent again
    assert rows(sessions, bot.team) == []


def test_other_slack_failures_apologise_and_write_nothing(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.fail("chat.postMessage", "internal_error")
    reply, key = bot.command("/nudge", "commit Review the two open PRs by fri")
    assert reply.status == 200 and reply.body == ""
    assert "something went wrong" in said(bot.slack.wait_response(key))
    assert rows(sessions, bot.team) == []


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.builds(
        lambda a, b: f"{a} by {b}",
        st.text(max_size=60),
        st.one_of(st.text(max_size=20), st.sampled_from(["fri", "today", "in 2 weeks"])),
    )
)
def test_any_commit_text_gets_an_answer_never_the_apology(bot: SlackDriver, text: str) -> None:
    channel = slack_id("C")
    reply, key = bot.command("/nudge", f"commit {text}", channel=channel)
    assert reply.status == 200
    if reply.body:
        assert reply.json["response_type"] == "ephemeral" and reply.text.strip()
        return
    post = bot.slack.wait_for(lambda: posts_to(bot.slack, channel))[0]
    assert "made a commitment" in said(post.params)
    assert "something went wrong" not in said(post.params)
    bot.slack.wait_for(lambda: rows(bot.sessions, bot.team))
    assert bot.slack.responses[key] == []


def test_help_shows_the_commit_command(bot: SlackDriver) -> None:
    reply, _ = bot.command("/nudge", "help")
    assert "`/nudge commit <what you'll do> by <fri|tomorrow|in 2 weeks|2026-12-15>`" in (
        shown(reply.text)
    )
    # Sent escaped, so Slack shows the placeholder instead of reading a link in it.
    assert "by &lt;fri|tomorrow|in 2 weeks|2026-12-15&gt;" in reply.text


# -- the follow-up question --------------------------------------------------------------------


_ts = itertools.count(1)


@dataclass
class Seeded:
    id: int
    team: str
    channel: str
    user: str
    message_ts: str


def seed_due(
    sessions: sessionmaker[Session],
    team: str | None = None,
    channel: str | None = None,
    user: str | None = None,
    text: str = "Share the pilot results with the team",
) -> Seeded:
    """An open commitment that was due yesterday and hasn't been asked about yet."""
    team, channel, user = team or slack_id("T"), channel or slack_id("C"), user or slack_id("U")
    now = datetime.now(UTC)
    ts = f"1600000000.{next(_ts):06d}"
    with sessions.begin() as session:
        view = commitments.create(
            session,
            team_id=team,
            channel_id=channel,
            user_id=user,
            text=text,
            due_on=today() - timedelta(days=1),
            zone=ZONE,
            message_ts=ts,
            now=now - timedelta(days=3),
        )
    assert view.next_ask_at is not None and view.next_ask_at < now
    return Seeded(view.id, team, channel, user, ts)


def context(slack: FakeSlack, sessions: sessionmaker[Session], **kw: Any) -> JobContext:
    client = make_client(Settings(bot_token="xoxb-t", signing_secret="s", api_url=slack.api_url))
    return JobContext(
        sessions=sessions, client=client, now=kw.get("now", lambda: datetime.now(UTC))
    )


def one(sessions: sessionmaker[Session], commitment_id: int) -> Commitment:
    with sessions() as s:
        found = s.get(Commitment, commitment_id)
        assert found is not None
        return found


@pytest.fixture
def schedulers(
    slack: FakeSlack,
    engine: Engine,
    sessions: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Callable[[], PromptScheduler], list[int]]]:
    """Start real PromptSchedulers that look for follow-ups every 0.2 s; `runs` counts the
    follow-up runs that happened (any scheduler)."""
    runs: list[int] = []
    real = schedules.runner.run_followups

    def counted(ctx: JobContext) -> int:
        asked = real(ctx)
        runs.append(asked)
        return asked

    monkeypatch.setattr(schedules.runner, "run_followups", counted)
    running: list[PromptScheduler] = []

    def start() -> PromptScheduler:
        runner = PromptScheduler(
            context(slack, sessions), engine, poll_seconds=0.2, followup_seconds=0.2
        )
        runner.start()
        running.append(runner)
        return runner

    yield start, runs
    for runner in running:
        runner.stop()


def test_scheduler_asks_once_in_the_thread_even_with_two_schedulers(
    schedulers: tuple[Callable[[], PromptScheduler], list[int]],
    slack: FakeSlack,
    sessions: sessionmaker[Session],
) -> None:
    start, runs = schedulers
    seeded = seed_due(sessions)
    start()
    start()
    [question] = slack.wait_for(lambda: posts_to(slack, seeded.channel))
    seen = len(runs)
    slack.wait_for(lambda: len(runs) >= seen + 6)  # several more runs after the question
    assert len(posts_to(slack, seeded.channel)) == 1

    assert question.params["thread_ts"] == seeded.message_ts
    text = said(question.params)
    assert f"<@{seeded.user}>, checking in on your commitment" in text
    assert "> Share the pilot results with the team" in text
    actions = next(b for b in blocks_of(question) if b["type"] == "actions")
    assert actions["block_id"] == ANSWER_BLOCK
    assert [(e["text"]["text"], e["value"]) for e in actions["elements"]] == [
        ("Kept it", str(seeded.id)),
        ("Not yet", str(seeded.id)),
        ("Dropped it", str(seeded.id)),
    ]
    row = one(sessions, seeded.id)
    assert (row.status, row.next_ask_at, row.asked_count) == ("open", None, 1)


def test_scheduler_does_not_ask_before_the_time(
    schedulers: tuple[Callable[[], PromptScheduler], list[int]],
    slack: FakeSlack,
    sessions: sessionmaker[Session],
) -> None:
    start, runs = schedulers
    seeded = seed_due(sessions)
    soon = datetime.now(UTC) + timedelta(hours=1)
    with sessions.begin() as s:
        s.execute(update(Commitment).where(Commitment.id == seeded.id).values(next_ask_at=soon))
    start()
    slack.wait_for(lambda: len(runs) >= 3)
    assert posts_to(slack, seeded.channel) == []
    assert one(sessions, seeded.id).next_ask_at == soon


def test_racing_followup_runs_ask_each_commitment_once(
    slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    team, channel = slack_id("T"), slack_id("C")
    seeded = [seed_due(sessions, team=team, channel=channel) for _ in range(12)]
    barrier = threading.Barrier(3)
    totals: list[int] = []

    def race() -> None:
        ctx = context(slack, sessions)
        barrier.wait()
        totals.append(run_followups(ctx))

    threads = [threading.Thread(target=race) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    asked = posts_to(slack, channel)
    assert sorted(c.params["thread_ts"] for c in asked) == sorted(s.message_ts for s in seeded)
    assert sum(totals) >= len(seeded)
    assert {one(sessions, s.id).asked_count for s in seeded} == {1}


def test_inactive_workspaces_are_not_asked(
    slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    seeded = seed_due(sessions)
    with sessions.begin() as s:
        s.execute(
            update(Workspace)
            .where(Workspace.team_id == seeded.team)
            .values(inactive_reason="app_uninstalled")
        )
    run_followups(context(slack, sessions))
    assert posts_to(slack, seeded.channel) == []
    assert one(sessions, seeded.id).next_ask_at is not None


def test_bot_removed_from_channel_asks_the_author_directly(
    slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    seeded = seed_due(sessions)
    slack.fail("chat.postMessage", "not_in_channel")
    run_followups(context(slack, sessions))
    [direct] = posts_to(slack, seeded.user)
    assert "thread_ts" not in direct.params and "Kept it" in said(direct.params)
    assert one(sessions, seeded.id).asked_count == 1


def test_nowhere_to_ask_retries_tomorrow(slack: FakeSlack, sessions: sessionmaker[Session]) -> None:
    seeded = seed_due(sessions)
    slack.fail("chat.postMessage", "is_archived")
    slack.fail("chat.postMessage", "cannot_dm_bot")
    now = datetime.now(UTC)
    run_followups(context(slack, sessions, now=lambda: now))
    row = one(sessions, seeded.id)
    assert (row.status, row.asked_count, row.next_ask_at) == ("open", 0, now + timedelta(days=1))


def test_passing_slack_failure_retries_soon(
    slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    seeded = seed_due(sessions)
    slack.fail("chat.postMessage", "internal_error")
    now = datetime.now(UTC)
    assert run_followups(context(slack, sessions, now=lambda: now)) >= 0
    row = one(sessions, seeded.id)
    assert (row.asked_count, row.next_ask_at) == (0, now + timedelta(minutes=15))
    # and when the time comes it is asked
    run_followups(context(slack, sessions, now=lambda: now + timedelta(minutes=16)))
    assert len(posts_to(slack, seeded.channel)) == 2  # the failed try and the question
    assert one(sessions, seeded.id).asked_count == 1


def test_revoked_token_stops_the_workspace_and_keeps_the_question(
    slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    seeded = seed_due(sessions)
    due_at = one(sessions, seeded.id).next_ask_at
    slack.fail("chat.postMessage", "token_revoked")
    run_followups(context(slack, sessions))
    with sessions() as s:
        workspace = s.get(Workspace, seeded.team)
        assert workspace is not None and workspace.inactive_reason == "token_revoked"
    row = one(sessions, seeded.id)
    assert (row.asked_count, row.next_ask_at) == (0, due_at)
    run_followups(context(slack, sessions))
    assert len(posts_to(slack, seeded.channel)) == 1  # not asked while stopped


# -- the buttons -------------------------------------------------------------------------------


def ask(bot: SlackDriver, sessions: sessionmaker[Session]) -> tuple[Seeded, str]:
    """A commitment of the bot's user, asked about; returns it and the question's ts."""
    seeded = seed_due(sessions, team=bot.team, channel=bot.channel, user=bot.user)
    run_followups(context(bot.slack, sessions))
    [question] = posts_to(bot.slack, bot.channel)
    assert question.params["thread_ts"] == seeded.message_ts
    return seeded, f"1700000099.{seeded.id:06d}"  # the question's ts, as Slack would send it


def click(
    bot: SlackDriver,
    action_id: str,
    value: str,
    question_ts: str,
    user: str | None = None,
    key: str | None = None,
) -> tuple[Reply, str]:
    key = key or slack_id("R")
    reply = bot.interaction(
        {
            "type": "block_actions",
            "team": {"id": bot.team, "domain": "fake"},
            "user": {"id": user or bot.user, "team_id": bot.team},
            "api_app_id": "A0NUDGE",
            "trigger_id": f"trigger-{key}",
            "channel": {"id": bot.channel, "name": "general"},
            "container": {
                "type": "message",
                "message_ts": question_ts,
                "channel_id": bot.channel,
                "thread_ts": "1600000000.000001",
            },
            "message": {"ts": question_ts, "text": "question"},
            "response_url": bot.slack.response_url(key),
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": ANSWER_BLOCK,
                    "type": "button",
                    "value": value,
                    "action_ts": "1700000000.1",
                }
            ],
        }
    )
    assert reply.status == 200 and reply.body == "", reply.body
    return reply, key


@pytest.mark.parametrize(
    ("action_id", "status", "words"),
    [
        ("commitment_kept", "kept", "kept it."),
        ("commitment_dropped", "dropped", "is leading by example too"),
    ],
)
def test_author_answers_kept_or_dropped(
    bot: SlackDriver, sessions: sessionmaker[Session], action_id: str, status: str, words: str
) -> None:
    seeded, ts = ask(bot, sessions)
    _, key = click(bot, action_id, str(seeded.id), ts)
    answer = bot.slack.wait_response(key)
    assert answer["replace_original"] is True
    text = said(answer)
    assert words in text and f"Answered by <@{bot.user}>" in text
    assert "> Share the pilot results with the team" in text
    assert not [b for b in answer["blocks"] if b["type"] == "actions"]  # nothing left to click
    row = one(sessions, seeded.id)
    assert (row.status, row.next_ask_at, row.asked_count) == (status, None, 1)
    assert row.answered_at is not None


def test_not_yet_asks_again_three_days_later(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    seeded, ts = ask(bot, sessions)
    _, key = click(bot, "commitment_not_yet", str(seeded.id), ts)
    answer = bot.slack.wait_response(key)
    assert answer["replace_original"] is True
    assert "says not yet" in said(answer) and "check in again <!date^" in said(answer)
    again = dates.at_local(today() + timedelta(days=3), ZONE, 10)
    row = one(sessions, seeded.id)
    assert (row.status, row.next_ask_at, row.answered_at) == ("open", again, None)

    # three days on, the follow-up asks again in the same thread
    run_followups(context(bot.slack, sessions, now=lambda: again + timedelta(seconds=1)))
    questions = [c for c in posts_to(bot.slack, bot.channel) if c.params.get("thread_ts")]
    assert len(questions) == 2 and questions[1].params["thread_ts"] == seeded.message_ts
    assert "checking in again" in said(questions[1].params)
    assert one(sessions, seeded.id).asked_count == 2


def test_only_the_author_can_answer(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    seeded, ts = ask(bot, sessions)
    before = one(sessions, seeded.id)
    someone = slack_id("U")
    _, key = click(bot, "commitment_kept", str(seeded.id), ts, user=someone)
    answer = bot.slack.wait_response(key)
    assert answer["response_type"] == "ephemeral" and answer.get("replace_original") is False
    assert f"Only <@{bot.user}> can answer this" in said(answer)
    after = one(sessions, seeded.id)
    assert (after.status, after.next_ask_at, after.answered_at) == (
        before.status,
        before.next_ask_at,
        before.answered_at,
    )


def test_second_click_changes_nothing_and_says_so(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    seeded, ts = ask(bot, sessions)
    _, first = click(bot, "commitment_kept", str(seeded.id), ts)
    bot.slack.wait_response(first)
    answered = one(sessions, seeded.id)
    for action in ("commitment_kept", "commitment_dropped", "commitment_not_yet"):
        _, key = click(bot, action, str(seeded.id), ts)
        answer = bot.slack.wait_response(key)
        assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
        assert "answered already: it was marked kept. Nothing changed." in said(answer)
    row = one(sessions, seeded.id)
    assert (row.status, row.answered_at, row.next_ask_at) == ("kept", answered.answered_at, None)


def test_second_not_yet_changes_nothing(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    seeded, ts = ask(bot, sessions)
    _, first = click(bot, "commitment_not_yet", str(seeded.id), ts)
    bot.slack.wait_response(first)
    later = one(sessions, seeded.id).next_ask_at
    _, key = click(bot, "commitment_kept", str(seeded.id), ts)
    assert "it's not yet done" in said(bot.slack.wait_response(key))
    row = one(sessions, seeded.id)
    assert (row.status, row.next_ask_at, row.answered_at) == ("open", later, None)


def test_a_double_click_at_the_same_time_answers_once(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    seeded, ts = ask(bot, sessions)
    keys = [slack_id("R"), slack_id("R")]
    threads = [
        threading.Thread(target=click, args=(bot, "commitment_kept", str(seeded.id), ts, None, k))
        for k in keys
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    answers = [bot.slack.wait_response(k) for k in keys]
    assert sorted(bool(a.get("replace_original")) for a in answers) == [False, True]
    assert one(sessions, seeded.id).status == "kept"


@pytest.mark.parametrize("value", ["abc", "", "-1", "1" * 40])
def test_a_bad_button_value_is_refused(
    bot: SlackDriver, sessions: sessionmaker[Session], value: str
) -> None:
    seeded, ts = ask(bot, sessions)
    _, key = click(bot, "commitment_kept", value, ts)
    answer = bot.slack.wait_response(key)
    assert answer["response_type"] == "ephemeral" and "out of date" in said(answer)
    assert one(sessions, seeded.id).status == "open"


def test_another_workspaces_commitment_cannot_be_answered(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    elsewhere = seed_due(sessions, user=bot.user)  # same user id, another team
    _, key = click(bot, "commitment_kept", str(elsewhere.id), "1700000000.000009")
    assert "no longer here" in said(bot.slack.wait_response(key))
    assert one(sessions, elsewhere.id).status == "open"
