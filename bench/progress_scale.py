"""Progress at scale: /nudge progress (and the chart, and the weekly digest) for one busy channel
in a database of a million logged items, against a database holding only that channel.

    .venv/bin/python bench/progress_scale.py [--items 1000000] [--workspaces 1000]
        [--busy-items 10000] [--runs 100] [--database-url postgresql+psycopg://...]
        [--no-postgres | --no-sqlite] [--explain]

The load: --items logged items (kudos with 1 to 3 recipients each, and responses of every
kind: win, vision, hope, fear, goal, pilot, idea, learning, reflection) spread over
--workspaces workspaces with 2 to 8 channels each and the last 180 days, in time order as
they would arrive. Workspace and channel sizes are skewed (a few large, many small). One
channel, the busy one, gets --busy-items of them (10,000 is about 55 a day). Beside them,
for the team measures: a prompt twice a week in every channel with 20 items or more (30 %
of items answer the latest one), a commitment with 2 % of items (kept, dropped or still
open), team values on a quarter of kudos and wins, replies to 60 % of ideas and hopes, and
half the learnings tied to the channel's latest pilot.

The databases, each migrated by models.migrate.upgrade (the app's schema and indexes,
nothing more, and the daily rollups counted from the rows loaded as migration 0011 counts
them):
  - SQLite: a temporary file, loaded with executemany; removed at the end;
  - PostgreSQL at --database-url (default postgresql+psycopg://postgres@127.0.0.1:5432/test):
    a private schema, loaded with COPY, VACUUM ANALYZEd (as autovacuum would), dropped at
    the end;
and for each, a "single" database with only the busy channel's rows (the same rows).

The timings, per database, over --runs runs (at least 50) after 5 warm-up runs, each in its
own session as a request would (`with sessions.begin()`):
  - progress 7d/30d/90d: bot.progress.channel_progress with 500 channel members known and
    the team measures, as `/nudge progress` asks;
  - chart 7d/30d/90d: bot.progress.series.practice_series;
  - digest: bot.digest.build for the 7 days to now (`digest_work` below);
  - each team measure of bot.measures alone over the last 30 days (reach, concentration,
    follow-through, experiments closed, voice answered, balance per prompt, people touching
    three practices, values named, and the attention rule), skipped with a note when
    bot.measures is not there.
Targets, printed PASS/FAIL (the exit code is 0 either way): p95 under 50 ms for each, and
p95 at most 1.5x the single-channel database's. --explain prints the query plans (also
printed for any query that misses a target). Every loop is bounded; the run stops by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import itertools
import os
import random
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/progress_scale.py` from anywhere
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, create_engine, event, text  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bot import catalogue  # noqa: E402
from bot.progress import series as progress_series  # noqa: E402
from bot.progress import service as progress  # noqa: E402
from bot.slack.members import ChannelMembers  # noqa: E402
from models.db import make_engine, make_sessions, normalise_url, unhurried  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.rollups import rebuild  # noqa: E402

SPAN_DAYS = 180
P95_TARGET_MS = 50.0
RATIO_TARGET = 1.5
WARMUP = 5
MIN_RUNS = 50
MAX_SECONDS_PER_QUERY = 60.0  # a bound on each timing loop, whatever the database does
PERIODS = (7, 30, 90)
KINDS = {  # response kind -> weight; kudos are recognitions
    "win": 20,
    "vision": 2,
    "hope": 8,
    "fear": 4,
    "goal": 8,
    "pilot": 5,
    "idea": 10,
    "learning": 8,
    "reflection": 8,
}
KUDOS_SHARE = 0.4
TEXTS = [
    "for staying late to get the release out and for explaining every step to the new folks",
    "shipped the onboarding checklist",
    "we tried a two-week pilot of async standups and kept it",
    "that the migration slips again and nobody says so",
    "cut the build time in half by caching dependencies",
    "every team owns one metric it can move on its own",
    "what I learned from the outage: write the runbook before you need it",
    "ask the customer before we build the next thing",
]
RECOGNITION_COLS = (
    "id, team_id, channel_id, giver_id, reason, practice, commitment, prompt_id, dedupe_key, "
    "created_at, team_value"
)
RECIPIENT_COLS = "id, recognition_id, team_id, user_id"
RESPONSE_COLS = (
    "id, team_id, channel_id, user_id, kind, practice, commitment, text, source, prompt_id, "
    "dedupe_key, created_at, answered_at, parent_id, team_value"
)
PROMPT_COLS = (
    "id, team_id, channel_id, practice, commitment, prompt_key, response_kind, text, created_at"
)
COMMITMENT_COLS = (
    "id, team_id, channel_id, user_id, text, due_on, zone, status, answered_at, created_at, "
    "asked_count"
)
# What the measures read, drawn from a random stream of its own (the items stay the same):
PROMPT_EVERY_DAYS = 3.5  # a prompt twice a week in every channel with 20 items or more
PROMPTED_SHARE = 0.3  # items answering the channel's latest prompt (within 3 days)
COMMITMENT_SHARE = 0.02  # items that come with a commitment by the same person
VALUE_SHARE = 0.25  # kudos and wins naming a team value
VALUES = ("Ownership", "Candour", "Curiosity", "Care")
ANSWERED_SHARE = 0.6  # ideas and hopes that get a reply from someone else
LINKED_SHARE = 0.5  # learnings tied to the channel's latest pilot


# -- the data ---------------------------------------------------------------------------------


@dataclass
class Data:
    now: datetime
    busy: tuple[str, str]  # (team_id, channel_id)
    workspaces: list[str]
    recognitions: list[tuple[Any, ...]] = field(default_factory=list)
    recipients: list[tuple[Any, ...]] = field(default_factory=list)
    responses: list[tuple[Any, ...]] = field(default_factory=list)
    prompts: list[tuple[Any, ...]] = field(default_factory=list)
    commitments: list[tuple[Any, ...]] = field(default_factory=list)
    members: frozenset[str] = frozenset()

    @property
    def items(self) -> int:
        return len(self.recognitions) + len(self.responses)

    def only(self, team: str, channel: str) -> Data:
        """The same rows, for one channel only."""
        recognitions = [r for r in self.recognitions if r[1] == team and r[2] == channel]
        ids = {r[0] for r in recognitions}
        return Data(
            now=self.now,
            busy=self.busy,
            workspaces=[team],
            recognitions=recognitions,
            recipients=[r for r in self.recipients if r[1] in ids],
            responses=[r for r in self.responses if r[1] == team and r[2] == channel],
            prompts=[r for r in self.prompts if r[1] == team and r[2] == channel],
            commitments=[r for r in self.commitments if r[1] == team and r[2] == channel],
            members=self.members,
        )


def generate(items: int, workspaces: int, busy_items: int, seed: int = 7) -> Data:
    """`items` logged items over `workspaces` and SPAN_DAYS, ids in arrival (time) order."""
    rnd = random.Random(seed)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    teams = [f"TB{n:07d}" for n in range(workspaces)]
    # (team, channel, users, weight): Pareto-ish sizes, a few large workspaces and channels.
    channels: list[tuple[str, str, int, float]] = []
    for t, team in enumerate(teams):
        team_weight = rnd.paretovariate(1.2)
        users = rnd.randint(20, 400)
        for c in range(rnd.randint(2, 8)):
            channels.append(
                (team, f"CB{t:05d}{c:02d}", users, team_weight * rnd.paretovariate(1.5))
            )
    busy_team, busy_channel = teams[0], f"CB{0:05d}{0:02d}"
    others = [ch for ch in channels if (ch[0], ch[1]) != (busy_team, busy_channel)]
    # Sizes follow the weights, capped below the busy channel's: it is the busiest one.
    weights = [w for *_, w in others]
    cap = busy_items * 0.8 / (items - busy_items)
    for _ in range(20):  # a few rounds of capping and renormalising settle it
        total = sum(weights)
        weights = [min(w, cap * total) for w in weights]

    kinds, kind_weights = zip(*KINDS.items(), strict=True)
    span = SPAN_DAYS * 86400.0
    # (seconds ago, team, channel, users), one per item.
    events = [
        (rnd.uniform(0, span), team, channel, users)
        for team, channel, users, _ in rnd.choices(others, weights=weights, k=items - busy_items)
    ]
    events.extend((rnd.uniform(0, span), busy_team, busy_channel, 300) for _ in range(busy_items))
    events.sort(reverse=True)  # oldest first: ids grow with time, as in production

    data = Data(now=now, busy=(busy_team, busy_channel), workspaces=teams)
    extra = Extras(random.Random(seed + 1), data, events, span)
    recipient_ids = itertools.count(1)
    for n, (ago, team, channel, users) in enumerate(events, start=1):
        created = now - timedelta(seconds=ago)
        prompt_id = extra.prompt_for(team, channel, created)
        user = f"U{team[2:]}{rnd.randrange(users):04d}"
        if rnd.random() < KUDOS_SHARE:
            practice = rnd.choices(catalogue.PRACTICE_KEYS, weights=(1, 1, 1, 1, 6))[0]
            commitment = catalogue.practice(practice).tag_commitment
            reason = TEXTS[n % len(TEXTS)]
            data.recognitions.append(
                (
                    n,
                    team,
                    channel,
                    user,
                    reason,
                    practice,
                    commitment,
                    prompt_id,
                    None,
                    created,
                    extra.value(),
                )
            )
            for _ in range(rnd.choice((1, 1, 1, 2, 3))):
                someone = f"U{team[2:]}{rnd.randrange(users):04d}"
                data.recipients.append((next(recipient_ids), n, team, someone))
        else:
            kind = rnd.choices(kinds, weights=kind_weights)[0]
            practice, commitment = catalogue.KIND_HOME[kind]
            data.responses.append(
                (
                    n,
                    team,
                    channel,
                    None if kind == "fear" else user,
                    kind,
                    practice,
                    commitment,
                    TEXTS[n % len(TEXTS)],
                    "command",
                    prompt_id,
                    None,
                    created,
                    *extra.response(n, team, channel, kind, created),
                )
            )
        extra.maybe_commitment(team, channel, user, created)
    # 500 people in the busy channel: 200 of its 300 posters and 300 lurkers.
    poster_ids = [f"U{busy_team[2:]}{i:04d}" for i in range(300)]
    data.members = frozenset(poster_ids[:200] + [f"ULURK{i:05d}" for i in range(300)])
    return data


class Extras:
    """Prompts, commitments, team values, replies and pilots' learnings, for the measures:
    drawn from a random stream of their own, so the items are the same with or without."""

    def __init__(
        self, rnd: random.Random, data: Data, events: list[tuple[Any, ...]], span: float
    ) -> None:
        self.rnd, self.data = rnd, data
        self.prompt_ids = itertools.count(1)
        self.commitment_ids = itertools.count(1)
        sizes = Counter((team, channel) for _, team, channel, _ in events)
        # Each channel's prompt times, oldest first; consumed as the items go by.
        every = PROMPT_EVERY_DAYS * 86400.0
        self.due: dict[tuple[str, str], list[datetime]] = {}
        for key, size in sizes.items():
            if size >= 20:
                first = rnd.uniform(0, every)
                self.due[key] = [
                    data.now - timedelta(seconds=span - first - i * every)
                    for i in range(int((span - first) // every) + 1)
                ]
        self.latest: dict[tuple[str, str], tuple[int, datetime]] = {}
        self.pilots: dict[tuple[str, str], int] = {}

    def prompt_for(self, team: str, channel: str, at: datetime) -> int | None:
        """Post the channel's prompts due by `at`; the latest one if this item answers it."""
        key, due = (team, channel), self.due.get((team, channel))
        while due and due[0] <= at:
            posted = due.pop(0)
            practice = self.rnd.choice(catalogue.PRACTICE_KEYS)
            kind = "kudos" if practice == "heart" else "win"
            pid = next(self.prompt_ids)
            self.data.prompts.append(
                (pid, team, channel, practice, "c", f"{practice}-1", kind, "a prompt", posted)
            )
            self.latest[key] = (pid, posted)
        found = self.latest.get(key)
        if found and at - found[1] < timedelta(days=3) and self.rnd.random() < PROMPTED_SHARE:
            return found[0]
        return None

    def value(self) -> str | None:
        return self.rnd.choice(VALUES) if self.rnd.random() < VALUE_SHARE else None

    def response(
        self, n: int, team: str, channel: str, kind: str, at: datetime
    ) -> tuple[datetime | None, int | None, str | None]:
        """(answered_at, parent_id, team_value) of a response."""
        answered = parent = value = None
        if kind in ("idea", "hope") and self.rnd.random() < ANSWERED_SHARE:
            reply = at + timedelta(days=self.rnd.uniform(0.05, 10))
            answered = reply if reply <= self.data.now else None
        if kind == "pilot":
            self.pilots[(team, channel)] = n
        if kind == "learning" and self.rnd.random() < LINKED_SHARE:
            parent = self.pilots.get((team, channel))
        if kind == "win":
            value = self.value()
        return answered, parent, value

    def maybe_commitment(self, team: str, channel: str, user: str, at: datetime) -> None:
        if self.rnd.random() >= COMMITMENT_SHARE:
            return
        due = at + timedelta(days=self.rnd.randint(3, 21))
        status, answered = "open", None
        if due < self.data.now:
            roll = self.rnd.random()
            status = "kept" if roll < 0.55 else "dropped" if roll < 0.7 else "open"
            if status != "open":
                answered = min(due + timedelta(days=self.rnd.uniform(-2, 5)), self.data.now)
                answered = max(answered, at + timedelta(hours=1))
        self.data.commitments.append(
            (
                next(self.commitment_ids),
                team,
                channel,
                user,
                "write the runbook",
                due.date(),
                "UTC",
                status,
                answered,
                at,
                1,
            )
        )


