"""Add to Slack end to end over real HTTP against the fake Slack: the install pages, the
state (checked, single use, expiring), the installation saved with its token sealed, and
the scopes asked for."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import event, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from handlers.oauth import BOT_SCOPES
from models.installs import SlackBot, SlackInstallation, SlackOAuthState
from tests.driver import slack_id
from tests.oauth_support import OAuthApp, get, grant, start_oauth_app

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yaml"


@pytest.fixture(scope="module")
def oauth(sessions: sessionmaker[Session]) -> Iterator[OAuthApp]:
    running = start_oauth_app(sessions)
    yield running
    running.stop()


def installations(sessions: sessionmaker[Session], team: str) -> list[SlackInstallation]:
    with sessions() as s:
        return list(s.scalars(select(SlackInstallation).where(SlackInstallation.team_id == team)))


def test_an_install_saves_the_installation_with_its_token_sealed(oauth: OAuthApp) -> None:
    page, authorize, cookie = oauth.start_install()
    assert "Add nudgebot to Slack" in page.body and "Add to Slack" in page.body
    assert authorize.startswith(oauth.fake.base + "/oauth/v2/authorize?")
    assert f"client_id={oauth.settings.client_id}" in authorize
    assert "chat%3Awrite" in authorize or "chat:write" in authorize
    assert "HttpOnly" in page.headers["set-cookie"][0]

    workspace = grant(team_name="Acme <Design>")
    code, state = oauth.fake.oauth.approve(authorize, workspace)
    done = oauth.finish(code, state, cookie)
    assert done.status == 200, done.body
    assert "nudgebot is installed" in done.body
    assert "Acme &lt;Design&gt;" in done.body  # Slack's name, escaped
    assert "deleted" in done.headers["set-cookie"][0]  # the state cookie is cleared

    (row,) = installations(oauth.sessions, str(workspace.team_id))
    assert row.bot_token is not None and row.bot_token.startswith("fernet:")
    token = oauth.fake.oauth.live_tokens()[-1]
    assert token not in row.bot_token
    assert row.bot_user_id == workspace.bot_user_id and row.bot_id == workspace.bot_id
    client = oauth.installs.for_team(str(workspace.team_id))
    assert client.token == token
    # The bot's id came from auth.test with the new token, answered for that workspace.
    used = [oauth.fake.oauth.token_of(c) for c in oauth.fake.calls_to("auth.test")]
    assert token in used


def test_the_state_is_good_once(oauth: OAuthApp) -> None:
    _, authorize, cookie = oauth.start_install()
    code, state = oauth.fake.oauth.approve(authorize, grant())
    assert oauth.finish(code, state, cookie).status == 200
    again = grant()
    replay = oauth.finish(oauth.fake.oauth.code_for(again), state, cookie)
    assert replay.status == 401
    assert "already been used or has expired" in replay.body
    assert "Start again" in replay.body and 'href="/slack/install"' in replay.body
    assert installations(oauth.sessions, str(again.team_id)) == []


def test_a_missing_or_forged_state_or_cookie_is_refused(oauth: OAuthApp) -> None:
    _, authorize, cookie = oauth.start_install()
    code, state = oauth.fake.oauth.approve(authorize, grant())
    for bad_state, bad_cookie, status, said in (
        (None, cookie, 400, "start again from this browser"),
        (state, None, 400, "start again from this browser"),
        (state, "someone-elses-state", 400, "start again from this browser"),
        ("forged.0123", "forged.0123", 401, "already been used or has expired"),
    ):
        page = oauth.finish(code, bad_state, bad_cookie)
        assert page.status == status, (bad_state, bad_cookie, page.body)
        assert said in page.body.lower() or said in page.body
    # None of that used the state up: the real one still works, once.
    assert oauth.finish(code, state, cookie).status == 200


def test_an_expired_state_is_refused(oauth: OAuthApp) -> None:
    _, authorize, cookie = oauth.start_install()
    workspace = grant()
    code, state = oauth.fake.oauth.approve(authorize, workspace)
    with oauth.sessions.begin() as s:
        s.execute(
            update(SlackOAuthState)
            .where(SlackOAuthState.state == state)
            .values(expire_at=datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=1))
        )
    page = oauth.finish(code, state, cookie)
    assert page.status == 401 and "has expired" in page.body
    assert installations(oauth.sessions, str(workspace.team_id)) == []


def test_a_cancelled_install_and_a_bad_code_say_nothing_was_installed(oauth: OAuthApp) -> None:
    cancelled = get(oauth.url + "/slack/oauth_redirect?error=access_denied&state=x")
    assert cancelled.status == 200 and "You cancelled in Slack" in cancelled.body
    _, _, cookie = oauth.start_install()  # the cookie holds the state itself
    page = oauth.finish("not-a-code", cookie, cookie)
    assert page.status == 401 and "Slack did not accept the install" in page.body


def test_an_org_wide_install_answers_for_every_workspace_of_the_org(oauth: OAuthApp) -> None:
    enterprise = slack_id("E")
    org = grant(team_id=None, enterprise_id=enterprise, org_wide=True, enterprise_name="Big")
    page = oauth.install(org)
    assert page.status == 200 and "every workspace of <strong>Big</strong>" in page.body
    with oauth.sessions() as s:
        bot = s.scalars(select(SlackBot).where(SlackBot.enterprise_id == enterprise)).one()
    assert bot.team_id is None and bot.is_enterprise_install
    token = oauth.fake.oauth.live_tokens()[-1]
    team = slack_id("T")
    # Before any request from it, nothing says the workspace is of that org.
    assert oauth.installs.for_team(team).token is None
    found = oauth.installs.find_for_request(enterprise, team, True)
    assert found is not None and found.bot_token == token
    oauth.installs.forget(team)
    assert oauth.installs.for_team(team).token == token  # remembered with its org


def test_the_scopes_asked_for_are_the_manifests() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert set(BOT_SCOPES) == set(manifest["oauth_config"]["scopes"]["bot"])
    assert any(
        url.endswith("/slack/oauth_redirect") for url in manifest["oauth_config"]["redirect_urls"]
    )


@contextmanager
def states_unreachable(oauth: OAuthApp) -> Iterator[None]:
    """Every statement on the OAuth states fails, as with a database gone away."""

    def refuse(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if "slack_oauth_states" in statement:
            raise OperationalError(statement, {}, ConnectionError("database went away"))

    engine = oauth.sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse)


def test_a_database_that_fails_says_try_again_not_that_the_link_expired(
    oauth: OAuthApp,
) -> None:
    _, authorize, cookie = oauth.start_install()
    workspace = grant()
    code, state = oauth.fake.oauth.approve(authorize, workspace)
    with states_unreachable(oauth):
        start = get(oauth.url + "/slack/install")
        back = oauth.finish(code, state, cookie)
    for page in (start, back):
        assert page.status == 503, page.body
        assert "could not reach my database" in page.body and "try again" in page.body
        assert "expired" not in page.body and "Add to Slack</a>" not in page.body
    assert installations(oauth.sessions, str(workspace.team_id)) == []
    assert oauth.finish(code, state, cookie).status == 200  # the state was not used up


def test_an_unknown_error_from_the_redirect_is_not_logged_as_given(
    oauth: OAuthApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    page = get(oauth.url + "/slack/oauth_redirect?error=%3Cscript%3Eforged%0Aline&state=x")
    assert page.status == 200 and "Nothing was installed" not in page.body
    assert "nothing was installed" in page.body
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "an install was refused: other" in logged
    assert "forged" not in logged and "script" not in logged
