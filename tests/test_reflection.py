"""The weekly reflection for leaders: /nudge reflect on, off and status (leaders only to turn
it on), what it gathers from the database, its delivery (claimed first, sent once, to those
who opted in only; stopped for someone gone), and the next-week button: form, commitment,
and the follow-up asked in the DM thread on the due date."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.commitments import dates
from bot.commitments import service as commitments
from bot.errors import UserError
from bot.habits import delivery, practised
from bot.habits.commands import person_zone
from bot.habits.delivery import Claimed, Due
from bot.prompts.threads import Waiting
from bot.reflection import commands as reflection_commands
from bot.reflection import render, service
from bot.reflection.audience import Audience, Audiences
from bot.reflection.parsing import (
    DUE,
    FORM_UNREADABLE,
    REFLECT_USAGE,
    WHAT,
    FormContext,
    FormError,
    parse_reflect,
    read_next,
)
from bot.settings import Settings
from bot.slack import cache
from bot.slack.client import make_client
from handlers import reflection as reflection_handlers
from handlers.common import DirectReply
from models.nudges import NudgeDay, PersonalNudge
from models.queries import ensure_workspace
from models.tables import (
    Commitment,
    Prompt,
    Recognition,
    RecognitionRecipient,
    Response,
    Schedule,
    Workspace,
)
from schedules import reflection_job
from schedules.context import JobContext
from schedules.followups import run_followups
from schedules.nudges import NudgeSender
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.fake_slack import Call, Scripted
from tests.shown import shown, stray_controls

ZONE = "Europe/Berlin"
NOW = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)  # Friday, 16:00 in Berlin


@pytest.fixture
def leader(bot: SlackDriver) -> SlackDriver:
    bot.slack.add_user(bot.user, is_admin=True, tz=ZONE)
    return bot


def said(params: dict[str, Any]) -> str:
    blocks = params.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    text = str(params.get("text", "")) + "\n" + blocks_text(blocks)
    assert stray_controls(text) == [], stray_controls(text)
    return shown(text)


def nudges(sessions: sessionmaker[Session], team: str) -> list[PersonalNudge]:
    with sessions() as s:
        return list(s.scalars(select(PersonalNudge).where(PersonalNudge.team_id == team)))


def dms(bot: SlackDriver, channel: str) -> list[Call]:
    return [c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("channel") == channel]


# -- parsing (pure) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "action", "day", "minute", "zone"),
    [
        ("", "status", None, None, None),
        ("on fri 16:00", "on", 4, 960, None),
        ("ON Friday at 4pm", "on", 4, 960, None),
        ("on mon 08:30 tz Europe/Paris", "on", 0, 510, "Europe/Paris"),
        ("on sun 9 tz utc", "on", 6, 540, "UTC"),
        ("off", "off", None, None, None),
    ],
)
def test_parse_reflect(
    text: str, action: str, day: int | None, minute: int | None, zone: str | None
) -> None:
    parsed = parse_reflect(text)
    assert (parsed.action, parsed.day, parsed.at_minute, parsed.zone) == (
        action,
        day,
        minute,
        zone,
    )
    assert parsed.turning_on == (action == "on")


BAD = [
    ("on", "Give one day and a time"),
    ("on fri", "Give one day and a time (not *fri*)"),
    ("on fri 16:00 17:00", "Give one day and a time"),
    ("on weekdays 16:00", "weekly: pick one day"),
    ("on fry 16:00", "can't read *fry* as a day"),
    ("on fri 25:00", "can't read *25:00* as a time"),
    ("on fri 16:00 tz Mars/Base", "don't know the time zone *Mars/Base*"),
    ("off now", "needs nothing after it"),
    ("weekly", "doesn't have *weekly*"),
]


@pytest.mark.parametrize(("text", "words"), BAD)
def test_parse_reflect_refuses_with_the_form(text: str, words: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_reflect(text)
    assert words in caught.value.message
    assert caught.value.usage == REFLECT_USAGE


def _values(what: str | None, due: str | None) -> dict[str, Any]:
    return {
        WHAT: {WHAT: {"type": "plain_text_input", "value": what}},
        DUE: {DUE: {"type": "datepicker", "selected_date": due}},
    }


@pytest.mark.parametrize(
    ("what", "due", "field", "words"),
    [
        ("  ", "2026-03-20", WHAT, "Write one thing"),
        (None, "2026-03-20", WHAT, "Write one thing"),
        ("x" * 3001, "2026-03-20", WHAT, "under 3,000"),
        ("Thank Ana", None, DUE, "Pick a day"),
        ("Thank Ana", "2026-03-12", DUE, "has passed"),
        ("Thank Ana", "2027-03-14", DUE, "within a year"),
    ],
)
def test_the_form_refuses_by_field(
    what: str | None, due: str | None, field: str, words: str
) -> None:
    with pytest.raises(FormError) as caught:
        read_next(_values(what, due), date(2026, 3, 13))
    assert caught.value.field == field and words in caught.value.message


def test_the_form_reads_back() -> None:
    step = read_next(_values(" Thank Ana\x00 ", "2026-03-13"), date(2026, 3, 13))
    assert (step.text, step.due_on) == ("Thank Ana", date(2026, 3, 13))
    for meta in (FormContext("D0DM", ZONE), FormContext("", "UTC")):
        assert FormContext.load(meta.dump()) == meta


UNREADABLE = [
    "",
    "not json",
    "[]",
    "null",
    "[" * 3000,
    '{"c": 5, "z": "Europe/Berlin"}',
    '{"c": "C0TEAM", "z": "Europe/Berlin"}',  # a channel, where others would read the step
    '{"c": "<bad>", "z": "Europe/Berlin"}',
    '{"c": "D0DM"}',
    '{"c": "D0DM", "z": "Mars/Base"}',
    '{"c": "D0DM", "z": 2147483648}',
]


@pytest.mark.parametrize("raw", UNREADABLE)
def test_what_the_form_remembers_is_read_back_or_refused(raw: str) -> None:
    assert FormContext.load(raw) is None


# -- /nudge reflect --------------------------------------------------------------------------


def test_a_leader_turns_it_on_sees_it_and_turns_it_off(
    leader: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, key = leader.command("/nudge", "reflect on fri 16:00")
    assert reply.status == 200 and reply.body == "", reply.body
    answer = said(leader.slack.wait_response(key))
    assert "Your weekly reflection is on" in answer
    assert "every Fri at 16:00 (Europe/Berlin, following your Slack profile)" in answer
    [row] = nudges(sessions, leader.team)
    assert (row.user_id, row.kind, row.days, row.at_minute) == (leader.user, "reflection", "4", 960)
    assert (row.zone, row.zone_from_slack, row.status) == (ZONE, True, "active")
    assert row.next_at is not None and row.next_at.astimezone(UTC).weekday() == 4

    reply, key = leader.command("/nudge", "reflect")
    assert "comes every Fri at 16:00" in said(leader.slack.wait_response(key))

    reply, key = leader.command("/nudge", "reflect on mon 08:30 tz America/New_York")
    assert "every Mon at 08:30 (America/New_York)" in said(leader.slack.wait_response(key))
    [row] = nudges(sessions, leader.team)
    assert (row.days, row.zone, row.zone_from_slack) == ("0", "America/New_York", False)

    reply, key = leader.command("/nudge", "reflect off")
    assert "is off" in said(leader.slack.wait_response(key))
    [row] = nudges(sessions, leader.team)
    assert (row.status, row.next_at) == ("off", None)
    reply, key = leader.command("/nudge", "reflect off")
    assert "wasn't on, so nothing changed" in said(leader.slack.wait_response(key))
    reply, key = leader.command("/nudge", "reflect")
    assert "`/nudge reflect on mon 08:30`" in said(leader.slack.wait_response(key))


def test_without_a_slack_zone_the_workspace_zone_is_used(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    bot = make_bot(timezone="Asia/Tokyo")
    bot.slack.add_user(bot.user, is_owner=True)
    _reply, key = bot.command("/nudge", "reflect on thu 9:00")
    assert "(Asia/Tokyo, following your Slack profile)" in said(bot.slack.wait_response(key))
    [row] = nudges(sessions, bot.team)
    assert row.zone == "Asia/Tokyo"


def test_nudgebot_leaders_may_turn_it_on(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    chosen = slack_id("U")
    bot = make_bot(leaders=frozenset({chosen}))
    _reply, key = bot.command("/nudge", "reflect on fri 16:00", user=chosen)
    assert "is on" in said(bot.slack.wait_response(key))
    assert [r.user_id for r in nudges(sessions, bot.team)] == [chosen]


def test_someone_else_may_not_turn_it_on_but_may_ask_and_turn_it_off(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, key = bot.command("/nudge", "reflect on fri 16:00")
    assert reply.status == 200 and reply.body == ""
    refusal = said(bot.slack.wait_response(key))
    assert "Only admins and the team's leaders can turn on the weekly reflection" in refusal
    assert nudges(sessions, bot.team) == []
    _reply, key = bot.command("/nudge", "reflect")
    assert "Your weekly reflection is off" in said(bot.slack.wait_response(key))
    _reply, key = bot.command("/nudge", "reflect off")
    assert "wasn't on" in said(bot.slack.wait_response(key))
    assert nudges(sessions, bot.team) == []


@pytest.mark.parametrize(("text", "words"), BAD)
def test_bad_input_is_answered_in_the_ack_and_stores_nothing(
    leader: SlackDriver, sessions: sessionmaker[Session], text: str, words: str
) -> None:
    reply, key = leader.command("/nudge", f"reflect {text}")
    assert reply.status == 200 and reply.json["response_type"] == "ephemeral"
    assert words in shown(reply.text)
    assert f"Try: `{REFLECT_USAGE}`" in shown(reply.text)
    assert nudges(sessions, leader.team) == []
    assert leader.slack.responses[key] == []


# -- what the reflection gathers -------------------------------------------------------------


def _kudos(s: Session, team: str, channel: str, giver: str, to: list[str], at: datetime) -> None:
    s.add(
        Recognition(
            team_id=team,
            channel_id=channel,
            giver_id=giver,
            reason="the demo",
            practice="heart",
            commitment="recognise",
            created_at=at,
            recipients=[RecognitionRecipient(team_id=team, user_id=u) for u in to],
        )
    )


def _said(
    s: Session, team: str, channel: str, user: str | None, kind: str, text: str, **kw: Any
) -> Response:
    practice = {"idea": "challenge", "pilot": "challenge", "hope": "vision", "learning": "enable"}
    row = Response(
        team_id=team,
        channel_id=channel,
        user_id=user,
        kind=kind,
        practice=practice[kind],
        commitment="change",
        text=text,
        source="command",
        **kw,
    )
    if kind in ("idea", "hope", "pilot"):  # shown as a message of its own, with a thread
        row.message_ts = f"{row.created_at.timestamp() if row.created_at else 0:.6f}"
    s.add(row)
    s.flush()
    return row


def _promise(
    s: Session,
    team: str,
    user: str,
    text: str,
    due: date,
    status: str = "open",
    answered: datetime | None = None,
) -> None:
    made = commitments.create(
        s,
        team_id=team,
        channel_id="C0ONE",
        user_id=user,
        text=text,
        due_on=due,
        zone=ZONE,
        message_ts=None,
        now=NOW - timedelta(days=20),
    )
    row = s.get(Commitment, made.id)
    assert row is not None
    row.status, row.answered_at = status, answered


def test_gather_reads_the_leaders_week(sessions: sessionmaker[Session]) -> None:
    team, lead, ana, ben, cal, dev = (slack_id(p) for p in "TUUUUU")
    one, two, three = "C0ONE", "C0TWO", "C0THREE"
    day = timedelta(days=1)
    with sessions.begin() as s:
        ensure_workspace(s, team)
        _promise(s, team, lead, "Kept lately", date(2026, 3, 10), "kept", NOW - 2 * day)
        _promise(s, team, lead, "Kept long ago", date(2026, 3, 1), "kept", NOW - 10 * day)
        _promise(s, team, lead, "Dropped openly", date(2026, 3, 11), "dropped", NOW - day)
        _promise(s, team, lead, "Overdue one", date(2026, 3, 10))
        _promise(s, team, lead, "Due today", date(2026, 3, 13))
        _promise(s, team, lead, "Due later", date(2026, 3, 18))
        _promise(s, team, ana, "Someone else's", date(2026, 3, 10), "kept", NOW - day)
        _kudos(s, team, one, lead, [ana, ben], NOW - 3 * day)
        _kudos(s, team, one, lead, [ana], NOW - 5 * day)
        _kudos(s, team, one, lead, [cal], NOW - 40 * day)
        _kudos(s, team, one, dev, [dev, cal], NOW - day)
        waiting = _said(s, team, one, ana, "idea", "Demo Fridays", created_at=NOW - 10 * day)
        late = _said(
            s, team, two, ben, "hope", "Calmer releases",
            created_at=NOW - 12 * day, answered_at=NOW - 3 * day,
        )  # fmt: skip
        _said(
            s, team, one, ben, "idea", "Answered soon",
            created_at=NOW - 10 * day, answered_at=NOW - 8 * day,
        )  # fmt: skip
        _said(s, team, three, ana, "idea", "Elsewhere", created_at=NOW - 10 * day)
        _said(s, team, one, ana, "idea", "Too new to chase", created_at=NOW - 3 * day)
        _said(s, team, one, ana, "idea", "Asked about last week", created_at=NOW - 15 * day)
        _said(s, team, one, ben, "pilot", "Asked about last week", created_at=NOW - 38 * day)
        pilot = _said(s, team, one, ben, "pilot", "Pair on reviews", created_at=NOW - 35 * day)
        taught = _said(s, team, two, ben, "pilot", "Async stand-ups", created_at=NOW - 40 * day)
        _said(
            s,
            team,
            two,
            ana,
            "learning",
            "It works",
            created_at=NOW - 30 * day,
            parent_id=taught.id,
        )
        _said(
            s, team, one, lead, "hope", "The leader's own hope",
            created_at=NOW - 20 * day, answered_at=NOW - 19 * day,
        )  # fmt: skip

    with sessions() as s:
        found = service.gather(
            s,
            team_id=team,
            user_id=lead,
            now=NOW,
            zone=ZONE,
            channel_ids=[one, two],
            members={lead, ana, cal, dev},
        )
        least = practised.least_practised(s, team_id=team, user_id=lead, now=NOW)
    assert [p.text for p in found.kept] == ["Kept lately"]
    assert [p.text for p in found.dropped] == ["Dropped openly"]
    assert [p.text for p in found.overdue] == ["Overdue one"]
    assert (found.recognised, found.recognised_members, found.members) == (2, 1, 3)
    assert [w.id for w in found.unanswered] == [late.id, waiting.id]
    assert found.shared == 3  # the two, and the idea answered within a week
    assert [w.id for w in found.pilots] == [pilot.id]
    # model: 6 made + 1 kept; vision: 1 hope; heart: 3 kudos; challenge and enable: none.
    assert (found.least, found.least_count, least) == ("challenge", 0, "challenge")
    assert found.channel_ids == (one, two) and found.today == date(2026, 3, 13)

    with sessions() as s:
        unknown = service.gather(
            s, team_id=team, user_id=lead, now=NOW, zone=ZONE, channel_ids=[], members=None
        )
    assert (unknown.recognised, unknown.recognised_members, unknown.members) == (2, None, None)
    assert unknown.unanswered == () and unknown.pilots == () and unknown.shared == 0


def test_an_idea_or_pilot_is_brought_up_in_one_reflection_only(
    sessions: sessionmaker[Session],
) -> None:
    """Ten weekly reflections in a row, each a week after the last: an idea nobody ever
    answers is in one of them, a pilot that never taught anything in one; the leader's own
    commitment, still open after its due date, is in every one."""
    team, lead, ana = slack_id("T"), slack_id("U"), slack_id("U")
    channel = "C0ONE"
    with sessions.begin() as s:
        ensure_workspace(s, team)
        _said(s, team, channel, ana, "idea", "Demo Fridays", created_at=NOW - timedelta(hours=30))
        _said(s, team, channel, ana, "pilot", "Pair on reviews", created_at=NOW - timedelta(days=4))
        _promise(s, team, lead, "Share the numbers", date(2026, 3, 12))
    seen: list[tuple[int, ...]] = []
    for week in range(10):
        with sessions() as s:
            found = service.gather(
                s,
                team_id=team,
                user_id=lead,
                now=NOW + timedelta(weeks=week),
                zone=ZONE,
                channel_ids=[channel],
            )
        seen.append((len(found.unanswered), len(found.pilots), len(found.overdue)))
        assert found.shared == len(found.unanswered)  # nobody answers, ever
    assert [w for w, _p, _o in seen] == [0, 1, 0, 0, 0, 0, 0, 0, 0, 0], seen
    assert [p for _w, p, _o in seen] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0], seen
    assert [o for _w, _p, o in seen] == [1] * 10


def _rendered(found: service.Reflection) -> str:
    message = render.reflection(found)
    return shown(message.text + "\n" + blocks_text(message.kwargs()["blocks"]))


@pytest.mark.parametrize(
    ("shared", "waiting", "says"),
    [
        (0, 0, None),
        (1, 0, "The idea or hope shared in your channels last week got an answer within a week"),
        (3, 0, "All 3 ideas and hopes shared in your channels last week got an answer"),
        (3, 1, "Shared last week, with no reply within a week"),
    ],
)
def test_all_answered_is_said_only_when_something_was_shared(
    shared: int, waiting: int, says: str | None
) -> None:
    item = Waiting(1, "C0ONE", "idea", "Demo Fridays", NOW - timedelta(days=9), "UANA")
    found = service.Reflection(
        user_id="ULEAD", zone=ZONE, today=NOW.date(), kept=(), dropped=(), overdue=(),
        recognised=0, recognised_members=None, members=None, channel_ids=("C0ONE",),
        shared=shared, unanswered=(item,) * waiting, pilots=(), least="model", least_count=0,
    )  # fmt: skip
    text = _rendered(found)
    assert ("got an answer" in text) == (says is not None and waiting == 0), text
    if says:
        assert says in text


def test_active_channels_are_where_something_happened_lately(
    sessions: sessionmaker[Session],
) -> None:
    team, other, user = slack_id("T"), slack_id("T"), slack_id("U")
    recent, old = NOW - timedelta(days=10), NOW - timedelta(days=100)
    with sessions.begin() as s:
        ensure_workspace(s, team)
        ensure_workspace(s, other)
        s.add(
            Prompt(
                team_id=team, channel_id="C1PROMPT", practice="heart", commitment="recognise",
                prompt_key="k", response_kind="kudos", text="?", created_at=recent,
            )
        )  # fmt: skip
        for channel, deleted in (("C2LIVE", False), ("C3GONE", True)):
            s.add(
                Schedule(
                    team_id=team, channel_id=channel, kind="prompt", practice="rotate",
                    cron="0 9 * * 1", zone=ZONE, deleted=deleted,
                )
            )  # fmt: skip
        _kudos(s, team, "G4KUDOS", user, [slack_id("U")], recent)
        _said(s, team, "C5OLD", user, "idea", "old", created_at=old)
        _said(s, team, "D6DIRECT", user, "idea", "in a DM", created_at=recent)
        _said(s, other, "C7OTHER", user, "idea", "another team", created_at=recent)
        _promise(s, team, user, "made here", date(2026, 3, 20))  # in C0ONE, 20 days ago
    with sessions() as s:
        found = service.active_channels(s, team_id=team, now=NOW)
    assert found == ["C0ONE", "C1PROMPT", "C2LIVE", "G4KUDOS"]


# -- delivery --------------------------------------------------------------------------------


def context(bot: SlackDriver, now: datetime) -> JobContext:
    client = make_client(
        Settings(bot_token="xoxb-t", signing_secret="s", api_url=bot.slack.api_url)
    )
    return JobContext(sessions=bot.sessions, client=client, now=lambda: now)


def turn_on(bot: SlackDriver, user: str | None = None) -> PersonalNudge:
    who = user or bot.user
    _reply, key = bot.command("/nudge", "reflect on fri 16:00", user=who)
    assert "is on" in said(bot.slack.wait_response(key))
    return next(r for r in nudges(bot.sessions, bot.team) if r.user_id == who)


def claim(bot: SlackDriver, row: PersonalNudge, now: datetime) -> Claimed | None:
    assert row.next_at is not None
    with bot.sessions.begin() as s:
        return delivery.claim(
            s, Due(row.id, row.next_at), now=now, grace=timedelta(hours=1), worker="test"
        )


def day_of(bot: SlackDriver, claimed: Claimed) -> NudgeDay:
    with bot.sessions() as s:
        found = s.get(NudgeDay, claimed.day_id)
        assert found is not None
        return found


def script_audience(bot: SlackDriver, members: list[str]) -> None:
    page = {"response_metadata": {"next_cursor": ""}}
    bot.slack.script(
        "users.conversations",
        Scripted(body={"ok": True, "channels": [{"id": bot.channel}], **page}),
    )
    bot.slack.script(
        "conversations.members", Scripted(body={"ok": True, "members": members, **page})
    )
    bot.slack.script(
        "users.list",
        Scripted(body={"ok": True, "members": [{"id": "UHELPERBOT", "is_bot": True}], **page}),
    )


def test_the_reflection_is_claimed_then_sent_once_to_whoever_opted_in(leader: SlackDriver) -> None:
    ana, ben = slack_id("U"), slack_id("U")
    row = turn_on(leader)
    assert row.next_at is not None
    now = row.next_at + timedelta(seconds=5)
    with leader.sessions.begin() as s:
        _kudos(s, leader.team, leader.channel, leader.user, [ana], now - timedelta(days=2))
        _said(s, leader.team, leader.channel, ana, "idea", "Demo <Fridays> & more",
              created_at=now - timedelta(days=9))  # fmt: skip
    # Ben turned it on once, then off: nothing is due for him.
    leader.slack.add_user(ben, is_admin=True)
    turn_on(leader, ben)
    _reply, key = leader.command("/nudge", "reflect off", user=ben)
    leader.slack.wait_response(key)
    with leader.sessions() as s:
        due = delivery.due(s, now=now, limit=10_000)
    mine = {r.id for r in nudges(leader.sessions, leader.team)}
    assert [d.id for d in due if d.id in mine] == [row.id]

    script_audience(leader, [leader.user, ana, ben, "UHELPERBOT"])
    claimed = claim(leader, row, now)
    assert claimed is not None
    assert reflection_job.deliver(context(leader, now), claimed) == "sent"
    assert claim(leader, row, now + timedelta(seconds=30)) is None  # claimed once, sent once

    [dm] = dms(leader, leader.user)
    text = said(dm.params)
    assert "Your week, looking back" in text
    assert "You recognised *1 of the 2 people* in your channels" in text  # not the bot, not me
    assert f"shared an idea in <#{leader.channel}>" in text and "Demo <Fridays> & more" in text
    assert "What will you do next week?" in text
    assert dms(leader, ben) == []
    day = day_of(leader, claimed)
    assert (day.status, day.channel_id) == ("sent", leader.user)
    assert day.message_ts and day.message_ts.startswith("1700000000.")


def reflections_to(bot: SlackDriver, user: str) -> list[Call]:
    return [
        c
        for c in dms(bot, user)
        if str(c.params.get("text", "")).startswith("Your weekly reflection")
    ]


def test_the_scheduler_sends_a_due_reflection_once(leader: SlackDriver) -> None:
    """Through the sender the scheduler runs: claimed, sent as one DM, recorded; a second
    pass (another process, or the next tick) sends nothing."""
    row = turn_on(leader)
    assert row.next_at is not None
    now = row.next_at + timedelta(seconds=5)
    script_audience(leader, [leader.user, slack_id("U")])
    first = NudgeSender(context(leader, now), threads=4)
    try:
        first.run()
    finally:
        first.stop()
    [dm] = reflections_to(leader, leader.user)
    assert "Your week, looking back" in said(dm.params)
    with leader.sessions() as s:
        [day] = s.scalars(select(NudgeDay).where(NudgeDay.nudge_id == row.id)).all()
    assert (day.status, day.channel_id) == ("sent", leader.user)
    assert day.message_ts and day.message_ts.startswith("1700000000.")

    again = NudgeSender(context(leader, now + timedelta(seconds=15)), threads=4)
    try:
        again.run()
    finally:
        again.stop()
    assert len(reflections_to(leader, leader.user)) == 1
    with leader.sessions() as s:
        assert len(s.scalars(select(NudgeDay).where(NudgeDay.nudge_id == row.id)).all()) == 1


def _dnd_on(bot: SlackDriver) -> None:
    bot.slack.dnd[bot.user] = {"snooze_enabled": True, "snooze_endtime": 4102444800}


def _away(bot: SlackDriver) -> None:
    bot.slack.add_user(bot.user, profile={"status_emoji": ":palm_tree:"})


@pytest.mark.parametrize(
    ("break_it", "outcome", "status", "tried"),
    [
        (lambda bot: bot.slack.remove_user(bot.user), "stopped", "stopped", 0),
        (lambda bot: bot.slack.add_user(bot.user, deleted=True), "stopped", "stopped", 0),
        (lambda bot: bot.slack.fail("users.info", "account_inactive"), "stopped", "stopped", 0),
        (lambda bot: bot.slack.fail("chat.postMessage", "cannot_dm_bot"), "stopped", "stopped", 1),
        (_away, "away", "active", 0),
        (_dnd_on, "away", "active", 0),
        (
            lambda bot: bot.slack.fail("chat.postMessage", "internal_error"),
            "internal_error",
            "active",
            1,
        ),
    ],
)
def test_someone_away_or_gone_gets_no_reflection(
    leader: SlackDriver,
    break_it: Callable[[SlackDriver], None],
    outcome: str,
    status: str,
    tried: int,
) -> None:
    """Gone (left, deactivated, DMs blocked) stops the reflection, once; away skips this
    week's; a passing failure is recorded. Nothing is retried."""
    row = turn_on(leader)
    assert row.next_at is not None
    now = row.next_at + timedelta(seconds=5)
    claimed = claim(leader, row, now)
    assert claimed is not None
    break_it(leader)
    assert reflection_job.deliver(context(leader, now), claimed) == outcome
    assert len(dms(leader, leader.user)) == tried  # refused by Slack when tried
    [after] = nudges(leader.sessions, leader.team)
    assert after.status == status
    assert day_of(leader, claimed).status == ("away" if outcome == "away" else "failed")
    assert claim(leader, row, now + timedelta(minutes=1)) is None