def expected_counts(data: Data, days: int) -> dict[str, int]:
    """What channel_progress must count for the busy channel now (a check on the load)."""
    start = data.now - timedelta(days=days)
    team, channel = data.busy
    found: Counter[str] = Counter()
    for r in data.recognitions:
        if r[1] == team and r[2] == channel and r[9] >= start:
            found[r[5]] += 1
    for r in data.responses:
        if r[1] == team and r[2] == channel and r[11] >= start:
            found[r[5]] += 1
    for r in data.commitments:  # made, and kept: Model the Way
        if r[1] == team and r[2] == channel:
            found["model"] += (r[9] >= start) + (r[7] == "kept" and r[8] >= start)
    return dict(+found)


# -- loading ----------------------------------------------------------------------------------


def _sqlite_time(moment: datetime) -> str:
    # As SQLAlchemy stores models.base.UTCDateTime in SQLite: naive UTC, microseconds.
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _maybe_time(moment: datetime | None) -> str | None:
    return None if moment is None else _sqlite_time(moment)


def load_sqlite(path: Path, data: Data) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        with conn:
            conn.executemany(
                "INSERT INTO workspaces (team_id, created_at, milestones_mode) VALUES (?, ?, ?)",
                [(t, _sqlite_time(data.now), "digest") for t in data.workspaces],
            )
            conn.executemany(
                f"INSERT INTO prompts ({PROMPT_COLS}) VALUES ({', '.join('?' * 9)})",
                ((*r[:8], _sqlite_time(r[8])) for r in data.prompts),
            )
            conn.executemany(
                f"INSERT INTO recognitions ({RECOGNITION_COLS}) VALUES ({', '.join('?' * 11)})",
                ((*r[:9], _sqlite_time(r[9]), r[10]) for r in data.recognitions),
            )
            conn.executemany(
                f"INSERT INTO recognition_recipients ({RECIPIENT_COLS}) VALUES (?, ?, ?, ?)",
                data.recipients,
            )
            conn.executemany(
                f"INSERT INTO responses ({RESPONSE_COLS}) VALUES ({', '.join('?' * 15)})",
                (
                    (*r[:11], _sqlite_time(r[11]), _maybe_time(r[12]), *r[13:])
                    for r in data.responses
                ),
            )
            conn.executemany(
                f"INSERT INTO commitments ({COMMITMENT_COLS}) VALUES ({', '.join('?' * 11)})",
                (
                    (
                        *r[:5],
                        r[5].isoformat(),
                        *r[6:8],
                        _maybe_time(r[8]),
                        _sqlite_time(r[9]),
                        r[10],
                    )
                    for r in data.commitments
                ),
            )
    finally:
        conn.close()
    rolled_up(engine)
    return engine


