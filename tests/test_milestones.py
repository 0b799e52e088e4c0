"""Milestones: the 10th, 50th ... recognition in a channel, a person's first recognition in
the workspace, the team's first pilot. Each is recorded exactly once (even when kudos race)
and celebrated as the workspace chose: at once, in the next digest, or not at all."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.digest import milestones
from bot.digest import render as render_digest
from bot.digest import service as digest
from bot.prompts import responses
from bot.recognition import service as recognition
from models.queries import ensure_workspace
from models.tables import Milestone, Recognition, RecognitionRecipient, Workspace
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.helpers import assert_later_error, assert_private_reply, posted
from tests.test_digest import click_share, run_digest, said, share_value

Sessions = sessionmaker[Session]


def rows(sessions: Sessions, team: str) -> list[tuple[Any, ...]]:
    with sessions() as s:
        found = s.scalars(
            select(Milestone).where(Milestone.team_id == team).order_by(Milestone.id)
        ).all()
        return [
            (m.channel_id, m.kind, m.key, m.user_id, m.celebrated_at is not None) for m in found
        ]


def mode_of(sessions: Sessions, team: str) -> str | None:
    with sessions() as s:
        return s.scalar(select(Workspace.milestones_mode).where(Workspace.team_id == team))


def seed_recognitions(sessions: Sessions, team: str, channel: str, n: int) -> str:
    """`n` kudos in the channel, all to one person (no milestones recorded for them)."""
    person = slack_id("U")
    at = datetime.now(UTC) - timedelta(days=30)
    with sessions.begin() as s:
        ensure_workspace(s, team)
        s.add_all(
            Recognition(
                team_id=team,
                channel_id=channel,
                giver_id=slack_id("U"),
                reason="seed",
                practice="heart",
                commitment="recognise",
                created_at=at,
                recipients=[RecognitionRecipient(team_id=team, user_id=person)],
            )
            for _ in range(n)
        )
    return person


def give(sessions: Sessions, team: str, channel: str, *recipients: str, **kw: Any) -> Any:
    with sessions.begin() as s:
        return recognition.give_kudos(
            s,
            team_id=team,
            channel_id=channel,
            giver_id=slack_id("U"),
            recipients=recipients,
            reason="for the demo",
            practice=None,
            now=datetime.now(UTC),
            **{"daily_cap": None, "zone": "UTC", **kw},
        )


def give_at(sessions: Sessions, team: str, channel: str, person: str, at: datetime) -> None:
    with sessions.begin() as s:
        recognition.give_kudos(
            s,
            team_id=team,
            channel_id=channel,
            giver_id=slack_id("U"),
            recipients=(person,),
            reason="for the demo",
            practice=None,
            now=at,
            daily_cap=None,
            zone="UTC",
        )


def set_mode(sessions: Sessions, team: str, mode: str) -> None:
    with sessions.begin() as s:
        milestones.set_mode(s, team_id=team, mode=mode)


def kudos_message(bot: SlackDriver, text: str, channel: str | None = None) -> str:
    reply, key = bot.command("/kudos", text, channel=channel)
    assert reply.status == 200 and reply.body == "", reply.body
    posted = bot.slack.wait_response(key)
    assert posted["response_type"] == "in_channel"
    return said(posted)


# -- detection -------------------------------------------------------------------------------


def test_thresholds() -> None:
    hits = [n for n in range(1, 5001) if milestones.is_milestone(n)]
    assert hits == [10, 50, 100, 250, 500, 1000, 2000, 3000, 4000, 5000]


def test_the_tenth_recognition_is_celebrated_in_its_kudos(make_bot, sessions: Sessions) -> None:
    leader = slack_id("U")
    bot = make_bot(leaders=frozenset({leader}))
    _, key = bot.command("/nudge", "milestones now", user=leader)
    assert "celebrated at once" in said(bot.slack.wait_response(key))
    assert mode_of(sessions, bot.team) == "now"
    known = seed_recognitions(sessions, bot.team, bot.channel, 8)

    ninth = kudos_message(bot, f"<@{known}> for the ninth")
    assert "recognition*!" not in ninth and "first recognition" not in ninth
    newcomer = slack_id("U")
    tenth = kudos_message(bot, f"<@{newcomer}> for the tenth")
    assert "This channel reached its *10th recognition*!" in tenth
    assert f":sparkles: *First recognition* for <@{newcomer}>." in tenth
    assert "Welcome aboard" not in tenth
    assert rows(sessions, bot.team) == [
        (bot.channel, "recognitions", "10", None, True),
        (bot.channel, "first_recognition", newcomer, newcomer, True),
    ]
    eleventh = kudos_message(bot, f"<@{newcomer}> for the eleventh")
    assert "recognition*" not in eleventh  # neither the 10th again nor a second "first"
    assert len(rows(sessions, bot.team)) == 2


def test_a_first_recognition_is_once_per_workspace(sessions: Sessions) -> None:
    team, here, there, ana = slack_id("T"), slack_id("C"), slack_id("C"), slack_id("U")
    first = give(sessions, team, here, ana)
    assert [(m.kind, m.key, m.shown_now) for m in first.milestones] == [
        ("first_recognition", ana, False)  # digest mode: waits for the digest
    ]
    assert give(sessions, team, there, ana).milestones == ()
    assert give(sessions, team, here, ana, slack_id("U")).milestones[0].kind == "first_recognition"
    # Another workspace keeps its own firsts.
    assert give(sessions, slack_id("T"), here, ana).milestones[0].key == ana
    assert [(r[0], r[1]) for r in rows(sessions, team)].count((here, "first_recognition")) == 2


def test_larger_thresholds(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    known = seed_recognitions(sessions, team, channel, 249)
    reached = give(sessions, team, channel, known).milestones
    assert [(m.kind, m.key) for m in reached] == [("recognitions", "250")]
    assert "250th recognition" in milestones.headline(reached[0])
    assert give(sessions, team, channel, known).milestones == ()


def test_the_first_pilot_is_celebrated_once(make_bot, sessions: Sessions) -> None:
    admin = slack_id("U")
    bot = make_bot()
    bot.slack.add_user(admin, is_admin=True)
    _, key = bot.command("/nudge", "milestones now", user=admin)
    bot.slack.wait_response(key)

    bot.command("/nudge", "pilot async standups for two weeks")
    first = said(posted(bot))
    assert f"<@{bot.user}> started the team's *first pilot*" in first
    elsewhere = slack_id("C")
    bot.command("/nudge", "pilot a no-meeting Wednesday", channel=elsewhere)
    assert "first pilot" not in said(posted(bot, channel=elsewhere))
    bot.command("/nudge", "idea a shared glossary")
    assert "first" not in said(posted(bot, count=2))
    assert rows(sessions, bot.team) == [(bot.channel, "first_pilot", "1", bot.user, True)]


def test_a_pilot_from_a_thread_reply_waits_for_the_digest(sessions: Sessions) -> None:
    """A thread reply is thanked with a reaction, not a message: nowhere to celebrate now."""
    team, channel = slack_id("T"), slack_id("C")
    set_mode(sessions, team, "now")
    with sessions.begin() as s:
        logged = responses.log_response(
            s,
            team_id=team,
            channel_id=channel,
            user_id=slack_id("U"),
            kind="pilot",
            text="try pairing rotations",
            source="thread",
            now=datetime.now(UTC),
        )
    assert logged is not None and [m.shown_now for m in logged.milestones] == [False]
    assert rows(sessions, team)[0][-1] is False  # still waiting


# -- celebration modes -----------------------------------------------------------------------


def test_digest_mode_celebrates_in_the_next_digest_only(
    bot: SlackDriver, sessions: Sessions
) -> None:
    ana = slack_id("U")
    message = kudos_message(bot, f"<@{ana}> for the calm release")
    assert "first recognition" not in message  # the default mode is "digest"
    assert rows(sessions, bot.team) == [(bot.channel, "first_recognition", ana, ana, False)]

    # Tomorrow's digest covers today: a preview shows the milestone, only sharing it (or
    # the scheduled post) celebrates it.
    bot.slack.add_user(bot.user, is_admin=True)
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    with sessions() as s:
        week = digest.build(s, team_id=bot.team, channel_id=bot.channel, end=tomorrow, zone="UTC")
    assert [m.user_id for m in week.milestones] == [ana]
    assert f"*First recognition* for <@{ana}>" in blocks_text(render_digest.digest(week).blocks)
    with sessions.begin() as s:
        digest.celebrated(s, team_id=bot.team, digest=week, now=tomorrow)
    assert rows(sessions, bot.team)[0][-1] is True
    with sessions() as s:
        again = digest.build(s, team_id=bot.team, channel_id=bot.channel, end=tomorrow, zone="UTC")
    text = blocks_text(render_digest.digest(again).blocks)
    assert "for the calm release" in text and "First recognition" not in text


def test_a_preview_celebrates_nothing_and_a_share_does(
    bot: SlackDriver, sessions: Sessions
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    ana = slack_id("U")
    give_at(sessions, bot.team, bot.channel, ana, datetime.now(UTC) - timedelta(days=1))
    preview = run_digest(bot)
    assert f"*First recognition* for <@{ana}>" in said(preview)
    assert rows(sessions, bot.team)[0][-1] is False
    value = share_value(preview)
    assert value is not None
    assert f"*First recognition* for <@{ana}>" in said(click_share(bot, value))
    bot.slack.wait_for(lambda: rows(sessions, bot.team)[0][-1])


def test_off_mode_records_but_never_shows(bot: SlackDriver, sessions: Sessions) -> None:
    set_mode(sessions, bot.team, "off")
    ana = slack_id("U")
    assert "first recognition" not in kudos_message(bot, f"<@{ana}> for the fix")
    assert [r[:4] for r in rows(sessions, bot.team)] == [
        (bot.channel, "first_recognition", ana, ana)
    ]
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    for mode in ("off", "digest"):  # not even after turning milestones back on
        set_mode(sessions, bot.team, mode)
        with sessions() as s:
            week = digest.build(
                s, team_id=bot.team, channel_id=bot.channel, end=tomorrow, zone="UTC"
            )
        text = blocks_text(render_digest.digest(week).blocks)
        assert "for the fix" in text and "First recognition" not in text


def test_someone_who_published_the_vision_has_no_first_recognition(
    bot: SlackDriver, sessions: Sessions
) -> None:
    lead = slack_id("U")
    bot.slack.add_user(lead, is_admin=True)
    _, key = bot.command("/vision", "set Every customer feels heard", user=lead)
    bot.slack.wait_response(key)
    set_mode(sessions, bot.team, "now")
    message = kudos_message(bot, f"<@{lead}> for a vision we can repeat")
    assert "irst recognition" not in message
    assert rows(sessions, bot.team) == []


# -- racing ----------------------------------------------------------------------------------


def race(
    sessions: Sessions,
    start: threading.Barrier,
    errors: list[BaseException],
    team: str,
    channel: str,
    newcomer: str,
) -> None:
    """One racer: wait for the other, then give the kudos."""
    try:
        start.wait(5)
        give(sessions, team, channel, newcomer)
    except BaseException as err:
        errors.append(err)


@pytest.mark.parametrize("seeded", [8, 9])
def test_racing_kudos_reach_each_milestone_exactly_once(sessions: Sessions, seeded: int) -> None:
    """Two kudos at once, both to someone new, around the channel's 10th: the 10th (when
    reached) and the newcomer's first are each recorded once; none is missed."""
    for _round in range(3):
        team, channel, newcomer = slack_id("T"), slack_id("C"), slack_id("U")
        seed_recognitions(sessions, team, channel, seeded)
        start = threading.Barrier(2)
        errors: list[BaseException] = []
        args = (start, errors, team, channel, newcomer)
        threads = [threading.Thread(target=race, args=(sessions, *args)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        assert errors == []
        found = sorted((kind, key) for _c, kind, key, _u, _done in rows(sessions, team))
        assert found == sorted([("first_recognition", newcomer), ("recognitions", "10")])


# -- /nudge milestones -----------------------------------------------------------------------


def test_milestones_command_shows_and_sets_the_mode(make_bot, sessions: Sessions) -> None:
    leader = slack_id("U")
    bot = make_bot(leaders=frozenset({leader}))
    reply, key = bot.command("/nudge", "milestones")
    assert_private_reply(bot, reply, key, "celebrated in the channel's weekly digest")

    _, key = bot.command("/nudge", "milestones OFF", user=leader)
    answer = bot.slack.wait_response(key)
    assert answer["response_type"] == "ephemeral" and "not celebrated" in said(answer)
    assert mode_of(sessions, bot.team) == "off"
    reply, key = bot.command("/nudge", "milestones")
    assert_private_reply(bot, reply, key, "not celebrated (they are still recorded)")

    other = SlackDriver(url=bot.url, secret=bot.secret, slack=bot.slack, channel=bot.channel)
    reply, key = other.command("/nudge", "milestones")
    # another workspace keeps its own mode
    assert_private_reply(other, reply, key, "weekly digest")


def test_only_admins_owners_and_leaders_may_change_the_mode(
    bot: SlackDriver, sessions: Sessions
) -> None:
    set_mode(sessions, bot.team, "digest")
    member = slack_id("U")
    reply, key = bot.command("/nudge", "milestones now", user=member)
    text = assert_later_error(
        bot, reply, key, "Only admins and the team's leaders can change how milestones"
    )
    assert "NUDGEBOT_LEADERS" not in text
    assert mode_of(sessions, bot.team) == "digest"

    owner = slack_id("U")
    bot.slack.add_user(owner, is_owner=True)
    _, key = bot.command("/nudge", "milestones now", user=owner)
    assert "celebrated at once" in said(bot.slack.wait_response(key))
    assert mode_of(sessions, bot.team) == "now"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("sometimes", "*sometimes* isn't a way to celebrate"),
        ("now please", "*now please* isn't a way to celebrate"),
        ("digests", "isn't a way to celebrate"),
        ("<!here>", "isn't a way to celebrate"),
    ],
)
def test_bad_mode_is_explained_and_changes_nothing(
    bot: SlackDriver, sessions: Sessions, text: str, words: str
) -> None:
    set_mode(sessions, bot.team, "off")
    bot.slack.add_user(bot.user, is_admin=True)
    reply, _ = bot.command("/nudge", f"milestones {text}")
    assert reply.json["response_type"] == "ephemeral"
    assert words in reply.text and "/nudge milestones now|digest|off" in reply.text
    assert mode_of(sessions, bot.team) == "off"