# -- the next-week button --------------------------------------------------------------------


def click_next(bot: SlackDriver, dm: str, key: str) -> Any:
    return bot.interaction(
        {
            "type": "block_actions",
            "team": {"id": bot.team, "domain": "fake"},
            "user": {"id": bot.user, "team_id": bot.team},
            "api_app_id": "A0NUDGE",
            "trigger_id": f"trigger-{key}",
            "channel": {"id": dm, "name": "directmessage"},
            "container": {"type": "message", "message_ts": "1.1"},
            "response_url": bot.slack.response_url(key),
            "actions": [{"action_id": "reflection_next", "value": "next_week", "type": "button"}],
        }
    )


def submit_next(bot: SlackDriver, meta: str, what: str | None, due: str | None) -> Any:
    return bot.interaction(
        {
            "type": "view_submission",
            "team": {"id": bot.team, "domain": "fake"},
            "user": {"id": bot.user, "team_id": bot.team},
            "api_app_id": "A0NUDGE",
            "trigger_id": "trigger-view",
            "view": {
                "id": slack_id("V"),
                "team_id": bot.team,
                "type": "modal",
                "callback_id": "reflection_next_form",
                "private_metadata": meta,
                "state": {"values": _values(what, due)},
                "hash": "1",
            },
        }
    )


