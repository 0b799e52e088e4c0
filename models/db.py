"""One engine and one session factory per process."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

PSYCOPG = "postgresql+psycopg://"


def normalise_url(url: str) -> str:
    """`url` naming the driver we ship: `postgresql://` and `postgres://` become
    `postgresql+psycopg://`. Plain `postgresql://` would make SQLAlchemy look for psycopg2,
    which is not a dependency, and it no longer knows `postgres://` (as some hosts hand
    out) at all. Every other URL is returned as it is."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return PSYCOPG + url[len(scheme) :]
    return url


def make_engine(url: str) -> Engine:
    """An engine for `url` (normalised first); SQLite gets WAL, a busy timeout and foreign
    keys on."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
            cursor = dbapi_conn.cursor()
            if ":memory:" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Any) -> None:
            # Take the write lock up front: a transaction that reads, then writes, would
            # otherwise fail with SQLITE_BUSY when another writer committed in between.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
