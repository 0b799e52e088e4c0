"""Migrations when several processes start at once on an empty database, and what a failure
says: the real reason, in one line, never "check the URL" for a database that answered."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from models.db import make_engine, normalise_url
from models.migrate import MigrationError, alembic_config, upgrade
from tests.conftest import drop_private_schema, with_private_schema

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def fresh_schema() -> Iterator[str]:
    """A PostgreSQL URL whose search path is a new, empty schema."""
    if not PG:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    url = with_private_schema(normalise_url(PG))
    yield url
    drop_private_schema(url)


def head() -> str:
    revision = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert revision is not None
    return revision


def version(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT version_num FROM alembic_version"))


def migrate_at_once(url: str, count: int = 3) -> None:
    """`count` processes upgrading `url` at the same moment, as first starts of web, scheduler
    and web do (Alembic keeps its state in module globals: one migration per process)."""
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": url}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "models.migrate"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    engine = make_engine(url)
    assert version(engine) == head()
    engine.dispose()


def test_three_first_starts_at_once_all_migrate_postgresql(fresh_schema: str) -> None:
    migrate_at_once(fresh_schema)


def test_three_first_starts_at_once_all_migrate_sqlite(tmp_path: Path) -> None:
    migrate_at_once(f"sqlite:///{tmp_path / 'race.db'}")


def failure(url: str) -> str:
    engine = make_engine(url)
    try:
        with pytest.raises(MigrationError) as failed:
            upgrade(engine)
    finally:
        engine.dispose()
    message = str(failed.value)
    assert "\n" not in message and message.strip() == message
    return message


def test_no_server_at_the_address_is_called_that() -> None:
    message = failure("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert "cannot connect" in message and "127.0.0.1:1" in message, message
    assert "running" in message


def test_an_sqlite_file_that_cannot_be_created_is_called_that(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    message = failure(f"sqlite:///{blocker}/nudgebot.db")
    assert str(blocker / "nudgebot.db") in message, message
    assert "SQLite" in message and "writable" in message, message
    assert "server" not in message, message


def test_a_migration_that_fails_says_so_and_blames_no_url(fresh_schema: str) -> None:
    engine = make_engine(fresh_schema)
    with engine.begin() as conn:  # someone else's table where ours should go
        conn.execute(text("CREATE TABLE workspaces (other integer)"))
    engine.dispose()
    message = failure(fresh_schema)
    assert "upgrading the schema" in message and "failed" in message, message
    assert "workspaces" in message, message
    assert "check the URL" not in message and "server is running" not in message, message