def commitment_rows(bot: SlackDriver) -> list[Commitment]:
    with bot.sessions() as s:
        return list(s.scalars(select(Commitment).where(Commitment.team_id == bot.team)))


def test_next_week_button_to_commitment_to_follow_up_in_the_dm(leader: SlackDriver) -> None:
    turn_on(leader)
    dm, key = "D" + leader.user[1:], slack_id("R")
    assert click_next(leader, dm, key).status == 200
    [opened] = leader.slack.wait_for(
        lambda: [
            c
            for c in leader.slack.calls_to("views.open")
            if c.params.get("trigger_id") == f"trigger-{key}"
        ]
    )
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "reflection_next_form"
    today = dates.today_in(ZONE, datetime.now(UTC))
    due = today + timedelta(days=7)
    assert f'"initial_date": "{due.isoformat()}"' in json.dumps(view)
    meta = view["private_metadata"]
    assert FormContext.load(meta) == FormContext(dm, ZONE)

    for what, on, field in (
        ("  ", due, WHAT),
        ("Thank Ana", today - timedelta(days=1), DUE),
        ("Thank Ana", dates.add_years(today, 1) + timedelta(days=1), DUE),
    ):
        refused = submit_next(leader, meta, what, on.isoformat())
        assert refused.json["response_action"] == "errors", refused.body
        assert list(refused.json["errors"]) == [field]
    assert commitment_rows(leader) == []

    done = submit_next(
        leader, meta, "Ask Dev what <one thing> would help & try it", due.isoformat()
    )
    assert done.status == 200 and done.body == "", done.body
    [row] = leader.slack.wait_for(lambda: commitment_rows(leader))
    [confirmed] = leader.slack.wait_for(lambda: dms(leader, dm))
    text = said(confirmed.params)
    assert (
        "Your step for next week" in text and "Ask Dev what <one thing> would help & try it" in text
    )
    assert (row.channel_id, row.user_id, row.due_on, row.zone) == (dm, leader.user, due, ZONE)
    assert row.text == "Ask Dev what &lt;one thing&gt; would help &amp; try it"
    assert row.message_ts and row.status == "open"

    asked_at = dates.at_local(due, ZONE, 10) + timedelta(minutes=1)
    assert run_followups(context(leader, asked_at)) >= 1
    [question] = [c for c in dms(leader, dm) if c.params.get("thread_ts") == row.message_ts]
    assert "how did your commitment go" in said(question.params).lower()