def rolled_up(engine: Engine) -> None:
    """Count the daily rollups from the rows loaded (as migration 0011 does for a database
    that existed before it): the loads bypass the ORM that keeps them on write."""
    start = time.perf_counter()
    with unhurried(engine).begin() as conn:  # as the migrations run: no statement timeout
        rows = rebuild(conn)
    print(f"  rollups: {rows:,} rows counted in {time.perf_counter() - start:.1f} s")


def private_schema(url: str) -> tuple[str, str]:
    """Create a schema of this run's own; returns (url using it, schema name)."""
    schema = f"nudgebot_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}", schema


def drop_schema(url: str, schema: str) -> None:
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def load_postgres(url: str, data: Data) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    # One connection of the app's pool, without the limits set for requests (2 s for a
    # statement, 2.5 s of silence); dropped from the pool at the end.
    raw = engine.raw_connection()
    try:
        pg = raw.driver_connection  # psycopg.Connection (models.db's watched one)
        assert pg is not None
        pg.silence = None  # type: ignore[attr-defined]
        with pg.cursor() as cur:
            cur.execute("SET statement_timeout = 0")
            for table, cols, rows in (
                (
                    "workspaces",
                    "team_id, created_at, milestones_mode",
                    [(t, data.now, "digest") for t in data.workspaces],
                ),
                ("prompts", PROMPT_COLS, data.prompts),
                ("recognitions", RECOGNITION_COLS, data.recognitions),
                ("recognition_recipients", RECIPIENT_COLS, data.recipients),
                ("responses", RESPONSE_COLS, data.responses),
                ("commitments", COMMITMENT_COLS, data.commitments),
            ):
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            for table in (
                "prompts",
                "recognitions",
                "recognition_recipients",
                "responses",
                "commitments",
            ):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
        pg.commit()
        rolled_up(engine)
        pg.autocommit = True
        with pg.cursor() as cur:
            cur.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk insert
    finally:
        raw.invalidate()
        raw.close()
    return engine


