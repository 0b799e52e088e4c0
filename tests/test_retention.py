"""Retention: a workspace that left keeps its data for the retention period, then the purge
deletes every row it has in every table of the real database, and nothing of any other
workspace (SQLite, and PostgreSQL when configured). Time is the job context's `now`."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, String, Table, func, insert, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.privacy import purge
from bot.settings import Settings
from bot.slack import workspaces
from bot.slack.client import make_client
from models.db import make_engine, normalise_url
from models.installs import SlackBot, SlackInstallation, SlackOrgTeam
from models.migrate import downgrade, upgrade
from models.nudges import NudgeDay, PersonalNudge
from models.pulse import (
    PulseComment,
    PulseInvite,
    PulseLeaderRating,
    PulseOptOut,
    PulseRating,
    PulseRound,
    PulseVoter,
)
from models.queries import ensure_workspace
from models.retention import WorkspaceDeparture
from models.tables import (
    Commitment,
    Milestone,
    Occurrence,
    PrivateHint,
    Prompt,
    Recognition,
    RecognitionRecipient,
    Response,
    Schedule,
    Statement,
    Workspace,
)
from schedules.context import JobContext
from schedules.purge_job import run_purge
from tests.conftest import drop_private_schema, with_private_schema
from tests.driver import slack_id

# Long before anything other tests write, so that only this module's workspaces are due.
LEFT_AT = datetime(2001, 3, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def seed(sessions: sessionmaker[Session], team: str, at: datetime) -> None:
    """A row of the workspace in every table that holds a workspace's rows."""
    channel, user = slack_id("C"), slack_id("U")
    common = {"team_id": team, "channel_id": channel}
    with sessions.begin() as s:
        ensure_workspace(s, team)
        schedule = Schedule(**common, practice="heart", cron="0 9 * * *", zone="UTC")
        nudge = PersonalNudge(
            team_id=team, user_id=user, kind="habit", days="0,2", at_minute=540, zone="UTC"
        )
        nudge.status = "active"
        s.add_all([schedule, nudge])
        s.flush()
        prompt = Prompt(
            **common,
            practice="heart",
            commitment="c",
            prompt_key="k",
            response_kind="story",
            text="a prompt",
            schedule_id=schedule.id,
        )
        kudos = Recognition(
            **common, giver_id=user, reason="thanks", practice="heart", commitment="c"
        )
        kudos.recipients.append(RecognitionRecipient(team_id=team, user_id=slack_id("U")))
        pulse = PulseRound(**common, number=1, remind_at=at, closes_at=at + DAY)
        s.add_all([prompt, kudos, pulse])
        s.flush()
        s.add_all(
            [
                Occurrence(schedule_id=schedule.id, team_id=team, occurs_at=at, status="posted"),
                Response(
                    **common,
                    user_id=user,
                    kind="story",
                    practice="heart",
                    commitment="c",
                    text="an answer",
                    source="thread",
                    prompt_id=prompt.id,
                    created_at=at,
                ),
                Statement(team_id=team, kind="vision", text="a vision", author_id=user),
                Commitment(**common, user_id=user, text="try", due_on=date(2001, 3, 8), zone="UTC"),
                Milestone(**common, kind="recognitions", key="10"),
                PrivateHint(team_id=team, user_id=user, kind="praise"),
                NudgeDay(nudge_id=nudge.id, team_id=team, day=at.date(), status="sent"),
                PulseInvite(round_id=pulse.id, team_id=team, user_id=user),
                PulseVoter(round_id=pulse.id, voter="h" * 64),
                PulseRating(
                    round_id=pulse.id, team_id=team, practice="heart", commitment="c", rating=7
                ),
                PulseComment(round_id=pulse.id, team_id=team, text="a comment"),
                PulseLeaderRating(
                    round_id=pulse.id,
                    user_id=user,
                    commitment="c",
                    team_id=team,
                    practice="heart",
                    rating=6,
                ),
                PulseOptOut(**common, user_id=user),
                SlackInstallation(
                    client_id="1.2", app_id="A1", team_id=team, user_id=user, bot_token="sealed"
                ),
                SlackBot(client_id="1.2", app_id="A1", team_id=team, bot_token="sealed"),
                SlackOrgTeam(team_id=team, enterprise_id=slack_id("E")),
            ]
        )


