"""Schema migrations: only Alembic changes the schema, and the app upgrades to head on start.

Several processes may start at once on an empty database (web, scheduler and web, say). On
PostgreSQL each takes a transaction-level advisory lock before Alembic reads the schema, so
one migrates while the others wait, then find the schema at head and do nothing. On SQLite
the migration's `BEGIN IMMEDIATE` (the write lock) does the same. Migrations run without
the app's 2-second limits (`models.db.unhurried`); the wait for another process's
migration is bounded on its own (`LOCK_WAIT_SECONDS`).

A failure raises MigrationError, whose message is one line saying what really happened: no
server at that address, an SQLite file that cannot be created, another migration that
never finished, or a step that failed on a database that answered.

Run by hand with `python -m models.migrate [upgrade|downgrade|revision "message"]`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text

from models.db import make_engine, normalise_url, unhurried

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The app's default too (DEFAULT_DATABASE_URL in the settings); models/ reads no app settings.
DEFAULT_DATABASE_URL = "sqlite:///nudgebot.db"
LOCK_WAIT_SECONDS = 120
# One migration lock per database and schema; not the schedulers' leader lock
# (schedules/leader.py hashes another text).
LOCK_KEY = (
    "hashtext('nudgebot-migrate:' || current_database() || ':' || coalesce(current_schema(), ''))"
)


class MigrationError(RuntimeError):
    """The database could not be brought to the schema this code needs. The message is one
    line, and names the database (without its password) and the reason."""


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind `engine` up to `revision` (head by default)."""
    _migrate(engine, f"upgrading the schema to {revision}", lambda c: command.upgrade(c, revision))


def downgrade(engine: Engine, revision: str = "base") -> None:
    _migrate(
        engine, f"downgrading the schema to {revision}", lambda c: command.downgrade(c, revision)
    )


def _migrate(engine: Engine, what: str, step: Callable[[Config], None]) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    try:
        connection = unhurried(engine).connect()
    except Exception as err:
        raise MigrationError(_cannot_open(engine, err)) from err
    with connection:
        try:
            with connection.begin():
                _wait_for_other_migrations(connection)
                config.attributes["connection"] = connection
                step(config)
        except MigrationError:
            raise
        except Exception as err:
            raise MigrationError(
                f"the database at {_where(engine)} answered, but {what} failed: {_reason(err)}"
            ) from err


def _wait_for_other_migrations(connection: Connection) -> None:
    """PostgreSQL: hold the migration lock until this transaction ends."""
    if connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'")
    try:
        connection.execute(text(f"SELECT pg_advisory_xact_lock({LOCK_KEY})"))
    except Exception as err:
        raise MigrationError(
            f"another process has been migrating this database for over {LOCK_WAIT_SECONDS} s "
            f"and still holds the migration lock ({_reason(err)}); if no other nudgebot is "
            "starting, look for a stuck session in pg_stat_activity"
        ) from err
    connection.exec_driver_sql("SET LOCAL lock_timeout = 0")


def _where(engine: Engine) -> str:
    return "DATABASE_URL=" + engine.url.render_as_string(hide_password=True)


def _reason(err: Exception) -> str:
    lines = str(getattr(err, "orig", None) or err).strip().splitlines()
    return lines[0].strip() if lines else type(err).__name__


def _cannot_open(engine: Engine, err: Exception) -> str:
    if engine.dialect.name == "sqlite":
        path = os.path.abspath(engine.url.database or "")
        return (
            f"cannot open the SQLite database file {path} ({_where(engine)}): {_reason(err)} "
            f"(its directory must exist and be writable by this user, uid {os.getuid()})"
        )
    return (
        f"cannot connect to the database at {_where(engine)}: {_reason(err)} (check the URL, "
        "and that the database server is running and accepts connections from here)"
    )


def main(argv: list[str]) -> int:
    from dotenv import find_dotenv, load_dotenv

    load_dotenv(find_dotenv(usecwd=True))
    url = os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    action = argv[0] if argv else "upgrade"
    try:
        if action == "revision":
            config = alembic_config(url)
            message = argv[1] if len(argv) > 1 else "change"
            command.revision(config, message=message, autogenerate=True)
        elif action == "downgrade":
            downgrade(make_engine(url), argv[1] if len(argv) > 1 else "-1")
        else:
            upgrade(make_engine(url))
    except MigrationError as err:
        print(f"nudgebot: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
