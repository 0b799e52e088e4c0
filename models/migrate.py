"""Schema migrations: only Alembic changes the schema, and the app upgrades to head on start.

Run by hand with `python -m models.migrate [upgrade|downgrade|revision "message"]`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from models.db import make_engine, normalise_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The app's default too (DEFAULT_DATABASE_URL in the settings); models/ reads no app settings.
DEFAULT_DATABASE_URL = "sqlite:///nudgebot.db"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind `engine` up to `revision` (head by default)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def main(argv: list[str]) -> int:
    import os

    from dotenv import find_dotenv, load_dotenv

    load_dotenv(find_dotenv(usecwd=True))
    url = os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    action = argv[0] if argv else "upgrade"
    if action == "revision":
        config = alembic_config(url)
        command.revision(config, message=argv[1] if len(argv) > 1 else "change", autogenerate=True)
    elif action == "downgrade":
        downgrade(make_engine(url), argv[1] if len(argv) > 1 else "-1")
    else:
        upgrade(make_engine(url))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
