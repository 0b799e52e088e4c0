"""Installing again while the daily purge runs: the departure is taken off the purge's list
before the installation is saved, so a purge at that very moment finds nothing to purge and
the workspace keeps everything; an install that fails puts the departure back as it was.
"Add to Slack" end to end against the fake Slack, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from schedules.purge_job import run_purge
from tests.driver import slack_id
from tests.oauth_support import OAuthApp, grant, start_oauth_app
from tests.test_retention import DAY, LEFT_AT, ctx, departure, holding, leave, seed


@pytest.fixture(scope="module")
def oauth(sessions: sessionmaker[Session]) -> Iterator[OAuthApp]:
    running = start_oauth_app(sessions)
    yield running
    running.stop()


def saving(oauth: OAuthApp, monkeypatch: pytest.MonkeyPatch, before: Any) -> list[str]:
    """Run `before()` as the flow saves an installation (the store's own save)."""
    store = oauth.app.oauth_flow.settings.installation_store  # type: ignore[union-attr]
    assert store is oauth.installs.store
    real = store.save
    seen: list[str] = []

    def save(installation: Any) -> None:
        seen.append(str(installation.team_id))
        before()
        real(installation)

    monkeypatch.setattr(store, "save", save)
    return seen


def test_a_purge_at_the_moment_of_a_reinstall_keeps_everything(
    oauth: OAuthApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = slack_id("T")
    seed(oauth.sessions, team, LEFT_AT)
    leave(oauth.sessions, team, "app_uninstalled", LEFT_AT)
    engine = oauth.sessions.kw["bind"]
    kept = {k: v for k, v in holding(engine, team).items() if k != "workspace_departures"}
    purged: list[int] = []
    late = LEFT_AT + 400 * DAY  # long past the retention
    seen = saving(oauth, monkeypatch, lambda: purged.append(run_purge(ctx(oauth.sessions, late))))

    page = oauth.install(grant(team_id=team))

    assert page.status == 200, page.body
    assert seen == [team] and len(purged) == 1  # it ran (other tests' workspaces may go)
    now = holding(engine, team)
    assert departure(oauth.sessions, team) is None
    for table, count in kept.items():
        assert now.get(table, 0) >= count, table
    assert oauth.installs.for_team(team).token  # the new installation is there


def test_an_install_that_fails_puts_the_departure_back(
    oauth: OAuthApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = slack_id("T")
    seed(oauth.sessions, team, LEFT_AT)
    left = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    leave(oauth.sessions, team, "token_revoked", left)

    def refuse() -> None:
        raise OSError("disk full")

    saving(oauth, monkeypatch, refuse)
    page = oauth.install(grant(team_id=team))

    assert page.status >= 400 and "try again" in page.body
    assert departure(oauth.sessions, team) == (left, "token_revoked")
    assert run_purge(ctx(oauth.sessions, left + 30 * DAY)) >= 1  # the clock kept running
    assert holding(oauth.sessions.kw["bind"], team) == {}