# -- timing -----------------------------------------------------------------------------------


@dataclass
class Timing:
    runs: list[float]  # seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.runs)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.runs) * 1000

    @property
    def p95(self) -> float:
        return self.pct(0.95)


def timed(
    sessions: dict[str, sessionmaker[Session]], work: Callable[[Session], Any], runs: int
) -> dict[str, Timing]:
    """`work` against each database in turn (a, b, b, a, ...: noise on the machine hits both
    alike), each time in its own transaction as a request would, WARMUP + `runs` times, and
    for at most MAX_SECONDS_PER_QUERY."""
    times: dict[str, list[float]] = {name: [] for name in sessions}
    order = list(sessions)
    deadline = time.monotonic() + MAX_SECONDS_PER_QUERY
    for i in range(WARMUP + runs):
        for name in order if i % 2 == 0 else order[::-1]:
            start = time.perf_counter()
            with sessions[name].begin() as session:
                work(session)
            if i >= WARMUP:
                times[name].append(time.perf_counter() - start)
        if time.monotonic() > deadline and i >= WARMUP:
            break
    return {name: Timing(found) for name, found in times.items()}


def progress_work(data: Data, days: int) -> Callable[[Session], Any]:
    """`/nudge progress`: the counts, the history, who took part, what needs attention and,
    where bot.progress has them, the team measures (as bot.progress.commands asks)."""
    team, channel = data.busy
    members = ChannelMembers(data.members)
    extra = (
        {"with_measures": True}
        if "with_measures" in inspect.signature(progress.channel_progress).parameters
        else {}
    )
    return lambda s: progress.channel_progress(
        s, team_id=team, channel_id=channel, days=days, now=data.now, members=members, **extra
    )


