"""One leader among schedulers: a PostgreSQL session-level advisory lock.

The lock lives as long as the leader's connection. If the leader dies, PostgreSQL drops the
connection and the lock with it, and the next follower to try takes over. SQLite runs one
scheduler per database file, so there the process is always leader.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

# One lock per database and schema, so two deployments sharing a server don't block each
# other, while every scheduler of one deployment competes for the same lock.
LOCK_KEY = "hashtext('nudgebot:' || current_database() || ':' || current_schema())"


class Leadership:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None
        self._always = engine.dialect.name != "postgresql"

    @property
    def is_leader(self) -> bool:
        return self._always or self._conn is not None

    def try_lead(self) -> bool:
        """Become or stay leader if possible; False while another scheduler leads."""
        if self._always:
            return True
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                return True
            except Exception:
                log.warning("lost the leader connection; stepping down", exc_info=True)
                self.release()
        try:
            conn = self._engine.connect()
        except Exception:
            log.warning("cannot reach the database to take the lead", exc_info=True)
            return False
        got = conn.execute(text(f"SELECT pg_try_advisory_lock({LOCK_KEY})")).scalar()
        conn.commit()
        if got:
            self._conn = conn
            log.info("this scheduler is the leader")
            return True
        conn.close()
        return False

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text(f"SELECT pg_advisory_unlock({LOCK_KEY})"))
                self._conn.commit()
                self._conn.close()
            except Exception:
                self._conn.invalidate()
            self._conn = None
