"""The daily rollups (models.rollups) always equal a recount from the raw rows, after every
kind of write and delete; and progress, its chart and its history read from them give the
numbers the raw rows give, in any zone (on the hour, half past, a quarter to)."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.commitments import service as commitments
from bot.privacy import service as privacy
from bot.progress import activity, series, service, tally
from bot.prompts import responses
from bot.recognition import service as recognition
from models.db import make_engine, make_sessions
from models.migrate import upgrade
from models.queries import ensure_workspace
from models.rollups import ActivityDay, rebuild, recount_rows
from models.tables import (
    Commitment,
    Recognition,
    RecognitionRecipient,
    Response,
    Statement,
    Workspace,
)
from tests.driver import slack_id

Sessions = sessionmaker[Session]
NOW = datetime(2026, 11, 30, 15, 20, tzinfo=UTC)


def _moment(value: Any) -> str:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def kept_rows(s: Session, team: str) -> set[tuple[Any, ...]]:
    rows = s.execute(select(ActivityDay).where(ActivityDay.team_id == team)).scalars()
    return {
        (
            r.channel_id,
            str(r.day),
            r.practice,
            r.kind,
            r.count,
            _moment(r.first_at),
            _moment(r.last_at),
        )
        for r in rows
    }


def recounted(s: Session, team: str) -> set[tuple[Any, ...]]:
    dialect = s.get_bind().dialect.name
    rows = s.execute(recount_rows(dialect, lambda t, _c, _a: t == team))
    return {
        (
            r.channel_id,
            str(r.day),
            r.practice,
            r.kind,
            int(r.count),
            _moment(r.first_at),
            _moment(r.last_at),
        )
        for r in rows
    }


def check(sessions: Sessions, team: str) -> set[tuple[Any, ...]]:
    """The rollups of `team` equal a recount from its raw rows; returns them."""
    with sessions() as s:
        kept, fresh = kept_rows(s, team), recounted(s, team)
    assert kept == fresh
    return kept


def kudos(
    s: Session, team: str, channel: str, giver: str, at: datetime, practice: str | None = None
) -> int:
    given = recognition.give_kudos(
        s,
        team_id=team,
        channel_id=channel,
        giver_id=giver,
        recipients=[slack_id("U")],
        reason="for taking the night shift so the launch could go ahead",
        practice=practice,
        now=at,
        daily_cap=0,
        zone="UTC",
    )
    assert given is not None
    return given.id


def answer(
    s: Session,
    team: str,
    channel: str,
    user: str | None,
    kind: str,
    at: datetime,
    source: str = "command",
) -> None:
    logged = responses.log_response(
        s,
        team_id=team,
        channel_id=channel,
        user_id=user,
        kind=kind,
        text=f"a {kind}",
        source=source,
        now=at,
    )
    assert logged is not None


def test_every_write_and_delete_keeps_the_rollups_equal_to_a_recount(sessions: Sessions) -> None:
    team, channel, other = slack_id("T"), slack_id("C"), slack_id("C")
    ana, ben = slack_id("U"), slack_id("U")
    day = NOW - timedelta(days=3)
    with sessions.begin() as s:
        ensure_workspace(s, team)
    assert check(sessions, team) == set()

    with sessions.begin() as s:  # kudos, twice on a day, and under another practice
        kudos(s, team, channel, ana, day)
        kudos(s, team, channel, ben, day + timedelta(hours=2))
        kudos(s, team, other, ana, day, practice="challenge")
    rows = check(sessions, team)
    assert (
        channel,
        str(day.date()),
        "heart",
        "kudos",
        2,
        _moment(day),
        _moment(day + timedelta(hours=2)),
    ) in rows

    with sessions.begin() as s:  # answers of every kind, a worry, a thread reply
        for kind in ("win", "hope", "idea", "pilot", "learning", "goal"):
            answer(s, team, channel, ana, kind, day + timedelta(minutes=5))
        answer(s, team, channel, None, "fear", day + timedelta(minutes=6))
        answer(s, team, channel, ben, "win", day + timedelta(minutes=7), source="thread")
    check(sessions, team)

    with sessions.begin() as s:  # a commitment made, then answered kept; another dropped
        made = commitments.create(
            s,
            team_id=team,
            channel_id=channel,
            user_id=ana,
            text="write the runbook",
            due_on=(day + timedelta(days=1)).date(),
            zone="UTC",
            message_ts=None,
            now=day,
        )
        dropped = commitments.create(
            s,
            team_id=team,
            channel_id=channel,
            user_id=ben,
            text="pair on the migration",
            due_on=(day + timedelta(days=1)).date(),
            zone="UTC",
            message_ts=None,
            now=day,
        )
        s.execute(update(Commitment).where(Commitment.team_id == team).values(next_ask_at=None))
    check(sessions, team)
    with sessions.begin() as s:
        for which, who, choice in ((made, ana, "kept"), (dropped, ben, "dropped")):
            done = commitments.answer(
                s,
                team_id=team,
                commitment_id=which.id,
                user_id=who,
                choice=choice,
                now=NOW - timedelta(days=1),
            )
            assert done.result == "answered"
        # answering again changes nothing
        again = commitments.answer(
            s, team_id=team, commitment_id=made.id, user_id=ana, choice="kept", now=NOW
        )
        assert again.result == "already"
    rows = check(sessions, team)
    assert any(r[2:5] == ("model", "kept", 1) for r in rows)

    with sessions.begin() as s:  # the ORM by hand: a row added, changed, deleted (a habit
        # done then turned into kudos is such a delete)
        row = Response(
            team_id=team,
            channel_id=channel,
            user_id=ben,
            kind="habit",
            practice="model",
            commitment="example",
            text="did it",
            source="habit",
            created_at=day,
        )
        s.add(row)
        s.flush()
        row.created_at = day - timedelta(days=2)
        row.practice = "enable"
        s.flush()
        moved = s.scalars(
            select(Response).where(Response.team_id == team, Response.kind == "idea")
        ).one()
        s.delete(moved)
    check(sessions, team)

    with sessions.begin() as s:  # forgetting a person: their answers and commitments go
        privacy.forget(s, team_id=team, user_id=ana)
    rows = check(sessions, team)
    assert not any(r[3] == "kept" for r in rows)
    with sessions.begin() as s:
        privacy.forget(s, team_id=team, user_id=ben)
    check(sessions, team)


def test_a_rebuild_gives_the_same_rollups_and_repairs_a_drifted_one(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    with sessions.begin() as s:
        ensure_workspace(s, team)
        for n in range(6):
            kudos(s, team, channel, slack_id("U"), NOW - timedelta(days=n, hours=n))
    before = check(sessions, team)
    with sessions.begin() as s:
        s.execute(update(ActivityDay).where(ActivityDay.team_id == team).values(count=99))
    with sessions() as s:
        assert kept_rows(s, team) != recounted(s, team)
    with sessions.begin() as s:
        assert rebuild(s.connection(), team) == len(before)
    assert check(sessions, team) == before


def test_the_migration_counts_the_rows_that_existed_before_it(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0010")
    team, channel = slack_id("T"), slack_id("C")
    with engine.begin() as conn:  # rows written before the rollups existed (no ORM)
        conn.execute(Workspace.__table__.insert().values(team_id=team, created_at=NOW))
        conn.execute(
            Recognition.__table__.insert().values(
                id=1,
                team_id=team,
                channel_id=channel,
                giver_id="U1",
                reason="r",
                practice="heart",
                commitment="celebrate",
                created_at=NOW,
            )
        )
        conn.execute(
            RecognitionRecipient.__table__.insert().values(
                recognition_id=1, team_id=team, user_id="U2"
            )
        )
        conn.execute(
            Response.__table__.insert().values(
                team_id=team,
                channel_id=channel,
                user_id="U1",
                kind="win",
                practice="heart",
                commitment="celebrate",
                text="t",
                source="command",
                created_at=NOW - timedelta(days=1),
            )
        )
    upgrade(engine)
    sessions = make_sessions(engine)
    rows = check(sessions, team)
    assert {(r[2], r[3], r[4]) for r in rows} == {("heart", "kudos", 1), ("heart", "win", 1)}
    engine.dispose()


# -- reading: the same numbers as the raw rows, in any zone ---------------------------------

ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Chatham")
KINDS = ("kudos", "win", "hope", "fear", "idea", "learning")


def _history(
    rnd: random.Random, sessions: Sessions, team: str, channel: str
) -> list[tuple[str, str, datetime]]:
    """~400 things done over 200 days (and a few on the last day), as (practice, kind, at)."""
    done: list[tuple[str, str, datetime]] = []
    with sessions.begin() as s:
        ensure_workspace(s, team)
        for n in range(420):
            at = NOW - timedelta(
                seconds=rnd.uniform(0, 200 * 86400) if n < 380 else rnd.uniform(0, 20 * 3600)
            )
            at = at.replace(microsecond=0)
            kind = rnd.choice(KINDS)
            practice = rnd.choice(catalogue.PRACTICE_KEYS)
            if kind == "kudos":
                s.add(
                    Recognition(
                        team_id=team,
                        channel_id=channel,
                        giver_id="U1",
                        reason="r",
                        practice=practice,
                        commitment="celebrate",
                        created_at=at,
                        recipients=[RecognitionRecipient(team_id=team, user_id="U2")],
                    )
                )
            else:
                s.add(
                    Response(
                        team_id=team,
                        channel_id=channel,
                        user_id=None if kind == "fear" else "U1",
                        kind=kind,
                        practice=practice,
                        commitment="c",
                        text="t",
                        source="command",
                        created_at=at,
                    )
                )
            done.append((practice, kind, at))
        # exactly on midnights and on now: the edges
        for at in (datetime(2026, 11, 23, tzinfo=UTC), NOW.replace(hour=0, minute=0), NOW):
            s.add(
                Response(
                    team_id=team,
                    channel_id=channel,
                    user_id="U1",
                    kind="win",
                    practice="heart",
                    commitment="c",
                    text="t",
                    source="command",
                    created_at=at,
                )
            )
            done.append(("heart", "win", at))
        said = NOW - timedelta(days=12)
        s.add(Statement(team_id=team, kind="vision", text="v", author_id="U1", created_at=said))
        done.append(("vision", "published_vision", said))
        s.add(
            Commitment(
                team_id=team,
                channel_id=channel,
                user_id="U1",
                text="t",
                due_on=date(2026, 11, 20),
                zone="UTC",
                status="kept",
                answered_at=NOW - timedelta(days=8, hours=3),
                created_at=NOW - timedelta(days=20),
            )
        )
        done.append(("model", "commitment", NOW - timedelta(days=20)))
        done.append(("model", "kept", NOW - timedelta(days=8, hours=3)))
    return done


@pytest.mark.parametrize("zone", ZONES)
def test_progress_and_the_chart_count_what_the_raw_rows_say(sessions: Sessions, zone: str) -> None:
    rnd = random.Random(zone)
    team, channel = slack_id("T"), slack_id("C")
    done = _history(rnd, sessions, team, channel)
    check(sessions, team)
    where = ZoneInfo(zone)
    local_midnight = datetime.combine(NOW.astimezone(where).date(), datetime.min.time(), where)
    for now in (
        NOW,
        NOW.replace(hour=0, minute=0),
        local_midnight.astimezone(UTC) + timedelta(hours=30),
    ):
        for days in (7, 30, 90):
            window = service.period(days, now, zone)
            with sessions() as s:
                report = service.channel_progress(
                    s, team_id=team, channel_id=channel, days=days, now=now, zone=zone
                )
                chart = series.practice_series(
                    s, team_id=team, channel_id=channel, days=days, now=now, zone=zone
                )
                past = activity.history(s, team, channel, now)
            current = Counter(p for p, _k, at in done if window.start <= at <= now)
            before = Counter(p for p, _k, at in done if window.previous_start <= at < window.start)
            for count in report.counts:
                assert (count.current, count.previous) == (
                    current[count.practice],
                    before[count.practice],
                ), (zone, now, days)
            bars = [(b.start, b.end) for b in chart.buckets]
            for key, values in chart.counts.items():
                want = [
                    sum(
                        1
                        for p, _k, at in done
                        if p == key and lo <= at and (at < hi or (i == len(bars) - 1 and at == hi))
                    )
                    for i, (lo, hi) in enumerate(bars)
                ]
                assert list(values) == want, (zone, now, days, key)
            seen = [at for _p, _k, at in done if at <= now]
            assert past.first is not None and past.first <= min(seen)
            for key in catalogue.PRACTICE_KEYS:
                latest = max((at for p, _k, at in done if p == key and at <= now), default=None)
                assert past.last.get(key) == latest, (zone, now, key)


def test_periods_at_any_bounds_add_up_to_the_raw_rows(sessions: Sessions) -> None:
    rnd = random.Random(12)
    team, channel = slack_id("T"), slack_id("C")
    done = _history(rnd, sessions, team, channel)
    for _ in range(25):
        cuts = sorted(
            NOW - timedelta(seconds=rnd.uniform(0, 150 * 86400)) for _ in range(rnd.randint(2, 6))
        )
        cuts.append(NOW if rnd.random() < 0.5 else cuts[-1] + timedelta(hours=rnd.randint(1, 30)))
        with sessions() as s:
            got = tally.per_period(s, team, channel, cuts)
        for i, found in enumerate(got):
            lo, hi = cuts[i], cuts[i + 1]
            last = i == len(got) - 1
            want = Counter(
                (p, k) for p, k, at in done if lo <= at and (at < hi or (last and at == hi))
            )
            assert +found == want, (cuts, i)


def test_two_writers_at_once_both_count(sessions: Sessions) -> None:
    """Two transactions adding to the same day's row (PostgreSQL: the second waits for the
    first's row lock), and a forget-me recount racing a kudos: nothing is lost."""
    if sessions.kw["bind"].dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    team, channel = slack_id("T"), slack_id("C")
    ana, ben = slack_id("U"), slack_id("U")
    at = NOW - timedelta(hours=5)
    with sessions.begin() as s:
        ensure_workspace(s, team)
        kudos(s, team, channel, ana, at)
        answer(s, team, channel, ana, "win", at)
    first = sessions()
    first.begin()
    kudos(first, team, channel, ana, at + timedelta(minutes=1))  # holds the row's lock
    privacy.forget(first, team_id=team, user_id=ana)  # and recounts the day
    done = threading.Event()

    def second() -> None:
        with sessions.begin() as s:
            kudos(s, team, channel, ben, at + timedelta(minutes=2))
        done.set()

    worker = threading.Thread(target=second)
    worker.start()
    assert not done.wait(0.5)  # waiting for the first transaction
    first.commit()
    first.close()
    worker.join(10)
    assert done.is_set()
    rows = check(sessions, team)
    assert {(r[2], r[3], r[4]) for r in rows} == {("heart", "kudos", 3)}