def measure_cases(data: Data, days: int) -> list[tuple[str, Callable[[Session], Any]]]:
    """Each team measure of bot.measures alone, over the last `days` calendar days (UTC), as
    `/nudge progress` reads them (empty, with a note, when bot.measures is not there)."""
    try:
        from bot.measures import attention, balance, follow, recognition
        from bot.measures import window as windows
    except ImportError:
        print("bot.measures is not there: its measures are not timed")
        return []
    team, channel = data.busy
    window = windows.calendar(days, data.now, "UTC")
    members = frozenset(data.members)
    where = {"team_id": team, "channel_id": channel, "window": window}
    return [
        (f"reach {days}d", lambda s: recognition.reach(s, **where, members=members)),
        (f"concentr. {days}d", lambda s: recognition.concentration(s, **where)),
        (f"follow {days}d", lambda s: follow.follow_through(s, **where)),
        (f"experim. {days}d", lambda s: follow.experiments(s, **where)),
        (f"voice {days}d", lambda s: follow.voice(s, **where)),
        (f"balance {days}d", lambda s: balance.balance(s, **where)),
        (f"broad {days}d", lambda s: balance.broad(s, **where)),
        (f"values {days}d", lambda s: balance.values_named(s, **where)),
        (f"attention {days}d", lambda s: attention.needs_attention(s, **where, last={})),
    ]


