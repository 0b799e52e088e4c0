"""One engine per process, and two ways to open a session on it.

Writing or reading, chosen where the session is opened: `with sessions.begin() as
session:` (a transaction that writes, committed at the end) or `with reads() as session:`.

`make_sessions(engine)` gives the first, `make_reads(engine)` (or `reads_for(sessions)`) the
second, on the same engine and pool. On SQLite a writing transaction starts with
`BEGIN IMMEDIATE`: it takes the write lock up front, so one that reads and then writes
never fails half-way because another writer committed in between. A reading one starts
with a plain `BEGIN`, takes no write lock, and in WAL mode goes on while another
connection writes. On PostgreSQL a reading transaction is `READ ONLY`.

No wait on the database lasts much more than `DB_TIMEOUT` (2 s), so that the work after a
Slack ack fails soon and says so rather than hanging:

- SQLite waits at most 2 s for the write lock (the busy timeout).
- PostgreSQL: 2 s to connect (`connect_timeout`), 2 s for a statement, lock waits
  included (`statement_timeout`, `lock_timeout`), 2 s for a free connection from the pool
  (`pool_timeout`). Those are the server's limits; a server that accepts and then says
  nothing (a hung host, a dropped route) keeps none of them, and TCP keepalives do not
  notice it either, since its kernel still acknowledges what we send. So the connection
  itself gives up on any one wait (a query, a commit, the pool's ping) after
  `DB_TIMEOUT + 0.5` s of silence: it closes, raises, and the pool drops it. For as long
  again, new connections to that server fail at once instead of waiting for it too, so a
  silent server costs a request 2.5 s (a pooled connection) or 2 s (a new one), not more.
- No `idle_in_transaction_session_timeout`: the scheduler's leader idles in a transaction.
Migrations may wait longer: `unhurried(engine)`. `ping(engine)`: `SELECT 1`, never hanging.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
import weakref
from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

PSYCOPG = "postgresql+psycopg://"

DB_TIMEOUT = 2.0  # seconds: connect, statement, lock, pool and SQLite busy waits
SILENCE = DB_TIMEOUT + 0.5  # seconds without a word from the server: it is gone

READ_ONLY = "nudgebot_read_only"  # execution option: the transaction only reads
UNHURRIED = "nudgebot_unhurried"  # execution option: no time limits


def normalise_url(url: str) -> str:
    """`url` naming the driver we ship: `postgresql://` and `postgres://` (as some hosts
    hand out; SQLAlchemy would look for psycopg2, or not know it) become
    `postgresql+psycopg://`. Every other URL is returned as it is."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return PSYCOPG + url[len(scheme) :]
    return url


def make_engine(url: str) -> Engine:
    """An engine for `url` (normalised first), with the limits above. SQLite: WAL, foreign
    keys on, files only their owner can read."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return _postgresql_engine(url)


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions for transactions that write: `with sessions.begin() as session:`."""
    return sessionmaker(engine, expire_on_commit=False)


def make_reads(engine: Engine) -> sessionmaker[Session]:
    """Sessions for transactions that only read: `with reads() as session:`."""
    options: dict[str, Any] = {READ_ONLY: True}
    if engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    return sessionmaker(engine.execution_options(**options), expire_on_commit=False)


_reads: weakref.WeakKeyDictionary[sessionmaker[Session], sessionmaker[Session]] = (
    weakref.WeakKeyDictionary()
)
_reads_lock = threading.Lock()


