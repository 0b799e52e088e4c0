"""Alembic environment: runs migrations on the connection or URL the caller hands in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import models.installs
import models.measure_indexes
import models.nudges
import models.pulse
import models.retention
import models.rollups
import models.tables  # noqa: F401
from models.base import Base
from models.db import normalise_url

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=normalise_url(config.get_main_option("sqlalchemy.url") or ""),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(normalise_url(config.get_main_option("sqlalchemy.url") or ""))
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