@pytest.mark.parametrize("raw", UNREADABLE[:8])
def test_a_form_that_cant_be_read_back_stays_open_with_a_kind_word(
    leader: SlackDriver, raw: str
) -> None:
    due = (dates.today_in(ZONE, datetime.now(UTC)) + timedelta(days=3)).isoformat()
    refused = submit_next(leader, raw, "Thank Ana", due)
    assert refused.status == 200 and refused.json["response_action"] == "errors", refused.body
    assert refused.json["errors"] == {WHAT: FORM_UNREADABLE}
    assert "can't read this form" in FORM_UNREADABLE
    assert commitment_rows(leader) == []


def test_a_button_outside_a_direct_message_confirms_the_step_in_the_dm(
    leader: SlackDriver,
) -> None:
    turn_on(leader)
    key = slack_id("R")
    assert click_next(leader, leader.channel, key).status == 200
    [opened] = leader.slack.wait_for(
        lambda: [
            c
            for c in leader.slack.calls_to("views.open")
            if c.params.get("trigger_id") == f"trigger-{key}"
        ]
    )
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert FormContext.load(view["private_metadata"]) == FormContext("", ZONE)


def test_a_full_pool_keeps_the_form_open(
    leader: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reflection_handlers, "queue", lambda *_a, **_k: False)
    meta = FormContext("D0DM", ZONE).dump()
    due = (dates.today_in(ZONE, datetime.now(UTC)) + timedelta(days=3)).isoformat()
    refused = submit_next(leader, meta, "Thank Ana", due)
    assert refused.json["response_action"] == "errors"
    assert "very busy" in refused.json["errors"][WHAT]
    with leader.sessions() as s:
        count = s.scalar(
            select(func.count()).select_from(Commitment).where(Commitment.team_id == leader.team)
        )
    assert count == 0


