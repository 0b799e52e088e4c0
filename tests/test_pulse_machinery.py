"""The pulse's machinery: invitations claimed before they are sent (a restart mid-send or a
second sender doubles nothing, and pending ones are picked up), the "pulse" schedule kind
(fired once per occurrence, not listed with prompt schedules), the minimum group setting,
forget-me, and the export, which holds nothing of a round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.privacy import service as privacy
from bot.privacy.export import read_log
from bot.pulse import answers, rounds, sending, service
from bot.pulse.answers import Answer
from bot.pulse.parsing import parse_pulse
from bot.pulse.statements import STATEMENTS
from bot.settings import SettingsError, load_settings
from models.pulse import PulseInvite, PulseRound
from models.queries import ensure_workspace
from models.tables import Schedule
from schedules.jobs import post_occurrence
from tests.driver import SlackDriver, slack_id
from tests.fake_slack import FakeSlack
from tests.habit_helpers import context, said
from tests.pulse_helpers import KEY, MembersSlack, pass_at, rows, team, the_round

HTTP = {"SLACK_BOT_TOKEN": "xoxb-123-456-abc", "SLACK_SIGNING_SECRET": "s3cret"}
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    return MembersSlack


def start(bot: SlackDriver, people: list[str]) -> int:
    with bot.sessions.begin() as s:
        ensure_workspace(s, bot.team)
        rnd = rounds.start(
            s,
            team_id=bot.team,
            channel_id=bot.channel,
            members=people,
            opened_by=None,
            min_group=3,
            now=NOW,
        )
    return rnd.id


def dms_to(bot: SlackDriver, people: list[str]) -> dict[str, int]:
    sent = [c.params.get("channel") for c in bot.slack.calls_to("chat.postMessage")]
    return {p: sent.count(p) for p in people}


def test_a_restart_mid_send_doubles_nothing(bot: SlackDriver) -> None:
    people = [slack_id("U") for _ in range(30)]
    round_id = start(bot, people)
    # A process claimed ten and died before sending them: they are lost, never doubled.
    with bot.sessions.begin() as s:
        dead = rounds.claim_invites(s, round_id=round_id, worker="dead:1", limit=10, now=NOW)
    # Two senders at once (a restart overlapping the job's pass), then the job again.
    ctx = context(bot, NOW)
    first = sending.send_invites(bot.sessions, ctx.client, round_id, now=ctx.now, threads=4)
    pass_at(bot, NOW + timedelta(minutes=1))  # the job's pass finds nothing pending here
    assert first["sent"] == 20
    counts = dms_to(bot, people)
    assert all(n <= 1 for n in counts.values())
    assert sum(counts.values()) == 20 and all(counts[i.user_id] == 0 for i in dead)


def test_pending_invitations_are_sent_by_the_next_pass(bot: SlackDriver) -> None:
    people = [slack_id("U") for _ in range(5)]
    round_id = start(bot, people)
    pass_at(bot, NOW + timedelta(seconds=30))
    pass_at(bot, NOW + timedelta(seconds=60))
    assert all(n == 1 for n in dms_to(bot, people).values())
    with bot.sessions() as s:
        statuses = set(
            s.scalars(select(PulseInvite.status).where(PulseInvite.round_id == round_id))
        )
    assert statuses == {"sent"}


def test_the_schedule_opens_one_round_per_occurrence(bot: SlackDriver) -> None:
    members = team(bot, 4)
    _reply, key = bot.command("/nudge", "pulse on quarterly tue 09:30 tz Europe/Berlin")
    said_on = said(bot.slack.wait_response(key))
    assert "first Tuesday of every quarter" in said_on and "09:30" in said_on
    with bot.sessions() as s:
        sched = s.scalars(select(Schedule).where(Schedule.team_id == bot.team)).one()
    assert (sched.kind, sched.practice, sched.number) == ("pulse", "pulse", None)
    assert sched.cron == "30 9 1-7 1,4,7,10 tue"
    # Not among the channel's prompt schedules.
    _reply, key = bot.command("/nudge", "schedule list")
    assert "pulse" not in said(bot.slack.wait_response(key)).lower()
    # Fired twice for the same occurrence: one round, one set of invitations.
    ctx = context(bot, NOW)
    assert post_occurrence(ctx, sched.id, NOW) == "posted"
    assert post_occurrence(ctx, sched.id, NOW) == "claimed elsewhere"
    # The next occurrence while the round is open opens nothing.
    assert post_occurrence(ctx, sched.id, NOW + timedelta(days=1)) == "posted"
    assert the_round(bot).number == 1 and the_round(bot).schedule_id == sched.id
    assert all(n == 1 for n in dms_to(bot, [bot.user, *members]).values())
    _reply, key = bot.command("/nudge", "pulse off")
    assert "turned the practice pulse off" in said(bot.slack.wait_response(key))
    _reply, key = bot.command("/nudge", "pulse off")
    assert "no pulse to turn off" in said(bot.slack.wait_response(key))


def test_the_default_is_the_first_monday_at_ten_in_the_team_zone() -> None:
    asked = parse_pulse("on monthly", "Europe/Berlin")
    assert asked.when is not None
    assert (asked.when.cron, asked.when.zone) == ("0 10 1-7 * mon", "Europe/Berlin")
    nxt = asked.when.trigger().get_next_fire_time(None, NOW)
    assert nxt is not None and (nxt.year, nxt.month, nxt.day, nxt.hour) == (2027, 1, 4, 10)


@pytest.mark.parametrize("value", ["0", "1", "2"])
def test_a_minimum_group_under_three_refuses_to_start(value: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings({**HTTP, "NUDGEBOT_PULSE_MIN_GROUP": value})
    assert "NUDGEBOT_PULSE_MIN_GROUP" in str(info.value) and "3 or more" in str(info.value)


def test_the_minimum_group_defaults_to_five() -> None:
    assert load_settings(dict(HTTP)).pulse_min_group == 5
    assert load_settings({**HTTP, "NUDGEBOT_PULSE_MIN_GROUP": "3"}).pulse_min_group == 3
    with pytest.raises(SettingsError):
        load_settings({**HTTP, "NUDGEBOT_PULSE_MIN_GROUP": "five"})


def _answer(bot: SlackDriver, round_id: int, user: str, leader: bool = False) -> str:
    with bot.sessions.begin() as s:
        return answers.save(
            s,
            team_id=bot.team,
            round_id=round_id,
            user_id=user,
            answer=Answer({st.commitment: 6 for st in STATEMENTS}, "more pairing"),
            keep_named=leader,
            key=KEY,
        )


def test_forget_me_removes_pulse_choices_and_own_ratings(bot: SlackDriver) -> None:
    people = [bot.user, *(slack_id("U") for _ in range(3))]
    round_id = start(bot, people)
    assert _answer(bot, round_id, bot.user, leader=True) == answers.OK
    with bot.sessions.begin() as s:
        answers.opt_out(s, team_id=bot.team, channel_id=bot.channel, user_id=bot.user)
    with bot.sessions.begin() as s:
        done = privacy.forget(s, team_id=bot.team, user_id=bot.user)
    assert (done.pulse_ratings, done.pulse_optouts, done.pulse_invites) == (10, 1, 1)
    left = rows(bot)
    assert bot.user not in repr(left)
    assert len(left["pulse_ratings"]) == 10  # the team's anonymous answer stays
    with bot.sessions() as s:  # the open round no longer counts them as invited
        assert s.get(PulseRound, round_id).invited == 3  # type: ignore[union-attr]


def test_the_export_holds_nothing_of_a_round(bot: SlackDriver) -> None:
    people = [slack_id("U") for _ in range(3)]
    round_id = start(bot, people)
    for user in people:
        assert _answer(bot, round_id, user) == answers.OK
    with bot.sessions.begin() as s:
        from bot.pulse import closing

        assert closing.close(s, round_id=round_id, now=NOW + timedelta(days=7))
    with bot.sessions() as s:
        log = read_log(s, team_id=bot.team)
        status = service.status(
            s, team_id=bot.team, channel_id=bot.channel, user_id=people[0], now=NOW
        )
    assert log.items == [] or all("pairing" not in repr(item) for item in log.items)
    assert "pairing" not in repr(log) and not any(p in repr(log) for p in people)
    assert status.latest is not None and status.latest.shown
    with bot.sessions() as s:
        assert s.get(PulseRound, round_id).secret is None  # type: ignore[union-attr]


def test_app_home_shows_shown_rounds_and_a_leaders_own_rating_to_them_alone(
    bot: SlackDriver,
) -> None:
    from bot.home import pulse as home_pulse
    from bot.pulse import closing

    people = [bot.user, *(slack_id("U") for _ in range(3))]
    hidden_round = start(bot, people)
    assert _answer(bot, hidden_round, people[1]) == answers.OK
    with bot.sessions.begin() as s:
        closing.close(s, round_id=hidden_round, now=NOW + timedelta(days=7))
    here = frozenset({bot.channel})
    with bot.sessions() as s:  # under the minimum group: nothing on App Home
        assert home_pulse.gather(s, team_id=bot.team, user_id=bot.user, channels=here) is None
    shown_round = start(bot, people)
    assert _answer(bot, shown_round, bot.user, leader=True) == answers.OK
    for user in people[1:]:
        assert _answer(bot, shown_round, user) == answers.OK
    with bot.sessions.begin() as s:
        closing.close(s, round_id=shown_round, now=NOW + timedelta(days=8))
    with bot.sessions() as s:
        mine = home_pulse.gather(s, team_id=bot.team, user_id=bot.user, channels=here)
        theirs = home_pulse.gather(s, team_id=bot.team, user_id=people[1], channels=here)
        elsewhere = home_pulse.gather(
            s, team_id=bot.team, user_id=people[1], channels=frozenset({"COTHER"})
        )
    assert mine is not None and theirs is not None and elsewhere is None
    assert "you: 6.0" in said({"blocks": [b.to_dict() for b in home_pulse.blocks(mine)]})
    assert "you:" not in said({"blocks": [b.to_dict() for b in home_pulse.blocks(theirs)]})
    assert theirs.lines[0].result.number == 2


def test_run_it_now_in_the_playground_reminds_then_closes(bot: SlackDriver) -> None:
    from playground import clock

    people = [slack_id("U") for _ in range(3)]
    round_id = start(bot, people)
    ctx = context(bot, NOW)
    sending.send_invites(bot.sessions, ctx.client, round_id, now=ctx.now)
    # Other tests' rounds share the database: look at this round only.
    for step in ("the reminder", "closing"):
        with bot.sessions() as s:
            found = clock.pulse_due(s, lambda c: "mine" if c == bot.channel else "other")
        (due,) = [d for d in found if "#mine" in d.what]
        assert due.what.startswith(step)
        clock.run_due(ctx, due)
    with bot.sessions() as s:
        rnd = s.get(PulseRound, round_id)
        assert rnd is not None and rnd.reminded_at is not None and rnd.status == "closed"
    reminded = [c for c in bot.slack.calls_to("chat.postMessage") if "reminder" in said(c.params)]
    assert sorted(c.params["channel"] for c in reminded if c.params["channel"] in people) == sorted(
        people
    )


def test_lines_that_do_not_fit_in_the_result_follow_in_its_thread(bot: SlackDriver) -> None:
    from bot.pulse import closing
    from schedules.pulse_job import post_result

    people = [slack_id("U") for _ in range(60)]
    round_id = start(bot, people)
    long_line = "we could write down what we decide, and why, where all can see it. " * 6
    for n, user in enumerate(people):
        with bot.sessions.begin() as s:
            answer = Answer({st.commitment: 6 for st in STATEMENTS}, f"{n:02d} {long_line}")
            answers.save(
                s,
                team_id=bot.team,
                round_id=round_id,
                user_id=user,
                answer=answer,
                keep_named=False,
                key=KEY,
            )
    with bot.sessions.begin() as s:
        closing.close(s, round_id=round_id, now=NOW + timedelta(days=7))
    from prometheus_client import REGISTRY

    def counted() -> float:
        labels = {"kind": "pulse_result", "outcome": "posted"}
        return REGISTRY.get_sample_value("nudgebot_posts_total", labels) or 0.0

    before = counted()
    assert post_result(context(bot, NOW), round_id) == "posted"
    assert post_result(context(bot, NOW), round_id) == "claimed elsewhere"
    # /metrics counts the result once (the second pass claimed nothing).
    assert counted() == before + 1
    posts = [
        c.params
        for c in bot.slack.calls_to("chat.postMessage")
        if c.params["channel"] == bot.channel
    ]
    assert len(posts) == 2 and posts[1]["thread_ts"] == the_round(bot).result_ts
    shown = said(posts[0]) + said(posts[1])
    assert all(f"{n:02d} we could" in shown for n in range(60))
    assert "More lines follow in the thread" in said(posts[0])


def test_a_failed_invitation_is_counted_in_one_line_and_the_rest_go_out(
    bot: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    people = [slack_id("U") for _ in range(6)]
    round_id = start(bot, people)
    bot.slack.fail("chat.postMessage", "messages_tab_disabled", channel=people[0])
    bot.slack.fail("chat.postMessage", "messages_tab_disabled", channel=people[1])
    ctx = context(bot, NOW)
    with caplog.at_level("INFO", logger="bot.pulse.sending"):
        done = sending.send_invites(bot.sessions, ctx.client, round_id, now=ctx.now, threads=2)
    assert done == {"sent": 4, "failed: messages_tab_disabled": 2}
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.pulse.sending"]
    assert len(lines) == 1 and lines[0].startswith(f"pulse round {round_id}: invitations")
    assert "'failed: messages_tab_disabled': 2" in lines[0] and "'sent': 4" in lines[0]
    assert not any(p in lines[0] for p in people)
