"""SQLite with another connection holding the write lock: reads answer at once (they take
no write lock), writes give up after about 2 s and give the person their text back, every
ack comes back at once. And the database files are private to their owner (0600)."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.prompts.modals import ModalContext
from models.db import make_engine, make_sessions
from models.tables import Recognition, Response
from tests.driver import SlackDriver, slack_id
from tests.fake_slack import Call
from tests.helpers import APOLOGY, said

GIVE_UP = 2.0  # seconds a write waits for SQLite's lock before it gives up


@pytest.fixture
def write_lock(engine: Engine) -> Iterator[sqlite3.Connection]:
    """Another connection inside BEGIN IMMEDIATE: it holds the write lock until the test ends."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    holder = sqlite3.connect(str(engine.url.database), timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def rows(
    sessions: sessionmaker[Session], model: type[Response] | type[Recognition], team: str
) -> int:
    with sessions() as session:
        return len(session.scalars(select(model.id).where(model.team_id == team)).all())


def told_to(bot: SlackDriver, timeout: float = 5.0) -> list[Call]:
    """The ephemeral messages to the driver's person, once there is one."""
    return bot.slack.wait_for(
        lambda: [
            c for c in bot.slack.calls_to("chat.postEphemeral") if c.params.get("user") == bot.user
        ],
        timeout,
    )


def test_reads_answer_at_once_while_the_write_lock_is_held(
    bot: SlackDriver, write_lock: sqlite3.Connection
) -> None:
    for name, typed in (("/vision", ""), ("/nudge", "schedule list"), ("/nudge", "progress")):
        start = time.monotonic()
        reply, key = bot.command(name, typed)
        assert reply.status == 200 and time.monotonic() - start < 0.5
        answer = said(bot.slack.wait_response(key, timeout=GIVE_UP))
        assert APOLOGY not in answer and "wasn't saved" not in answer, (name, answer)
        assert time.monotonic() - start < 1.0, name


def test_a_write_gives_up_after_about_2s_and_gives_the_text_back(
    bot: SlackDriver, write_lock: sqlite3.Connection, sessions: sessionmaker[Session]
) -> None:
    # As Slack sends slash-command text: `&`, `<` and `>` arrive escaped.
    typed = "We shipped the *new* onboarding\nin two weeks &amp; nobody got paged"
    start = time.monotonic()
    reply, key = bot.command("/win", typed)
    assert reply.status == 200 and reply.body == ""
    assert time.monotonic() - start < 0.5
    message = bot.slack.wait_response(key, timeout=GIVE_UP + 2)
    waited = time.monotonic() - start
    print(f"\na write waited {waited:.2f} s on SQLite's held write lock")
    assert GIVE_UP - 0.2 < waited < GIVE_UP + 1.0
    assert message["response_type"] == "ephemeral"
    told = said(message)
    assert "wasn't saved" in told
    for line in typed.split("\n"):  # their own words, as Slack sent them
        assert line in told, told
    write_lock.execute("ROLLBACK")
    assert rows(sessions, Response, bot.team) == 0


def test_a_modal_answer_is_acked_at_once_and_given_back_when_it_cannot_be_saved(
    bot: SlackDriver, write_lock: sqlite3.Connection, sessions: sessionmaker[Session]
) -> None:
    metadata = ModalContext(bot.channel, "heart.recognise.2", None, None).dump()  # a win
    typed = "The release went out on a Friday and nothing broke"
    start = time.monotonic()
    reply = bot.submit_view(metadata, typed)
    assert reply.status == 200 and reply.body == ""  # the modal closes
    assert time.monotonic() - start < 0.5
    [told] = told_to(bot, timeout=GIVE_UP + 2)
    assert told.params["channel"] == bot.channel and told.params["user"] == bot.user
    assert typed in told.params["text"] and "wasn't saved" in told.params["text"]
    write_lock.execute("ROLLBACK")
    assert rows(sessions, Response, bot.team) == 0


def test_modal_answer_is_saved_after_the_ack_and_a_double_submit_logs_once(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    metadata = ModalContext(bot.channel, "heart.recognise.2", None, None).dump()
    view_id = slack_id("V")
    for _ in range(3):
        reply = bot.submit_view(metadata, "Shipped it", view_id=view_id)
        assert reply.status == 200 and reply.body == ""
    bot.slack.wait_for(
        lambda: [
            c
            for c in bot.slack.calls_to("chat.postMessage")
            if c.params.get("channel") == bot.channel
        ]
    )
    time.sleep(0.3)
    assert rows(sessions, Response, bot.team) == 1
    posts = [
        c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("channel") == bot.channel
    ]
    assert len(posts) == 1


def test_the_kudos_cap_reached_in_a_modal_is_told_with_the_text_back(
    make_bot: object, sessions: sessionmaker[Session]
) -> None:
    bot = make_bot(kudos_daily_cap=1)  # type: ignore[operator]
    ana, ben = slack_id("U"), slack_id("U")
    reply, key = bot.command("/kudos", f"<@{ana}> first of the day")
    bot.slack.wait_response(key)
    metadata = ModalContext(bot.channel, "heart.recognise.1", None, None).dump()  # kudos
    typed = "Covered my on-call while I was out"
    reply = bot.submit_view(metadata, typed, recipients=[ben])
    assert reply.status == 200 and reply.body == ""
    [told] = told_to(bot)
    assert "1 kudos a day" in told.params["text"] and typed in told.params["text"]
    assert rows(sessions, Recognition, bot.team) == 1


def test_sqlite_files_are_private_to_their_owner(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # the usual umask: files readable by every local user
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'private.db'}")
        with make_sessions(engine).begin() as session:
            session.execute(text("CREATE TABLE t (x INTEGER)"))
            session.execute(text("INSERT INTO t VALUES (1)"))
        with engine.connect() as conn:  # the -wal and -shm exist while a connection is open
            conn.execute(text("SELECT x FROM t")).all()
            made = sorted(p.name for p in tmp_path.iterdir())
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
        engine.dispose()
    finally:
        os.umask(previous)
    assert made == ["private.db", "private.db-shm", "private.db-wal"]
    assert modes == dict.fromkeys(made, 0o600)


def test_a_failed_statement_logs_no_values(
    sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    """A database error reaches the log (a listener's failure, a job's exception): no line
    may carry what people wrote, neither the bound values nor the database's own message
    (PostgreSQL quotes the refused row)."""
    import logging

    from sqlalchemy import insert
    from sqlalchemy.exc import DBAPIError

    from handlers.common import report_failure
    from models.errors import DatabaseErrorsWithoutValues

    secret = "a worry nobody may read in a log"
    with pytest.raises(DBAPIError) as failed, sessions.begin() as session:
        # No workspace row: the foreign key refuses it, with the values in the statement.
        session.execute(
            insert(Response).values(
                team_id=slack_id("T"),
                channel_id="C1",
                kind="fear",
                text=secret,
                source="command",
                created_at=datetime.now(UTC),
            )
        )
    caplog.set_level(logging.DEBUG)
    report_failure(failed.value, None, None)
    assert "listener failed" in caplog.text and secret not in caplog.text

    # Any other line carrying the error, through the filter every handler of app.main has.
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "job failed: %s", (failed.value,), None
    )
    DatabaseErrorsWithoutValues().filter(record)
    assert secret not in record.getMessage()
    try:
        raise failed.value
    except DBAPIError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "job", (), sys.exc_info())
    DatabaseErrorsWithoutValues().filter(record)
    assert record.exc_info is None and secret not in record.getMessage()