def due_now(bot: SlackDriver) -> tuple[datetime, Claimed]:
    """Turn the reflection on and claim its first day, a few seconds after it is due."""
    row = turn_on(bot)
    assert row.next_at is not None
    now = row.next_at + timedelta(seconds=5)
    claimed = claim(bot, row, now)
    assert claimed is not None
    return now, claimed


def test_a_new_slack_zone_is_followed_and_a_dnd_failure_still_sends(leader: SlackDriver) -> None:
    now, claimed = due_now(leader)
    leader.slack.add_user(leader.user, is_admin=True, tz="Asia/Tokyo")
    leader.slack.fail("dnd.info", "internal_error")
    assert reflection_job.deliver(context(leader, now), claimed) == "sent"
    [after] = nudges(leader.sessions, leader.team)
    assert after.zone == "Asia/Tokyo" and after.at_minute == 960
    assert after.next_at is not None
    assert after.next_at.astimezone(ZoneInfo("Asia/Tokyo")).hour == 16

    later = after.next_at + timedelta(seconds=5)
    leader.slack.fail("dnd.info", "user_not_found")
    claimed_later = claim(leader, after, later)
    assert claimed_later is not None
    assert reflection_job.deliver(context(leader, later), claimed_later) == "stopped"


def test_slack_out_of_reach_is_a_failed_day(
    leader: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    now, claimed = due_now(leader)
    ctx = context(leader, now)

    def unreachable(**_: Any) -> Any:
        raise ConnectionError("no route")

    monkeypatch.setattr(ctx.client, "users_info", unreachable)
    assert reflection_job.deliver(ctx, claimed) == "failed"
    assert day_of(leader, claimed).status == "failed"
    assert [r.status for r in nudges(leader.sessions, leader.team)] == ["active"]


def test_a_workspace_that_let_the_bot_go_stops_its_work(leader: SlackDriver) -> None:
    now, claimed = due_now(leader)
    leader.slack.fail("chat.postMessage", "token_revoked")
    assert reflection_job.deliver(context(leader, now), claimed) == "failed"
    with leader.sessions() as s:
        gone = s.get(Workspace, leader.team)
        assert gone is not None and gone.inactive_reason == "token_revoked"


def test_the_audience_never_raises_for_slack(leader: SlackDriver) -> None:
    client = context(leader, NOW).client
    audiences, team, lead = Audiences(), leader.team, leader.user
    leader.slack.fail("users.conversations", "internal_error")
    assert audiences.of(client, team, lead, [leader.channel]) == Audience((), None)

    page = {"response_metadata": {"next_cursor": ""}}
    theirs = {"ok": True, "channels": [{"id": leader.channel}, {"id": "C0QUIET"}], **page}
    leader.slack.script("users.conversations", Scripted(body=theirs))
    leader.slack.fail("conversations.members", "not_in_channel")
    found = audiences.of(client, team, lead, [leader.channel, "C0ELSE"])
    assert found == Audience((leader.channel,), None)  # in it, but its members unknown

    members = {"ok": True, "members": [lead, "UANA", "UHELPERBOT"], **page}
    leader.slack.script("conversations.members", Scripted(body=members))
    leader.slack.fail("users.list", "ratelimited")
    found = audiences.of(client, team, lead, [leader.channel])
    assert found == Audience((leader.channel,), None)  # which are people is unknown: not counted


def test_users_list_is_asked_once_per_workspace_however_many_reflections_wait(
    leader: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """48 reflections due together (the sender's threads) need the workspace's bots: one
    users.list, the others wait for it. A refusal is kept for a minute, then asked again."""
    clock = [time.monotonic()]
    monkeypatch.setattr(cache, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    client, audiences = context(leader, NOW).client, Audiences()
    page = {"response_metadata": {"next_cursor": ""}}
    bots = {"ok": True, "members": [{"id": "UHELPERBOT", "is_bot": True}], **page}

    def all_at_once(team: str) -> set[frozenset[str]]:
        start = threading.Barrier(48)

        def one() -> frozenset[str]:
            start.wait()
            return audiences.not_people(client, team)

        with ThreadPoolExecutor(48) as pool:
            return set(pool.map(lambda _: one(), range(48)))

    def asked() -> int:
        return len(leader.slack.calls_to("users.list"))

    before = asked()
    leader.slack.script("users.list", Scripted(body=bots, delay=0.3))
    assert all_at_once(leader.team) == {frozenset({"USLACKBOT", "UHELPERBOT"})}
    assert asked() == before + 1

    limited = slack_id("T")  # another workspace, rate limited
    refused = Scripted(body={"ok": False, "error": "ratelimited"}, delay=0.3)
    leader.slack.script("users.list", refused)
    assert all_at_once(limited) == {frozenset({"USLACKBOT"})}
    assert asked() == before + 2
    clock[0] += 59
    assert audiences.not_people(client, limited) == frozenset({"USLACKBOT"})
    assert asked() == before + 2  # the refusal is kept a minute
    clock[0] += 2
    leader.slack.script("users.list", Scripted(body=bots))
    assert audiences.not_people(client, limited) == frozenset({"USLACKBOT", "UHELPERBOT"})
    assert audiences.not_people(client, limited) == frozenset({"USLACKBOT", "UHELPERBOT"})
    assert asked() == before + 3


def test_the_schedulers_audience_cache_forgets_within_five_minutes(
    leader: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """forget-me can't reach the scheduler's process: what it caches about people is asked
    again of Slack after five minutes, so a forgotten person's id doesn't stay there."""
    clock = [time.monotonic()]
    monkeypatch.setattr(cache, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    client, ana = context(leader, NOW).client, slack_id("U")

    def asked() -> tuple[int, int]:
        theirs = [
            c
            for c in leader.slack.calls_to("users.conversations")
            if c.params.get("user") == leader.user
        ]
        members = [
            c
            for c in leader.slack.calls_to("conversations.members")
            if c.params.get("channel") == leader.channel
        ]
        return len(theirs), len(members)

    script_audience(leader, [leader.user, ana])
    found = reflection_job.AUDIENCES.of(client, leader.team, leader.user, [leader.channel])
    assert found.members == frozenset({ana}) and asked() == (1, 1)
    clock[0] += 299
    assert reflection_job.AUDIENCES.of(client, leader.team, leader.user, [leader.channel]) == found
    assert asked() == (1, 1)  # still cached
    clock[0] += 2
    script_audience(leader, [leader.user])  # Ana asked to be forgotten, and left
    again = reflection_job.AUDIENCES.of(client, leader.team, leader.user, [leader.channel])
    assert asked() == (2, 2) and again.members == frozenset()


def test_a_zone_slack_wont_tell_is_the_workspace_zone(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    chosen = slack_id("U")
    bot = make_bot(leaders=frozenset({chosen}), timezone="Asia/Tokyo")
    bot.slack.fail("users.info", "internal_error")
    _reply, key = bot.command("/nudge", "reflect on fri 16:00", user=chosen)
    assert "is on" in said(bot.slack.wait_response(key))
    assert [r.zone for r in nudges(sessions, bot.team)] == ["Asia/Tokyo"]


def test_a_step_that_cannot_be_saved_is_taken_back_and_said(
    leader: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("database down")

    monkeypatch.setattr(commitments, "create", broken)
    leader.slack.fail("chat.delete", "internal_error")  # taking it back may fail too: logged
    dm = "D" + leader.user[1:]
    meta = FormContext(dm, ZONE).dump()
    due = (dates.today_in(ZONE, datetime.now(UTC)) + timedelta(days=3)).isoformat()
    assert submit_next(leader, meta, "Thank Ana for the launch", due).body == ""
    leader.slack.wait_calls("chat.delete")
    apology = leader.slack.wait_for(
        lambda: [c for c in dms(leader, dm) if "wrong" in said(c.params)]
    )
    assert "Thank Ana for the launch" in said(apology[0].params)  # their words, given back
    assert commitment_rows(leader) == []


def test_replies_after_the_form_closed_go_through_the_shared_direct_reply(
    leader: SlackDriver,
) -> None:
    """One reply-by-DM for every form (handlers.common.DirectReply), and one Slack zone
    lookup for every personal nudge (bot.habits.commands.person_zone)."""
    assert reflection_handlers.DirectReply is DirectReply
    assert not hasattr(reflection_handlers, "_Direct")
    assert reflection_commands.person_zone is person_zone
    assert not hasattr(reflection_commands, "slack_zone")
    dm = "D" + leader.user[1:]
    DirectReply(context(leader, NOW).client, dm)(text="Saved.", blocks=None, replace_original=False)
    [posted] = dms(leader, dm)
    assert posted.params.get("text") == "Saved."
