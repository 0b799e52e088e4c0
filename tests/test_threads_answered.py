"""Ideas, hopes and pilots shown in a channel: posted as messages of their own, answered by
the first reply in their thread by someone else, and, under a pilot, replies logged as
learnings tied to it; the leader's questions of which waited and which taught nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.prompts import threads
from models.queries import ensure_workspace
from models.tables import Response
from tests.driver import SlackDriver, slack_id
from tests.fake_slack import Scripted
from tests.helpers import posted
from tests.shown import said
from tests.test_prompt_flow import post_prompt
from tests.test_thread_replies import reactions, reactions_in, reply_event

Sessions = sessionmaker[Session]


def rows(sessions: Sessions, team: str) -> list[Response]:
    with sessions() as s:
        return list(
            s.scalars(select(Response).where(Response.team_id == team).order_by(Response.id))
        )


def share(bot: SlackDriver, sessions: Sessions, kind: str, text: str) -> Response:
    """Run `/nudge <kind> <text>`; the row once the message that shows it is remembered."""
    reply, _ = bot.command("/nudge", f"{kind} {text}")
    assert reply.status == 200 and reply.body == ""
    return bot.slack.wait_for(
        lambda: next((r for r in rows(sessions, bot.team) if r.text == text and r.message_ts), None)
    )


def answered_at(sessions: Sessions, response_id: int) -> datetime | None:
    with sessions() as s:
        return s.scalar(select(Response.answered_at).where(Response.id == response_id))


def thread_posts(bot: SlackDriver) -> list:
    return [
        c
        for c in bot.slack.calls_to("chat.postMessage")
        if c.params.get("channel") == bot.channel and c.params.get("thread_ts")
    ]


def prompt_here(bot: SlackDriver) -> str:
    """Post a prompt (before anything else is posted in the channel); its ts."""
    return post_prompt(bot, "challenge")[1]


def settled(bot: SlackDriver, prompt_ts: str) -> None:
    """Wait for a reply in the prompt's thread, sent now, to be thanked: events sent before
    it have been handled by then (the pool takes them in order; each is quick)."""
    ts = f"1700099999.{len(bot.slack.calls):06d}"
    assert reply_event(bot, prompt_ts, "settling", ts) == 200
    bot.slack.wait_for(lambda: reactions(bot, ts))


# -- showing them -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["idea", "hope", "pilot"])
def test_an_idea_hope_or_pilot_is_posted_as_a_message_and_its_ts_kept(
    bot: SlackDriver, sessions: Sessions, kind: str
) -> None:
    ts = "1700001000.000100"
    bot.slack.script(
        "chat.postMessage",
        Scripted(body={"ok": True, "channel": bot.channel, "ts": ts}, channel=bot.channel),
    )
    reply, key = bot.command("/nudge", f"{kind} pair on every incident")
    assert reply.status == 200 and reply.body == ""
    assert "> pair on every incident" in said(posted(bot))
    row = bot.slack.wait_for(
        lambda: next((r for r in rows(sessions, bot.team) if r.message_ts), None)
    )
    assert (row.kind, row.message_ts, row.answered_at, row.parent_id) == (kind, ts, None, None)
    assert len(rows(sessions, bot.team)) == 1
    assert bot.slack.responses[key] == []  # shown once, not through the response_url too


def test_other_kinds_still_answer_through_the_response_url(
    bot: SlackDriver, sessions: Sessions
) -> None:
    _, key = bot.command("/nudge", "goal ship monthly")
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"
    [row] = rows(sessions, bot.team)
    assert row.message_ts is None
    assert [
        c for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == bot.channel
    ] == []


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found", "internal_error"])
def test_where_the_bot_cannot_post_it_is_shown_through_the_response_url(
    bot: SlackDriver, sessions: Sessions, error: str
) -> None:
    bot.slack.fail("chat.postMessage", error, channel=bot.channel)
    _, key = bot.command("/nudge", "idea a shared glossary")
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "in_channel"
    assert "> a shared glossary" in said(message)
    [row] = rows(sessions, bot.team)
    assert (row.kind, row.text, row.message_ts) == ("idea", "a shared glossary", None)


# -- answers in their threads -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["idea", "hope"])
def test_a_reply_by_someone_else_answers_it_once_and_quietly(
    bot: SlackDriver, sessions: Sessions, kind: str
) -> None:
    prompt_ts = prompt_here(bot)
    item = share(bot, sessions, kind, "fewer meetings")
    assert item.message_ts is not None
    ana, ben = slack_id("U"), slack_id("U")
    for retry in (None, 1, 2):  # Slack redelivers
        reply_event(bot, item.message_ts, "love it, let's try", "1700002000.000100", retry, ana)
    first = bot.slack.wait_for(lambda: answered_at(sessions, item.id))
    assert abs(first - datetime.now(UTC)) < timedelta(minutes=1)

    reply_event(bot, item.message_ts, "me too", "1700002000.000200", user=ben)
    reply_event(bot, item.message_ts, "love it, let's try", "1700002000.000100", 3, ana)
    settled(bot, prompt_ts)
    assert answered_at(sessions, item.id) == first  # the first answer stays the answer
    # Nothing logged but the item and the settling reply.
    assert [(r.id, r.source) for r in rows(sessions, bot.team)][:1] == [(item.id, "command")]
    assert [r.source for r in rows(sessions, bot.team)] == ["command", "thread"]
    assert len(reactions_in(bot)) == 1  # the settling reply's only
    assert thread_posts(bot) == []


def test_a_reply_by_its_author_does_not_answer_it(bot: SlackDriver, sessions: Sessions) -> None:
    prompt_ts = prompt_here(bot)
    item = share(bot, sessions, "idea", "a shared glossary")
    assert item.message_ts is not None
    reply_event(bot, item.message_ts, "anyone?", "1700003000.000100")  # the author
    settled(bot, prompt_ts)
    assert answered_at(sessions, item.id) is None
    ana = slack_id("U")
    reply_event(bot, item.message_ts, "yes!", "1700003000.000200", user=ana)
    bot.slack.wait_for(lambda: answered_at(sessions, item.id))


def test_a_reply_elsewhere_answers_nothing(bot: SlackDriver, sessions: Sessions) -> None:
    prompt_ts = prompt_here(bot)
    item = share(bot, sessions, "hope", "calm weeks")
    reply_event(bot, "1600000000.000001", "unrelated", "1700003500.000100", user=slack_id("U"))
    settled(bot, prompt_ts)
    assert answered_at(sessions, item.id) is None


def test_a_reply_under_a_pilot_is_a_learning_tied_to_it(
    bot: SlackDriver, sessions: Sessions
) -> None:
    pilot = share(bot, sessions, "pilot", "async stand-ups for two weeks")
    assert pilot.message_ts is not None
    ana = slack_id("U")
    ts = "1700004000.000100"
    for retry in (None, 1, 2):
        reply_event(bot, pilot.message_ts, "fewer interruptions, more notes", ts, retry, ana)
    bot.slack.wait_for(lambda: reactions(bot, ts))
    bot.slack.wait_for(lambda: answered_at(sessions, pilot.id))

    learnings = [r for r in rows(sessions, bot.team) if r.kind == "learning"]
    assert len(learnings) == 1
    [learning] = learnings
    assert (learning.parent_id, learning.user_id, learning.channel_id) == (
        pilot.id,
        ana,
        bot.channel,
    )
    assert (learning.practice, learning.commitment, learning.source) == (
        "challenge",
        "experiment",
        "thread",
    )
    assert learning.text == "fewer interruptions, more notes"
    assert learning.dedupe_key == f"msg:{bot.channel}:{ts}"
    assert learning.prompt_id is None and learning.message_ts is None
    [reaction] = reactions(bot, ts)
    assert reaction.params["name"] == "raised_hands"
    assert thread_posts(bot) == []


def test_the_pilots_author_reporting_back_is_a_learning_but_no_answer(
    bot: SlackDriver, sessions: Sessions
) -> None:
    pilot = share(bot, sessions, "pilot", "no-meeting Wednesdays")
    assert pilot.message_ts is not None
    ts = "1700005000.000100"
    reply_event(bot, pilot.message_ts, "week one: calmer", ts)  # the author
    bot.slack.wait_for(lambda: reactions(bot, ts))
    [learning] = [r for r in rows(sessions, bot.team) if r.kind == "learning"]
    assert (learning.parent_id, learning.user_id) == (pilot.id, bot.user)
    assert answered_at(sessions, pilot.id) is None


# -- the leader's questions -------------------------------------------------------------------

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def add(
    s: Session,
    team: str,
    channel: str,
    kind: str,
    created: datetime,
    answered: datetime | None = None,
    parent_id: int | None = None,
    user: str | None = "U0ANA",
    shown: bool = True,
) -> int:
    practice = "vision" if kind in ("hope", "fear") else "challenge"
    row = Response(
        team_id=team,
        channel_id=channel,
        user_id=None if kind == "fear" else user,
        kind=kind,
        practice=practice,
        commitment="change",
        text=f"{kind} from {created:%m-%d}",
        source="command",
        created_at=created,
        answered_at=answered,
        parent_id=parent_id,
        # Shown as a message of its own, with a thread to answer in (not a worry).
        message_ts=f"{created.timestamp():.6f}" if shown and kind != "fear" else None,
    )
    s.add(row)
    s.flush()
    return row.id


def test_unanswered_ideas_and_hopes(sessions: Sessions) -> None:
    team, here, there, other = slack_id("T"), slack_id("C"), slack_id("C"), slack_id("C")
    with sessions.begin() as s:
        ensure_workspace(s, team)
        waiting = add(s, team, here, "idea", ago(10))
        late = add(s, team, there, "hope", ago(20), answered=ago(11))  # 9 days to an answer
        add(s, team, here, "idea", ago(10), answered=ago(8))  # answered in 2 days
        add(s, team, here, "hope", ago(9), answered=ago(2))  # answered in exactly 7 days
        add(s, team, here, "idea", ago(3))  # too recent to say
        add(s, team, here, "idea", ago(40))  # too old to ask about
        add(s, team, here, "pilot", ago(10))
        add(s, team, here, "fear", ago(10))
        add(s, team, other, "idea", ago(10))  # a channel not asked about
        oldest = add(s, team, here, "hope", ago(37))
        add(s, team, here, "idea", ago(10), shown=False)  # no thread to answer in
        elsewhere = slack_id("T")
        ensure_workspace(s, elsewhere)
        add(s, elsewhere, here, "idea", ago(10))  # another workspace

    with sessions() as s:
        found = threads.unanswered(s, team_id=team, channel_ids=[here, there], now=NOW)
        assert threads.unanswered(s, team_id=team, channel_ids=[], now=NOW) == []
        shorter = threads.unanswered(
            s, team_id=team, channel_ids={here}, now=NOW, days=2, within_days=5
        )
    assert [w.id for w in found] == [oldest, late, waiting]  # oldest first
    first = found[-1]
    assert (first.channel_id, first.kind, first.user_id) == (here, "idea", "U0ANA")
    assert first.created_at == ago(10) and first.text == f"idea from {ago(10):%m-%d}"
    assert [w.kind for w in shorter] == ["idea"]  # the 3-day-old idea


def test_pilots_without_learning(sessions: Sessions) -> None:
    team, here, other = slack_id("T"), slack_id("C"), slack_id("C")
    with sessions.begin() as s:
        ensure_workspace(s, team)
        quiet = add(s, team, here, "pilot", ago(40))
        taught = add(s, team, here, "pilot", ago(45))
        add(s, team, here, "learning", ago(44), parent_id=taught)
        add(s, team, here, "pilot", ago(50), answered=ago(49))  # someone replied
        add(s, team, here, "pilot", ago(10))  # too soon to ask
        add(s, team, here, "pilot", ago(130))  # too old to ask about
        add(s, team, here, "idea", ago(40))
        add(s, team, other, "pilot", ago(40))
        edge = add(s, team, here, "pilot", ago(120))
        unrelated = add(s, team, here, "pilot", ago(60))
        add(s, team, here, "pilot", ago(40), shown=False)  # no thread to learn in
        add(s, team, here, "learning", ago(59))  # a learning, but not from this pilot

    with sessions() as s:
        found = threads.pilots_without_learning(s, team_id=team, channel_ids=(here,), now=NOW)
        recent = threads.pilots_without_learning(
            s, team_id=team, channel_ids=(here,), now=NOW, days=5
        )
        none = threads.pilots_without_learning(s, team_id=team, channel_ids=(), now=NOW)
    assert [w.id for w in found] == [edge, unrelated, quiet]
    assert all(w.kind == "pilot" and w.channel_id == here for w in found)
    assert len(recent) == 4 and none == []
