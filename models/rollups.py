"""Daily rollups of what was done in each channel, kept on write so progress, its chart and
the digest read a few rows per day instead of every item of a channel's history.

`activity_days` holds, per workspace, channel, UTC calendar day, practice and kind, how many
things were done (kudos, answers of every kind, commitments made and kept) and the first
and last moment of them. It is a cache of the raw rows, never the truth:

- every ORM flush keeps it (`_keep`, a session event): a kudos, answer or commitment added
  adds 1 (an upsert: a row lock on PostgreSQL, so two at once both count); one deleted or
  changed recounts its UTC day from the raw rows (`recount_day`);
- the few writes that bypass the ORM call bot.progress.rollups themselves (a commitment
  answered kept, forgetting a person);
- `rebuild` recounts it all from the raw rows (migration 0011 does so for data that
  existed before); tests/test_rollups.py checks after every kind of write that the rollups
  equal that recount.

Statements (workspace-wide, a handful) and prompts are read raw.

Days are UTC days, whatever the team's zone: a reader counts the whole UTC days inside its
period from here and the partial days at its edges from the raw rows (see
bot.progress.rollups), so any zone, even a half-hour one, counts exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Index,
    String,
    Table,
    and_,
    case,
    cast,
    event,
    func,
    inspect,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column

from models.base import Base, UTCDateTime
from models.tables import Commitment, Recognition, Response, SlackId

# The kinds that are not answers, as bot.progress.parts names them (a test checks they agree).
KUDOS = "kudos"
MADE = "commitment"
KEPT = "kept"
MODEL = "model"


class ActivityDay(Base):
    """What was done in a channel on one UTC day, per practice and kind."""

    __tablename__ = "activity_days"
    __table_args__ = (
        # The counts of a channel's days, read from the index alone: the rows of a busy
        # channel are scattered among everyone's, written day after day.
        Index(
            "ix_activity_days_counts", "team_id", "channel_id", "day", "practice", "kind", "count"
        ),
        # The last time each practice was done in a channel, without reading its history.
        Index("ix_activity_days_practice", "team_id", "channel_id", "practice", "day"),
    )

    team_id: Mapped[str] = mapped_column(SlackId, primary_key=True)
    channel_id: Mapped[str] = mapped_column(SlackId, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    practice: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column()
    first_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())


def sql_utc_day(column: Any, dialect: str) -> Any:
    """The UTC calendar day of a stored timestamp, in SQL."""
    if dialect == "sqlite":  # stored as naive UTC text
        return func.date(column)
    return cast(func.timezone("UTC", column), Date)


def sources(dialect: str, *where: Any) -> Any:
    """Every raw row the rollups count, as (team_id, channel_id, day, practice, kind, at);
    `where` filters on (team_id, channel_id, at) columns named so."""

    def pick(table: Any, practice: Any, kind: Any, at: Any, *extra: Any) -> Any:
        conditions = [c(table.team_id, table.channel_id, at) for c in where]
        return select(
            table.team_id.label("team_id"),
            table.channel_id.label("channel_id"),
            sql_utc_day(at, dialect).label("day"),
            practice.label("practice"),
            kind.label("kind"),
            at.label("at"),
        ).where(at.is_not(None), *extra, *conditions)

    return union_all(
        pick(Recognition, Recognition.practice, literal(KUDOS, String), Recognition.created_at),
        pick(Response, Response.practice, Response.kind, Response.created_at),
        pick(Commitment, literal(MODEL, String), literal(MADE, String), Commitment.created_at),
        pick(
            Commitment,
            literal(MODEL, String),
            literal(KEPT, String),
            Commitment.answered_at,
            Commitment.status == "kept",
        ),
    ).subquery()


def recount_rows(dialect: str, *where: Any) -> Any:
    """The rollup rows the raw rows give (filtered by `where`, see `sources`), with the
    columns of `COLUMNS`."""
    raw = sources(dialect, *where)
    return select(
        raw.c.team_id,
        raw.c.channel_id,
        raw.c.day,
        raw.c.practice,
        raw.c.kind,
        func.count().label("count"),
        func.min(raw.c.at).label("first_at"),
        func.max(raw.c.at).label("last_at"),
    ).group_by(raw.c.team_id, raw.c.channel_id, raw.c.day, raw.c.practice, raw.c.kind)


COLUMNS = ("team_id", "channel_id", "day", "practice", "kind", "count", "first_at", "last_at")


def rebuild(conn: Connection, team_id: str | None = None) -> int:
    """Recount the rollups from the raw rows (of one workspace, or all); returns the rows
    written. Safe to run at any time in a transaction of its own."""
    table = ActivityDay.__table__
    assert isinstance(table, Table)
    dialect = conn.dialect.name
    where = [] if team_id is None else [lambda team, _channel, _at: team == team_id]
    conn.execute(table.delete().where(*([] if team_id is None else [table.c.team_id == team_id])))
    conn.execute(table.insert().from_select(COLUMNS, recount_rows(dialect, *where)))
    mine = [] if team_id is None else [table.c.team_id == team_id]
    return int(conn.scalar(select(func.count()).select_from(table).where(*mine)) or 0)


# -- keeping them on write ----------------------------------------------------------------

KEY = ["team_id", "channel_id", "day", "practice", "kind"]


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _upsert(conn: Connection, values: dict[str, Any]) -> Any:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    return insert(ActivityDay).values(**values)


def add(
    conn: Connection, *, team_id: str, channel_id: str, practice: str, kind: str, at: datetime
) -> None:
    """One more thing done: `kind` under `practice` in the channel at `at`."""
    old = ActivityDay.__table__.c
    stmt = _upsert(
        conn,
        {
            "team_id": team_id,
            "channel_id": channel_id,
            "day": utc_day(at),
            "practice": practice,
            "kind": kind,
            "count": 1,
            "first_at": at,
            "last_at": at,
        },
    )
    new = stmt.excluded
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=KEY,
            set_={
                "count": old.count + 1,
                "first_at": case((new.first_at < old.first_at, new.first_at), else_=old.first_at),
                "last_at": case((new.last_at > old.last_at, new.last_at), else_=old.last_at),
            },
        )
    )


def recount_day(conn: Connection, *, team_id: str, channel_id: str, day: date) -> None:
    """Make the channel's rollups of one UTC day equal to its raw rows again. The rows there
    are locked first (PostgreSQL), so an `add` in flight either finished (and its raw row is
    seen here) or waits for this transaction (and adds to the recount)."""
    table = ActivityDay.__table__
    assert isinstance(table, Table)
    mine = and_(table.c.team_id == team_id, table.c.channel_id == channel_id, table.c.day == day)
    there = set(conn.execute(select(table.c.practice, table.c.kind).where(mine).with_for_update()))
    start, end = utc_midnight(day), utc_midnight(day + timedelta(days=1))

    def on(team: Any, channel: Any, at: Any) -> Any:
        return and_(team == team_id, channel == channel_id, at >= start, at < end)

    rows = conn.execute(recount_rows(conn.dialect.name, on)).all()
    for practice, kind in there - {(r.practice, r.kind) for r in rows}:
        conn.execute(table.delete().where(mine, table.c.practice == practice, table.c.kind == kind))
    for r in rows:
        stmt = _upsert(conn, {c: getattr(r, c) for c in COLUMNS} | {"day": day})
        new = stmt.excluded
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=KEY,
                set_={"count": new.count, "first_at": new.first_at, "last_at": new.last_at},
            )
        )


Counted = tuple[str, str, str, str, datetime]  # team, channel, practice, kind, at


def counted(row: object, values: dict[str, Any] | None = None) -> Iterator[Counted]:
    """What a raw row counts for (`values` overrides its attributes: its state before)."""

    def get(name: str) -> Any:
        return values[name] if values and name in values else getattr(row, name)

    if isinstance(row, Recognition):
        yield get("team_id"), get("channel_id"), get("practice"), KUDOS, get("created_at")
    elif isinstance(row, Response):
        yield get("team_id"), get("channel_id"), get("practice"), get("kind"), get("created_at")
    elif isinstance(row, Commitment):
        yield get("team_id"), get("channel_id"), MODEL, MADE, get("created_at")
        if get("status") == "kept" and get("answered_at") is not None:
            yield get("team_id"), get("channel_id"), MODEL, KEPT, get("answered_at")


WATCHED = ("team_id", "channel_id", "practice", "kind", "created_at", "status", "answered_at")


def _before(row: object) -> dict[str, Any] | None:
    """A changed row's counted attributes as they were, or None when none changed."""
    state = inspect(row)
    before: dict[str, Any] = {}
    for name in WATCHED:
        if name not in state.attrs:
            continue
        history = state.attrs[name].history
        if history.has_changes():
            before[name] = history.deleted[0] if history.deleted else None
    return before or None


@event.listens_for(Session, "after_flush")
def _keep(session: Session, _flush: UOWTransaction) -> None:
    """Keep the rollups equal to the raw rows this flush wrote (see the module's doc)."""
    tracked = (Recognition, Response, Commitment)
    new = [row for row in session.new if isinstance(row, tracked)]
    gone = [row for row in session.deleted if isinstance(row, tracked)]
    changed = [(row, b) for row in session.dirty if isinstance(row, tracked) if (b := _before(row))]
    if not (new or gone or changed):
        return
    conn = session.connection()
    days: set[tuple[str, str, date]] = set()
    for row in new:
        for team, channel, practice, kind, at in counted(row):
            if at is not None:
                add(conn, team_id=team, channel_id=channel, practice=practice, kind=kind, at=at)
    for row, before in (
        [(row, None) for row in gone]
        + [(r, None) for r, _ in changed]
        + [(r, b) for r, b in changed]
    ):
        for team, channel, _practice, _kind, at in counted(row, before):
            if at is not None and team is not None and channel is not None:
                days.add((team, channel, utc_day(at)))
    for team, channel, day in sorted(days):
        recount_day(conn, team_id=team, channel_id=channel, day=day)