# Every table `seed` writes to: the test below checks each really had the workspace's rows.
SEEDED = {
    "workspaces", "schedules", "occurrences", "prompts", "recognitions", "recognition_recipients",
    "responses", "statements", "commitments", "milestones", "private_hints", "personal_nudges",
    "nudge_days", "pulse_rounds", "pulse_invites", "pulse_voters", "pulse_ratings",
    "pulse_comments", "pulse_leader_ratings", "pulse_optouts", "activity_days",
    "slack_installations", "slack_bots", "slack_org_teams",
}  # fmt: skip


def holding(engine: Engine, team: str) -> dict[str, int]:
    """Rows per table of the real database (reflected, not the models) that hold `team`: any
    text column equal to its id, or a foreign key into such a row. Tables with none left out."""
    db = MetaData()
    with engine.connect() as conn:
        db.reflect(conn)
        counts = {}
        for table in db.sorted_tables:
            found = conn.scalar(select(func.count()).select_from(table).where(mine(table, team)))
            if found:
                counts[table.name] = int(found)
    return counts


def mine(table: Table, team: str, seen: frozenset[str] = frozenset()) -> Any:
    named = [c == team for c in table.c if isinstance(c.type, String)]
    reached = [
        key.parent.in_(select(key.column).where(mine(key.column.table, team, seen | {table.name})))
        for key in table.foreign_keys
        if key.column.table.name not in seen | {table.name}
    ]
    return or_(*named, *reached) if named or reached else False


def keyed(table: Table, seen: frozenset[str] = frozenset()) -> bool:
    """Whether the table has a `team_id` column, or a foreign key into a table that has."""
    return "team_id" in table.c or any(
        keyed(key.column.table, seen | {table.name})
        for key in table.foreign_keys
        if key.column.table.name not in seen | {table.name}
    )


def ctx(sessions: sessionmaker[Session], now: datetime, days: int = 30) -> JobContext:
    client = make_client(
        Settings(bot_token="xoxb-t", signing_secret="s", api_url="http://127.0.0.1:9/")
    )
    return JobContext(sessions=sessions, client=client, now=lambda: now, retention_days=days)


def leave(sessions: sessionmaker[Session], team: str, reason: str, at: datetime) -> None:
    with sessions.begin() as s:
        workspaces.deactivate(s, team_id=team, reason=reason, now=at)


def departure(sessions: sessionmaker[Session], team: str) -> tuple[datetime, str] | None:
    with sessions() as s:
        row = s.get(WorkspaceDeparture, team)
        return None if row is None else (row.left_at, row.reason)


