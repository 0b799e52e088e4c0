"""Services on a real, migrated database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Engine, Integer, MetaData, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import models.measure_indexes  # (its indexes are part of the schema compared below)
import models.pulse  # (its tables are part of the schema compared below)
import models.retention  # noqa: F401  (its table is part of the schema compared below)
from bot import catalogue
from bot.errors import UserError
from bot.measures import attention
from bot.measures.balance import Balance, Rate
from bot.progress import service as progress
from bot.prompts import responses
from bot.prompts import service as prompts
from bot.recognition import service as recognition
from bot.statements import service as statements
from models.base import Base
from models.db import make_engine
from models.migrate import downgrade, upgrade
from models.queries import ensure_workspace
from models.rollups import ActivityDay  # noqa: F401  (its table is part of the schema compared below)
from models.tables import Prompt, Recognition, RecognitionRecipient, Response, Statement
from tests.driver import slack_id

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
TABLES = {
    "workspaces",
    "prompts",
    "recognitions",
    "recognition_recipients",
    "responses",
    "statements",
}

Sessions = sessionmaker[Session]


@pytest.fixture
def team() -> str:
    return slack_id("T")


@pytest.fixture
def channel() -> str:
    return slack_id("C")


def kudos(
    sessions: Sessions,
    team: str,
    *,
    giver: str = "UGIVER",
    recipients: tuple[str, ...] = ("UANA",),
    practice: str | None = None,
    now: datetime = NOW,
    channel: str = "CKUDOS",
    **kw: object,
) -> recognition.KudosGiven | None:
    with sessions.begin() as s:
        return recognition.give_kudos(
            s,
            team_id=team,
            channel_id=channel,
            giver_id=giver,
            recipients=recipients,
            reason="for the retro",
            practice=practice,
            now=now,
            **{"daily_cap": None, "zone": "UTC", **kw},  # type: ignore[arg-type]
        )


def log(
    sessions: Sessions,
    team: str,
    kind: str,
    *,
    user: str | None = "UAUTHOR",
    now: datetime = NOW,
    channel: str = "CLOG",
    **kw: object,
) -> responses.Logged | None:
    with sessions.begin() as s:
        return responses.log_response(
            s,
            team_id=team,
            channel_id=channel,
            user_id=user,
            kind=kind,
            text=f"a {kind}",
            source="command",
            now=now,
            **kw,  # type: ignore[arg-type]
        )


# --- kudos --------------------------------------------------------------------------------------


def test_give_kudos_writes_rows_and_recipients(sessions: Sessions, team: str) -> None:
    given = kudos(sessions, team, recipients=("UANA", "UBEN", "UCAT"))
    assert given is not None
    assert given.recipients == ("UANA", "UBEN", "UCAT")
    assert (given.practice, given.commitment) == ("heart", "recognise")
    with sessions() as s:
        row = s.get(Recognition, given.id)
        assert row is not None
        assert (row.team_id, row.channel_id, row.giver_id) == (team, "CKUDOS", "UGIVER")
        assert row.reason == "for the retro"
        assert (row.practice, row.commitment) == ("heart", "recognise")
        assert row.created_at == NOW and row.created_at.tzinfo is not None
        assert [r.user_id for r in row.recipients] == ["UANA", "UBEN", "UCAT"]
        assert {r.team_id for r in row.recipients} == {team}


@pytest.mark.parametrize("practice", catalogue.PRACTICES, ids=lambda p: p.key)
def test_give_kudos_tagged_practice(
    sessions: Sessions, team: str, practice: catalogue.Practice
) -> None:
    given = kudos(sessions, team, practice=practice.key)
    assert given is not None
    assert (given.practice, given.commitment) == (practice.key, practice.tag_commitment)
    with sessions() as s:
        row = s.get(Recognition, given.id)
        assert row is not None and (row.practice, row.commitment) == (
            practice.key,
            practice.tag_commitment,
        )


def test_give_kudos_refuses_self(sessions: Sessions, team: str) -> None:
    with pytest.raises(UserError, match="can't give yourself kudos"):
        kudos(sessions, team, giver="UANA", recipients=("UBEN", "UANA"))
    with sessions() as s:
        assert s.scalar(select(func.count()).where(Recognition.team_id == team)) == 0


def test_check_recipients_refuses_bots() -> None:
    with pytest.raises(UserError, match="is a bot"):
        recognition.check_recipients("UGIVER", ("UANA", "UBOT"), {"UBOT"})
    recognition.check_recipients("UGIVER", ("UANA",), {"UBOT"})


def test_daily_cap(sessions: Sessions, team: str) -> None:
    assert kudos(sessions, team, recipients=("UA", "UB"), daily_cap=3) is not None
    with pytest.raises(UserError, match="allows 3 kudos a day and you have 1 left"):
        kudos(sessions, team, recipients=("UC", "UD"), daily_cap=3, now=NOW + timedelta(hours=1))
    # Refused kudos are not written, and the last one still fits.
    assert kudos(sessions, team, recipients=("UC",), daily_cap=3) is not None
    with pytest.raises(UserError, match="you have 0 left"):
        kudos(sessions, team, recipients=("UD",), daily_cap=3)
    # Another giver, and the same giver in another workspace, have their own caps.
    assert kudos(sessions, team, giver="UOTHER", recipients=("UA",), daily_cap=3) is not None
    assert kudos(sessions, slack_id("T"), recipients=("UA", "UB", "UC"), daily_cap=3) is not None
    # No cap: anything goes.
    assert kudos(sessions, team, recipients=("UE",)) is not None
    assert kudos(sessions, team, recipients=("UE",), daily_cap=0) is not None
    with sessions() as s:
        rows = s.scalars(
            select(Recognition).where(Recognition.team_id == team, Recognition.giver_id == "UGIVER")
        ).all()
        assert len(rows) == 4


def test_daily_cap_resets_at_midnight_in_the_zone(sessions: Sessions, team: str) -> None:
    zone = "America/New_York"
    ny = ZoneInfo(zone)
    late = datetime(2024, 3, 5, 23, 30, tzinfo=ny)  # 04:30 UTC on March 6
    later = datetime(2024, 3, 5, 23, 59, 59, tzinfo=ny)
    after_midnight = datetime(2024, 3, 6, 0, 0, 0, tzinfo=ny)  # 05:00 UTC on March 6
    assert kudos(sessions, team, recipients=("UA", "UB"), daily_cap=2, zone=zone, now=late)
    with pytest.raises(UserError, match="0 left"):
        kudos(sessions, team, recipients=("UC",), daily_cap=2, zone=zone, now=later)
    assert kudos(
        sessions, team, recipients=("UC", "UD"), daily_cap=2, zone=zone, now=after_midnight
    )
    # In UTC the two days are one day (March 6), so the cap is spent.
    with pytest.raises(UserError, match="0 left"):
        kudos(sessions, team, recipients=("UE",), daily_cap=4, zone="UTC", now=after_midnight)


def test_given_today_counts_people_since_local_midnight(sessions: Sessions, team: str) -> None:
    zone = "Asia/Kolkata"  # UTC+05:30: local midnight is 18:30 UTC the day before
    kudos(sessions, team, recipients=("UA", "UB"), now=datetime(2024, 6, 14, 18, 29, tzinfo=UTC))
    kudos(
        sessions, team, recipients=("UC", "UD", "UE"), now=datetime(2024, 6, 14, 18, 30, tzinfo=UTC)
    )
    with sessions() as s:
        count = recognition.given_today(
            s,
            team_id=team,
            giver_id="UGIVER",
            now=datetime(2024, 6, 15, 9, 0, tzinfo=UTC),
            zone=zone,
        )
        assert count == 3
        utc = recognition.given_today(
            s,
            team_id=team,
            giver_id="UGIVER",
            now=datetime(2024, 6, 14, 23, 0, tzinfo=UTC),
            zone="UTC",
        )
        assert utc == 5


def test_kudos_dedupe_key_writes_once(sessions: Sessions, team: str) -> None:
    first = kudos(sessions, team, recipients=("UA", "UB"), dedupe_key="view-1")
    assert first is not None
    assert kudos(sessions, team, recipients=("UA", "UB"), dedupe_key="view-1") is None
    # The same key in another workspace is another kudos.
    assert kudos(sessions, slack_id("T"), dedupe_key="view-1") is not None
    with sessions() as s:
        rows = s.scalars(select(Recognition).where(Recognition.team_id == team)).all()
        assert [r.id for r in rows] == [first.id]
        recipients = s.scalar(select(func.count()).where(RecognitionRecipient.team_id == team))
        assert recipients == 2


def test_kudos_duplicate_keeps_the_rest_of_the_transaction(sessions: Sessions, team: str) -> None:
    kudos(sessions, team, dedupe_key="k")
    with sessions.begin() as s:
        again = recognition.give_kudos(
            s,
            team_id=team,
            channel_id="C1",
            giver_id="UGIVER",
            recipients=("UA",),
            reason="again",
            practice=None,
            now=NOW,
            daily_cap=None,
            zone="UTC",
            dedupe_key="k",
        )
        assert again is None
        other = recognition.give_kudos(
            s,
            team_id=team,
            channel_id="C1",
            giver_id="UGIVER",
            recipients=("UA",),
            reason="other",
            practice=None,
            now=NOW,
            daily_cap=None,
            zone="UTC",
            dedupe_key="k2",
        )
        assert other is not None
    with sessions() as s:
        reasons = s.scalars(select(Recognition.reason).where(Recognition.team_id == team)).all()
        assert sorted(reasons) == ["for the retro", "other"]


def test_kudos_double_submit_at_the_cap_is_a_duplicate_not_an_error(
    sessions: Sessions, team: str
) -> None:
    # A double submit (same dedupe key) must return None as documented, even when the first
    # submit used up the daily cap.
    assert kudos(sessions, team, recipients=("UA",), daily_cap=1, dedupe_key="view-9")
    assert kudos(sessions, team, recipients=("UA",), daily_cap=1, dedupe_key="view-9") is None


# --- responses ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [k for k in catalogue.RESPONSE_KINDS if k != "kudos"])
def test_log_response_counts_where_the_kind_lives(sessions: Sessions, team: str, kind: str) -> None:
    logged = log(sessions, team, kind)
    assert logged is not None
    assert (logged.practice, logged.commitment) == catalogue.KIND_HOME[kind]
    with sessions() as s:
        row = s.get(Response, logged.id)
        assert row is not None
        assert (row.kind, row.practice, row.commitment) == (kind, *catalogue.KIND_HOME[kind])
        assert row.text == f"a {kind}" and row.source == "command" and row.created_at == NOW
        assert row.user_id == (None if kind == "fear" else "UAUTHOR")


def test_log_response_with_practice(sessions: Sessions, team: str) -> None:
    tagged = log(sessions, team, "win", practice="challenge")
    assert tagged is not None and (tagged.practice, tagged.commitment) == (
        "challenge",
        "experiment",
    )
    exact = log(sessions, team, "idea", practice="model", commitment="voice", prompt_id=None)
    assert exact is not None and (exact.practice, exact.commitment) == ("model", "voice")


def test_fear_never_stores_the_user(sessions: Sessions, team: str) -> None:
    secret = slack_id("U")
    logged = log(sessions, team, "fear", user=secret, practice="challenge")
    assert logged is not None and logged.user_id is None
    with sessions() as s:
        rows = s.scalars(select(Response).where(Response.team_id == team)).all()
        assert [(r.kind, r.user_id) for r in rows] == [("fear", None)]
        assert s.scalar(select(func.count()).where(Response.user_id == secret)) == 0


def test_database_rejects_a_fear_with_a_user(sessions: Sessions, team: str) -> None:
    def row(kind: str) -> Response:
        return Response(
            team_id=team,
            channel_id="C1",
            user_id="USECRET",
            kind=kind,
            practice="vision",
            commitment="enlist",
            text="worry",
            source="command",
            created_at=NOW,
        )

    with sessions.begin() as s:
        ensure_workspace(s, team)
        s.add(row("hope"))  # the same row as a hope is fine
    with sessions() as s, pytest.raises(IntegrityError, match="fear_is_anonymous"):
        s.add(row("fear"))
        s.flush()
    with sessions() as s:
        kinds = s.scalars(select(Response.kind).where(Response.team_id == team)).all()
        assert kinds == ["hope"]


def test_log_response_dedupe(sessions: Sessions, team: str) -> None:
    first = log(sessions, team, "hope", dedupe_key="msg-1")
    assert first is not None
    assert log(sessions, team, "hope", dedupe_key="msg-1") is None
    assert log(sessions, team, "idea", dedupe_key="msg-1") is None
    assert log(sessions, slack_id("T"), "hope", dedupe_key="msg-1") is not None
    assert log(sessions, team, "hope") is not None  # no key: never a duplicate
    assert log(sessions, team, "hope") is not None
    with sessions() as s:
        keys = s.scalars(select(Response.dedupe_key).where(Response.team_id == team)).all()
        assert sorted(keys, key=str) == sorted(["msg-1", None, None], key=str)


@pytest.mark.parametrize(
    ("kind", "source"), [("kudos", "command"), ("rant", "command"), ("win", "email")]
)
def test_log_response_refuses_bad_kind_or_source(
    sessions: Sessions, team: str, kind: str, source: str
) -> None:
    with sessions.begin() as s, pytest.raises(ValueError):
        responses.log_response(
            s,
            team_id=team,
            channel_id="C",
            user_id="U",
            kind=kind,
            text="x",
            source=source,
            now=NOW,
        )


def test_naive_datetimes_are_refused(sessions: Sessions, team: str) -> None:
    with pytest.raises(Exception, match="naive"):
        log(sessions, team, "hope", now=datetime(2024, 1, 1))


# --- statements ---------------------------------------------------------------------------------


def test_statements_versioning(sessions: Sessions, team: str) -> None:
    with sessions.begin() as s:
        assert statements.current(s, team_id=team, kind="vision") is None
        first = statements.publish(
            s, team_id=team, kind="vision", text="v1", author_id="UA", now=NOW
        )
    assert (first.text, first.author_id, first.version, first.created_at) == ("v1", "UA", 1, NOW)
    later = NOW + timedelta(days=1)
    with sessions.begin() as s:
        second = statements.publish(
            s, team_id=team, kind="vision", text="v2", author_id="UB", now=later
        )
        statements.publish(s, team_id=team, kind="guidelines", text="g1", author_id="UC", now=NOW)
    assert (second.text, second.author_id, second.version) == ("v2", "UB", 2)
    with sessions() as s:
        vision = statements.current(s, team_id=team, kind="vision")
        guidelines = statements.current(s, team_id=team, kind="guidelines")
        assert vision is not None and (vision.text, vision.version, vision.created_at) == (
            "v2",
            2,
            later,
        )
        assert guidelines is not None and (guidelines.text, guidelines.version) == ("g1", 1)
        assert statements.current(s, team_id=slack_id("T"), kind="vision") is None
        history = s.scalars(
            select(Statement.text).where(Statement.team_id == team).order_by(Statement.id)
        ).all()
        assert history == ["v1", "v2", "g1"]


def test_statement_kind_is_checked(sessions: Sessions, team: str) -> None:
    with sessions.begin() as s, pytest.raises(ValueError):
        statements.publish(s, team_id=team, kind="mission", text="x", author_id="U", now=NOW)


# --- progress -----------------------------------------------------------------------------------


def test_channel_progress_periods_and_people(sessions: Sessions, team: str, channel: str) -> None:
    days = 7
    start = NOW - timedelta(days=days)
    before = start - timedelta(days=days)
    tick = timedelta(microseconds=1)
    c = {"channel": channel}
    # Current period: [start, now].
    kudos(sessions, team, giver="UA", now=start, **c)  # heart, exactly at the boundary
    kudos(sessions, team, giver="UA", practice="model", now=NOW, **c)
    log(sessions, team, "idea", user="UB", now=NOW - timedelta(hours=1), **c)  # challenge
    log(sessions, team, "fear", user="UC", now=NOW, **c)  # vision, anonymous
    log(sessions, team, "hope", user="UD", now=start + tick, **c)  # vision
    # Previous period: [before, start).
    kudos(sessions, team, giver="UE", now=start - tick, **c)  # heart
    log(sessions, team, "goal", user="UE", now=before, **c)  # enable
    log(sessions, team, "win", user="UF", practice="heart", now=before + timedelta(days=1), **c)
    # Not counted: older, another channel, another workspace.
    log(sessions, team, "goal", user="UG", now=before - tick, **c)
    kudos(sessions, team, giver="UH", now=NOW, channel="COTHER")
    kudos(sessions, slack_id("T"), giver="UI", now=NOW, channel=channel)

    with sessions() as s:
        report = progress.channel_progress(s, team_id=team, channel_id=channel, days=days, now=NOW)
    got = {c.practice: (c.current, c.previous) for c in report.counts}
    assert got == {
        "model": (1, 0),
        "vision": (2, 0),
        "challenge": (1, 0),
        "enable": (0, 1),
        "heart": (1, 2),
    }
    assert [c.practice for c in report.counts] == list(catalogue.PRACTICE_KEYS)
    assert report.days == days
    assert (report.total, report.previous_total) == (5, 3)
    # UA (twice), UANA whom UA's kudos named, UB, UD; the fear's NULL author and
    # previous-period people do not count.
    assert report.people == 4
    assert report.focus == "enable"


def test_channel_progress_empty_channel(sessions: Sessions, team: str, channel: str) -> None:
    with sessions() as s:
        report = progress.channel_progress(s, team_id=team, channel_id=channel, days=30, now=NOW)
    assert all((c.current, c.previous) == (0, 0) for c in report.counts)
    assert report.people == 0
    assert report.focus == "model"


def test_channel_progress_only_fears_counts_nobody(
    sessions: Sessions, team: str, channel: str
) -> None:
    for _ in range(3):
        log(sessions, team, "fear", user="UA", now=NOW, channel=channel)
    with sessions() as s:
        report = progress.channel_progress(s, team_id=team, channel_id=channel, days=7, now=NOW)
    assert report.people == 0
    assert report.total == 3
    assert report.focus == "model"


def test_channel_progress_focus_tie_breaks_on_db(
    sessions: Sessions, team: str, channel: str
) -> None:
    # Everything has one item now except challenge and enable; enable also had one before,
    # so challenge (which fell further behind) needs attention.
    for practice in ("model", "vision", "heart"):
        log(sessions, team, "win", practice=practice, now=NOW, channel=channel)
    log(sessions, team, "win", practice="enable", now=NOW - timedelta(days=10), channel=channel)
    with sessions() as s:
        report = progress.channel_progress(s, team_id=team, channel_id=channel, days=7, now=NOW)
    assert report.focus == "challenge"


@pytest.mark.parametrize(
    ("rates", "focus"),
    [
        # Nothing prompted, nothing done: the order of the five practices.
        ({}, "model"),
        # Model prompted (no answer: 0.0): the others were never asked, so they come first.
        ({"model": (1, 0)}, "vision"),
        ({"model": (2, 4), "vision": (2, 4), "challenge": (2, 4), "enable": (2, 4)}, "heart"),
        # All prompted: the fewest answers per prompt.
        (
            {
                "model": (2, 5),  # 2.5
                "vision": (4, 2),  # 0.5: needs attention
                "challenge": (1, 1),
                "enable": (1, 3),
                "heart": (3, 9),
            },
            "vision",
        ),
        # The same rate: the one quiet longest (the third number: days since last touched).
        (
            {
                "model": (2, 1, 20),
                "heart": (4, 2, 2),
                "vision": (1, 1, 0),
                "challenge": (1, 1, 0),
                "enable": (1, 1, 0),
            },
            "model",
        ),
        # Never prompted: before any rate, however low.
        ({"model": (3, 0), "vision": (1, 0), "challenge": (1, 0), "enable": (1, 0)}, "heart"),
        # Tied unprompted, and never done nor prompted: the order of the five practices.
        ({"challenge": (1, 0, 0), "enable": (1, 1), "heart": (1, 1)}, "model"),
        # A practice never done nor prompted goes before one done long ago.
        (
            {"model": (0, 0, 30), "challenge": (1, 0, 0), "enable": (1, 1), "heart": (1, 1)},
            "vision",
        ),
    ],
)
def test_needs_attention_tie_breaks(rates: dict[str, tuple[int, ...]], focus: str) -> None:
    """Without a pulse: a practice never prompted first, then the fewest answers per prompt
    (prompts, answers); among those tied, the one quiet longest (by the days since it was
    last done or prompted, the third number), never counting as longest."""
    found = tuple(Rate(k, *rates.get(k, (0, 0))[:2]) for k in catalogue.PRACTICE_KEYS)
    last = {k: NOW - timedelta(days=v[2]) for k, v in rates.items() if len(v) > 2}
    assert attention.by_balance(Balance(found, found), last)[0] == focus


# --- prompts ------------------------------------------------------------------------------------


def record(sessions: Sessions, team: str, channel: str, key: str, ts: str | None = None) -> int:
    with sessions.begin() as s:
        return prompts.record_prompt(
            s,
            team_id=team,
            channel_id=channel,
            prompt_key=key,
            message_ts=ts,
            posted_by="UPOSTER",
            now=NOW,
        )


def choose(sessions: Sessions, team: str, channel: str, practice: str, seed: int) -> str:
    with sessions() as s:
        commitment, prompt = prompts.choose_prompt(
            s, team_id=team, channel_id=channel, practice=practice, rng=random.Random(seed)
        )
    found = catalogue.find_prompt(prompt.key)
    assert found is not None and found[0].key == practice and found[1] is commitment
    return prompt.key


@pytest.mark.parametrize("practice", catalogue.PRACTICE_KEYS)
def test_choose_prompt_never_repeats_the_last(
    sessions: Sessions, team: str, channel: str, practice: str
) -> None:
    # A fresh workspace holds no values or vision: the prompts needing them never come up.
    keys = {p.key for p in catalogue.practice(practice).prompts if p.needs is None}
    # With no history every other prompt of the practice can come up.
    assert {choose(sessions, team, channel, practice, seed) for seed in range(60)} == keys
    last = None
    for seed in range(25):
        key = choose(sessions, team, channel, practice, seed)
        assert key != last
        record(sessions, team, channel, key)
        last = key
    with sessions() as s:
        for seed in range(100):
            _, prompt = prompts.choose_prompt(
                s, team_id=team, channel_id=channel, practice=practice, rng=random.Random(seed)
            )
            assert prompt.key != last
    # Only this practice in this channel is constrained.
    assert last in {choose(sessions, team, slack_id("C"), practice, seed) for seed in range(60)}


def test_choose_prompt_ignores_other_practices(sessions: Sessions, team: str, channel: str) -> None:
    record(sessions, team, channel, "heart.recognise.1")
    record(sessions, team, channel, "model.voice.1")  # newer, but another practice
    picks = {choose(sessions, team, channel, "heart", seed) for seed in range(80)}
    assert "heart.recognise.1" not in picks
    assert len(picks) == 5


def test_record_prompt_and_find_posted(sessions: Sessions, team: str, channel: str) -> None:
    prompt_id = record(sessions, team, channel, "vision.enlist.2", ts="1718452800.000100")
    record(sessions, team, channel, "heart.recognise.1", ts=None)
    with sessions() as s:
        found = prompts.find_posted(
            s, team_id=team, channel_id=channel, message_ts="1718452800.000100"
        )
        assert found is not None and found.id == prompt_id
        assert (found.practice, found.commitment, found.prompt_key, found.response_kind) == (
            "vision",
            "enlist",
            "vision.enlist.2",
            "fear",
        )
        assert found.text == catalogue.find_prompt("vision.enlist.2")[2].text  # type: ignore[index]
        assert found.posted_by == "UPOSTER" and found.created_at == NOW
        for team_id, channel_id, ts in [
            (team, channel, "1718452800.000200"),
            (team, slack_id("C"), "1718452800.000100"),
            (slack_id("T"), channel, "1718452800.000100"),
        ]:
            assert (
                prompts.find_posted(s, team_id=team_id, channel_id=channel_id, message_ts=ts)
                is None
            )


def test_record_prompt_unknown_key(sessions: Sessions, team: str, channel: str) -> None:
    with sessions.begin() as s, pytest.raises(ValueError, match="unknown prompt"):
        prompts.record_prompt(
            s,
            team_id=team,
            channel_id=channel,
            prompt_key="heart.nope.1",
            message_ts=None,
            posted_by=None,
            now=NOW,
        )


def test_answers_link_to_their_prompt(sessions: Sessions, team: str, channel: str) -> None:
    prompt_id = record(sessions, team, channel, "heart.recognise.2", ts="1.2")
    logged = log(sessions, team, "win", prompt_id=prompt_id, channel=channel)
    given = kudos(sessions, team, prompt_id=prompt_id, channel=channel)
    assert logged is not None and given is not None
    with sessions() as s:
        assert s.get(Response, logged.id).prompt_id == prompt_id  # type: ignore[union-attr]
        assert s.get(Recognition, given.id).prompt_id == prompt_id  # type: ignore[union-attr]
        assert s.get(Prompt, prompt_id) is not None


# --- migrations ---------------------------------------------------------------------------------


def _schema_diff(engine: Engine, metadata: MetaData) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_migrations_round_trip_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        inspector = inspect(engine)
        assert set(inspector.get_table_names()) >= TABLES
        checks = [c["name"] for c in inspector.get_check_constraints("responses")]
        assert "ck_responses_fear_is_anonymous" in checks
        assert _schema_diff(engine, Base.metadata) == []
    finally:
        engine.dispose()


def test_schema_matches_the_models(engine: Engine) -> None:
    assert _schema_diff(engine, Base.metadata) == []
    checks = [c["name"] for c in inspect(engine).get_check_constraints("responses")]
    assert "ck_responses_fear_is_anonymous" in checks


def test_schema_comparison_would_catch_drift(engine: Engine) -> None:
    # The comparison above is only worth something if it sees a difference when there is one.
    drifted = MetaData(naming_convention=dict(Base.metadata.naming_convention))
    for table in Base.metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["responses"].append_column(Column("mood", Integer))
    diffs = _schema_diff(engine, drifted)
    assert [d[0] for d in diffs] == ["add_column"]
    assert diffs[0][3].name == "mood"