def chart_work(data: Data, days: int) -> Callable[[Session], Any]:
    team, channel = data.busy
    return lambda s: progress_series.practice_series(
        s, team_id=team, channel_id=channel, days=days, now=data.now
    )


def digest_work(data: Data) -> Callable[[Session], Any]:
    """The weekly recognition digest's queries for the busy channel (bot.digest.build)."""
    from bot.digest import service as digest

    team, channel = data.busy
    return lambda s: digest.build(s, team_id=team, channel_id=channel, end=data.now, zone="UTC")


def parts_of_progress(data: Data, days: int) -> list[tuple[str, Callable[[Session], Any]]]:
    """Where /nudge progress spends its time, besides the measures: the counts of both
    periods (the daily rollups and the raw edges), the history and who took part."""
    from bot.progress import activity, tally

    team, channel = data.busy
    window = progress.period(days, data.now)
    return [
        (
            f"counts {days}d",
            lambda s: tally.both_periods(
                s, team, channel, window.previous_start, window.start, data.now
            ),
        ),
        ("history", lambda s: activity.history(s, team, channel, data.now)),
        (f"people {days}d", lambda s: activity.people(s, team, channel, window.start, data.now)),
    ]


def cases(data: Data) -> list[tuple[str, Callable[[Session], Any]]]:
    out = [(f"progress {d}d", progress_work(data, d)) for d in PERIODS]
    out += parts_of_progress(data, 90)
    out += [(f"chart {d}d", chart_work(data, d)) for d in PERIODS]
    out.append(("digest", digest_work(data)))
    out += measure_cases(data, 30)
    return out


def measure(engines: dict[str, Engine], data: Data, runs: int) -> dict[str, dict[str, Timing]]:
    """{database: {query: timing}}."""
    sessions = {name: make_sessions(engine) for name, engine in engines.items()}
    out: dict[str, dict[str, Timing]] = {name: {} for name in engines}
    for query, work in cases(data):
        for name, timing in timed(sessions, work, runs).items():
            out[name][query] = timing
    return out


def check_counts(engine: Engine, data: Data) -> None:
    """The loaded rows are what the services read: counts match the generated data."""
    sessions = make_sessions(engine)
    team, channel = data.busy
    for days in PERIODS:
        with sessions.begin() as s:
            report = progress.channel_progress(
                s, team_id=team, channel_id=channel, days=days, now=data.now
            )
        got = {c.practice: c.current for c in report.counts if c.current}
        want = expected_counts(data, days)
        if got != want:
            raise SystemExit(f"load check failed for {days}d: got {got}, expected {want}")


# -- query plans ------------------------------------------------------------------------------


@contextlib.contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM" in statement.upper():
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def explain(engine: Engine, work: Callable[[Session], Any]) -> str:
    with captured(engine) as statements, make_sessions(engine).begin() as session:
        work(session)
    out = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            if engine.dialect.name == "sqlite":
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                plan = "\n".join(f"    {'  ' * (r[1] and 1)}{r[3]}" for r in rows)
            else:
                rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plan = "\n".join(f"    {r[0]}" for r in rows)
            out.append(f"  {' '.join(statement.split())[:160]}...\n{plan}")
    return "\n".join(out)


# -- the run ----------------------------------------------------------------------------------