def test_the_purge_deletes_every_row_of_the_workspace_and_nothing_of_another(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    gone, kept = slack_id("T"), slack_id("T")
    for team in (gone, kept):
        seed(sessions, team, LEFT_AT)
    leave(sessions, gone, "app_uninstalled", LEFT_AT)
    before = holding(engine, gone)
    assert set(before) >= SEEDED | {"workspace_departures"}, "the seed missed a table"
    theirs = holding(engine, kept)

    with sessions.begin() as s:
        purged = purge.purge(s, gone)

    assert holding(engine, gone) == {}
    assert holding(engine, kept) == theirs
    assert purged.rows == before  # what it reports is what there was, table by table
    with sessions.begin() as s:
        assert purge.purge(s, gone).total == 0  # a second purge finds nothing


def test_every_table_that_can_hold_a_workspace_is_walked(engine: Engine) -> None:
    """A table added later (by a migration) with a workspace's rows is purged too."""
    db = MetaData()
    with engine.connect() as conn:
        db.reflect(conn)
    holders = {t.name for t in db.sorted_tables if keyed(t)}
    walked = {t.name for t in purge.tables()}
    assert holders >= SEEDED
    assert holders - {"alembic_version"} <= walked
    assert "slack_oauth_states" not in walked  # an install in progress belongs to nobody yet


def test_only_leaving_starts_the_clock_and_the_first_departure_counts(
    sessions: sessionmaker[Session],
) -> None:
    team, other = slack_id("T"), slack_id("T")
    leave(sessions, team, "app_uninstalled", LEFT_AT)
    leave(sessions, team, "token_revoked", LEFT_AT + 5 * DAY)
    assert departure(sessions, team) == (LEFT_AT, "app_uninstalled")
    for reason in ("invalid_auth", "account_inactive", "team_disabled", "not_installed"):
        leave(sessions, other, reason, LEFT_AT)
        assert departure(sessions, other) is None, reason
    leave(sessions, other, "token_revoked", LEFT_AT + DAY)
    assert departure(sessions, other) == (LEFT_AT + DAY, "token_revoked")
    with sessions.begin() as s:
        assert workspaces.reactivate(s, team_id=team, now=LEFT_AT + 6 * DAY)
        assert workspaces.reactivate(s, team_id=other, now=LEFT_AT + 6 * DAY)
    assert departure(sessions, team) is None and departure(sessions, other) is None


@pytest.mark.parametrize("days", [30, 7])
def test_the_job_keeps_everything_until_the_retention_has_passed(
    engine: Engine, sessions: sessionmaker[Session], days: int
) -> None:
    gone, active = slack_id("T"), slack_id("T")
    seed(sessions, gone, LEFT_AT)
    seed(sessions, active, LEFT_AT)
    leave(sessions, gone, "app_uninstalled", LEFT_AT)
    before, theirs = holding(engine, gone), holding(engine, active)

    assert run_purge(ctx(sessions, LEFT_AT + days * DAY - timedelta(seconds=1), days)) == 0
    assert holding(engine, gone) == before

    assert run_purge(ctx(sessions, LEFT_AT + days * DAY, days)) == 1
    assert holding(engine, gone) == {}
    assert holding(engine, active) == theirs
    assert run_purge(ctx(sessions, LEFT_AT + days * DAY, days)) == 0  # nothing left to do


def test_installing_again_within_the_retention_keeps_everything(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    team = slack_id("T")
    seed(sessions, team, LEFT_AT)
    leave(sessions, team, "app_uninstalled", LEFT_AT)
    with sessions.begin() as s:
        assert workspaces.reactivate(s, team_id=team, now=LEFT_AT + 29 * DAY)
    before = holding(engine, team)

    assert run_purge(ctx(sessions, LEFT_AT + 400 * DAY)) == 0
    assert holding(engine, team) == before
    with sessions() as s:
        assert s.get(Workspace, team).inactive_reason is None  # type: ignore[union-attr]

    # Leaving again starts a new period from then.
    leave(sessions, team, "token_revoked", LEFT_AT + 401 * DAY)
    assert run_purge(ctx(sessions, LEFT_AT + 430 * DAY)) == 0
    assert run_purge(ctx(sessions, LEFT_AT + 431 * DAY)) == 1
    assert holding(engine, team) == {}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_upgrade_starts_the_clock_for_workspaces_already_gone(
    backend: str, tmp_path: Path
) -> None:
    """A workspace stopped by an uninstall before this version keeps its data for the whole
    period from the upgrade; one stopped for another reason, or active, never starts it."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'before.db'}"
    else:
        if not os.environ.get("TEST_DATABASE_URL"):
            pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
        url = with_private_schema(normalise_url(os.environ["TEST_DATABASE_URL"]))
    engine = make_engine(url)
    try:
        upgrade(engine, "0013")
        reasons = {"TGONE": "app_uninstalled", "TREVOKED": "token_revoked", "TAUTH": "invalid_auth"}
        with engine.begin() as conn:
            conn.execute(
                insert(Workspace.__table__),
                [{"team_id": t, "inactive_reason": r} for t, r in reasons.items()]
                + [{"team_id": "TACTIVE", "inactive_reason": None}],
            )
        before = datetime.now(UTC)
        upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(select(WorkspaceDeparture.__table__)).all()
        assert {r.team_id: r.reason for r in rows} == {
            "TGONE": "app_uninstalled",
            "TREVOKED": "token_revoked",
        }
        for row in rows:  # SQLite keeps no zone: its timestamps are UTC
            left = row.left_at if row.left_at.tzinfo else row.left_at.replace(tzinfo=UTC)
            assert before - timedelta(seconds=5) <= left <= datetime.now(UTC)
        downgrade(engine, "0013")
        upgrade(engine)
    finally:
        engine.dispose()
        if backend == "postgresql":
            drop_private_schema(url)