def reads_for(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The reading twin of `sessions` (same engine, same pool), made once."""
    with _reads_lock:
        found = _reads.get(sessions)
        if found is None:
            found = _reads[sessions] = make_reads(sessions.kw["bind"])
        return found


def unhurried(engine: Engine) -> Engine:
    """`engine`, for work that may wait longer than the limits allow (migrations): its
    transactions have no statement or lock timeout, no silence limit and a long SQLite
    busy timeout. The limits come back when the connection returns to the pool."""
    return engine.execution_options(**{UNHURRIED: True})


# -- SQLite -----------------------------------------------------------------------------------


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:" and not path.startswith("file:"):
        _private_files(path)
    busy_ms = int(DB_TIMEOUT * 1000)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": DB_TIMEOUT},
        # A failed statement's error names no values: they are what people wrote.
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        if ":memory:" not in url:
            # The file keeps WAL once set; while another process migrates, go on without.
            with contextlib.suppress(sqlite3.OperationalError):
                cursor.execute("PRAGMA journal_mode=WAL")
        # secure_delete: what is deleted (a closed pulse round's keys, a forgotten person's
        # rows) is overwritten in the file, not left in its free pages.
        for pragma in ("foreign_keys=ON", "synchronous=NORMAL", "secure_delete=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(UNHURRIED):
            conn.exec_driver_sql("PRAGMA busy_timeout = 600000")
            conn.connection.info[UNHURRIED] = True
        conn.exec_driver_sql("BEGIN" if options.get(READ_ONLY) else "BEGIN IMMEDIATE")

    @event.listens_for(engine, "checkin")
    def _hurry_again(dbapi_conn: Any, record: Any) -> None:
        if record is not None and record.info.pop(UNHURRIED, False):
            dbapi_conn.execute(f"PRAGMA busy_timeout = {busy_ms}")

    return engine


def _private_files(path: str) -> None:
    """Create the database file for its owner only (its -wal and -shm files get its mode),
    and take others' access away from older files. Errors are SQLite's to report."""
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.chmod(path + suffix, 0o600)


# -- PostgreSQL -------------------------------------------------------------------------------


class _Silences:
    """When an engine's server last said nothing (a wait ran out, or a connect timed out).
    For a moment after that, new connections fail at once rather than wait for it again:
    the pool's ping that ran out is not followed by a reconnect that does too."""

    def __init__(self) -> None:
        self.last = float("-inf")

    def heard_nothing(self) -> None:
        self.last = time.monotonic()

    def recent(self) -> bool:
        return time.monotonic() - self.last < SILENCE


class _Watched(psycopg.Connection[Any]):
    """A psycopg connection that stops waiting for a server that says nothing: a wait (a
    query, a commit, the pool's ping) that hears nothing for `silence` seconds closes the
    connection and raises OperationalError, so SQLAlchemy drops it from the pool."""

    silence: float | None = SILENCE
    silences: _Silences | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        limit = self.silence if timeout is None else timeout
        start = time.monotonic()
        try:
            return super().wait(gen, interval, limit)
        except psycopg.OperationalError:
            if limit is None or time.monotonic() - start < limit:
                raise
            if self.silences is not None:
                self.silences.heard_nothing()
            self.close()  # mid-conversation: the connection is no good any more
            raise psycopg.OperationalError(
                f"the database server did not answer for {limit:g} s"
            ) from None


def _postgresql_engine(url: str) -> Engine:
    ms = int(DB_TIMEOUT * 1000)
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in make_url(url).query:
        connect_args["connect_timeout"] = max(2, round(DB_TIMEOUT))
    engine = create_engine(
        url,
        connect_args=connect_args,
        hide_parameters=True,  # a failed statement's error names no values people wrote
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=DB_TIMEOUT,
    )

    silences = _Silences()

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        if silences.recent():
            raise psycopg.OperationalError("the database server said nothing a moment ago")
        try:
            conn = _Watched.connect(*cargs, **cparams)
        except psycopg.errors.ConnectionTimeout:
            silences.heard_nothing()
            raise
        conn.silences = silences
        return conn

    @event.listens_for(engine, "connect")
    def _limits(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.autocommit = True
        # plan_cache_mode: psycopg prepares a statement run 5 times, and PostgreSQL's generic
        # plan for it suits an average channel, not a busy one (docs/PERFORMANCE.md).
        dbapi_conn.execute(
            f"SET statement_timeout = {ms}; SET lock_timeout = {ms}; "
            "SET plan_cache_mode = force_custom_plan"
        )
        dbapi_conn.autocommit = False

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if conn.get_execution_options().get(UNHURRIED):
            conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
            conn.exec_driver_sql("SET LOCAL lock_timeout = 0")
            conn.connection.dbapi_connection.silence = None
            conn.connection.info[UNHURRIED] = True

    @event.listens_for(engine, "checkin")
    def _hurry_again(dbapi_conn: Any, record: Any) -> None:
        if record is not None and record.info.pop(UNHURRIED, False):
            dbapi_conn.silence = _Watched.silence

    return engine


# -- readiness --------------------------------------------------------------------------------
class _Probe:
    """One `SELECT 1` on a thread of its own."""

    def __init__(self, engine: Engine) -> None:
        self.started = time.monotonic()
        self.done = threading.Event()
        self.ok = False
        threading.Thread(target=self._run, args=(engine,), name="db-ping", daemon=True).start()

    def _run(self, engine: Engine) -> None:
        try:
            with engine.execution_options(**{READ_ONLY: True}).connect() as conn:
                self.ok = conn.execute(text("SELECT 1")).scalar() == 1
        except Exception:
            self.ok = False
        finally:
            self.done.set()


_probes: dict[int, _Probe] = {}
_probes_lock = threading.Lock()


def ping(engine: Engine, timeout: float = DB_TIMEOUT) -> bool:
    """Whether the database answers `SELECT 1` within `timeout` seconds; never waits
    longer. The query runs on a thread of its own; while an earlier one is still waiting
    (a silent server: a few seconds at most, see above), callers wait on it rather than
    start more, so a readiness endpoint polled often piles nothing up. A failure that
    began before this call is not taken as the answer while time remains."""
    asked = time.monotonic()
    deadline = asked + timeout
    while True:
        with _probes_lock:
            probe = _probes.get(id(engine))
            if probe is None or probe.done.is_set():
                probe = _probes[id(engine)] = _Probe(engine)
        if not probe.done.wait(max(deadline - time.monotonic(), 0)):
            return False
        if probe.ok or probe.started >= asked or time.monotonic() >= deadline:
            return probe.ok