def report(
    backend: str,
    full: dict[str, Timing],
    single: dict[str, Timing],
    engines: dict[str, Engine],
    data: Data,
    always_explain: bool,
) -> list[str]:
    """Print the table for one backend; returns the names of the queries that missed."""
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"\n{backend}: times in ms ({len(next(iter(full.values())).runs)} runs each; "
        f"load average now {load} on {os.cpu_count()} CPUs)"
    )
    print(
        f"  {'query':<14} {'full p50':>9} {'full p95':>9} {'single p50':>11} "
        f"{'single p95':>11} {'p95 ratio':>9}  targets"
    )
    missed = []
    for name, big in full.items():
        small = single.get(name)
        ratio = big.p95 / small.p95 if small else float("nan")
        ok_abs = big.p95 < P95_TARGET_MS
        ok_ratio = small is None or ratio <= RATIO_TARGET
        verdict = ("PASS" if ok_abs else "FAIL") + " <50ms, " + ("PASS" if ok_ratio else "FAIL")
        verdict += f" <={RATIO_TARGET}x"
        print(
            f"  {name:<14} {big.p50:9.2f} {big.p95:9.2f} "
            f"{small.p50 if small else float('nan'):11.2f} "
            f"{small.p95 if small else float('nan'):11.2f} {ratio:8.2f}x  {verdict}"
        )
        if not (ok_abs and ok_ratio):
            missed.append(name)
    works = dict(cases(data))
    for name in full if always_explain else missed:
        if name in works:
            print(f"\n{backend} query plan, {name}, full database:")
            print(explain(engines["full"], works[name]))
    return missed


def run_backend(
    backend: str,
    make: Callable[[str, Data], Engine],
    data: Data,
    single_data: Data,
    runs: int,
    always_explain: bool,
) -> list[str]:
    """Load both databases, time every query on them, report. Returns the queries that missed
    a target."""
    engines: dict[str, Engine] = {}
    for which, rows in (("full", data), ("single", single_data)):
        start = time.perf_counter()
        engines[which] = make(which, rows)
        took = time.perf_counter() - start
        count = rows.items + len(rows.recipients)
        print(
            f"{backend} {which}: loaded {rows.items:,} items, {len(rows.recipients):,} "
            f"recipients, {len(rows.prompts):,} prompts and {len(rows.commitments):,} "
            f"commitments in {took:.1f} s ({count / took:,.0f} rows/s)"
        )
        check_counts(engines[which], data)
    timings = measure(engines, data, runs)
    missed = report(backend, timings["full"], timings["single"], engines, data, always_explain)
    for engine in engines.values():
        engine.dispose()
    return missed


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--workspaces", type=int, default=1_000)
    parser.add_argument("--busy-items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=100, help=f"at least {MIN_RUNS}")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--explain", action="store_true", help="print every query plan")
    args = parser.parse_args(argv)
    args.runs = max(args.runs, MIN_RUNS)
    args.database_url = normalise_url(args.database_url)
    if not 0 < args.busy_items < args.items:
        parser.error("--busy-items must be between 0 and --items")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    data = generate(args.items, args.workspaces, args.busy_items)
    single = data.only(*data.busy)
    sizes = sorted(
        Counter((r[1], r[2]) for rows in (data.recognitions, data.responses) for r in rows).values()
    )
    print(
        f"generated {data.items:,} items ({len(data.recognitions):,} kudos with "
        f"{len(data.recipients):,} recipients, {len(data.responses):,} responses) in "
        f"{args.workspaces:,} workspaces over {SPAN_DAYS} days in "
        f"{time.perf_counter() - started:.1f} s; busy channel {data.busy[1]}: "
        f"{single.items:,} items; {len(sizes) - 1:,} other channels: median "
        f"{sizes[len(sizes) // 2]:,} items, largest {sizes[-2]:,}"
    )
    missed: dict[str, list[str]] = {}

    if not args.no_sqlite:
        folder = Path(tempfile.mkdtemp(prefix="nudgebot-bench-"))
        try:

            def sqlite(which: str, rows: Data) -> Engine:
                return load_sqlite(folder / f"{which}.db", rows)

            missed["SQLite"] = run_backend("SQLite", sqlite, data, single, args.runs, args.explain)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    if not args.no_postgres:
        schemas: list[str] = []
        try:

            def postgres(which: str, rows: Data) -> Engine:
                url, schema = private_schema(args.database_url)
                schemas.append(schema)
                return load_postgres(url, rows)

            missed["PostgreSQL"] = run_backend(
                "PostgreSQL",
                postgres,
                data,
                single,
                args.runs,
                args.explain,
            )
        finally:
            for schema in schemas:
                drop_schema(args.database_url, schema)

    print()
    for backend, names in missed.items():
        print(
            f"{backend}: " + (f"missed targets: {', '.join(names)}" if names else "all targets met")
        )
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
