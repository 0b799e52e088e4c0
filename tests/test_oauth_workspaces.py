"""Two workspaces installed through "Add to Slack" on one app, over real HTTP against the
fake Slack: each sees only its own data, each request and scheduled post goes out with its
own workspace's token, a rotating token is refreshed before it expires (and saved sealed),
and an uninstall or a revoked token stops only that workspace."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.scheduling import service as scheduling
from bot.scheduling.when import parse_when
from models.installs import SlackBot, SlackInstallation
from models.tables import Workspace
from schedules.context import JobContext
from schedules.jobs import post_occurrence
from tests.driver import SlackDriver, slack_id
from tests.oauth_support import OAuthApp, grant, start_oauth_app
from tests.shown import said


@pytest.fixture(scope="module")
def oauth(sessions: sessionmaker[Session]) -> Iterator[OAuthApp]:
    running = start_oauth_app(sessions)
    yield running
    running.stop()


def installed(oauth: OAuthApp, **kwargs: Any) -> tuple[SlackDriver, str]:
    """A workspace installed through the whole flow: a driver for it, and its token."""
    workspace = grant(**kwargs)
    page = oauth.install(workspace)
    assert page.status == 200, page.body
    token = next(
        t
        for t in oauth.fake.oauth.live_tokens()
        if oauth.fake.oauth.team_of(t) == workspace.team_id
    )
    return oauth.driver(str(workspace.team_id)), token


def run(driver: SlackDriver, name: str, text: str = "") -> str:
    reply, key = driver.command(name, text)
    assert reply.status == 200 and reply.body == "", reply.body
    return said(driver.slack.wait_response(key))


def event(driver: SlackDriver, payload: dict[str, Any], **envelope: Any) -> int:
    body = {
        "team_id": driver.team,
        "api_app_id": "A0NUDGE",
        "type": "event_callback",
        "event_id": slack_id("Ev"),
        "event_time": int(time.time()),
        "event": payload,
        **envelope,
    }
    return driver.post(json.dumps(body).encode(), content_type="application/json").status


def tokens_used(oauth: OAuthApp, method: str, **params: str) -> list[str | None]:
    calls = oauth.fake.calls_to(method)
    return [
        oauth.fake.oauth.token_of(c)
        for c in calls
        if all(c.params.get(k) == v for k, v in params.items())
    ]


def schedule(oauth: OAuthApp, team: str) -> tuple[int, str]:
    channel = slack_id("C")
    with oauth.sessions.begin() as session:
        view = scheduling.add_schedule(
            session,
            team_id=team,
            channel_id=channel,
            user_id=slack_id("U"),
            practice="heart",
            when=parse_when("daily 09:00", "UTC"),
            now=datetime.now(UTC),
        )
    return view.id, channel


def post_now(oauth: OAuthApp, schedule_id: int) -> str:
    ctx = JobContext(
        sessions=oauth.sessions,
        client=oauth.installs.default,
        now=lambda: datetime.now(UTC),
        clients=oauth.installs,
    )
    return post_occurrence(ctx, schedule_id, datetime.now(UTC).replace(microsecond=0))


def inactive(oauth: OAuthApp, team: str) -> str | None:
    with oauth.sessions() as s:
        return s.scalar(select(Workspace.inactive_reason).where(Workspace.team_id == team))


def test_two_workspaces_each_see_only_their_own(oauth: OAuthApp) -> None:
    one, one_token = installed(oauth)
    two, two_token = installed(oauth)
    assert one_token != two_token
    two.channel, two.user = one.channel, one.user  # the same ids, in another workspace

    assert "Kudos to" in run(one, "/kudos", f"<@{slack_id('U')}> for the migration #challenge")
    text = run(one, "/nudge", "progress 30d")
    assert ":hammer_and_wrench: *Challenge the Process*: 1 kudos · new" in text
    text = run(two, "/nudge", "progress 30d")
    assert "Nothing done here yet" in text or "*0 people* took part." in text
    run(two, "/win", "first win in B #model")
    assert ":compass: *Model the Way*: nothing\n" in run(one, "/nudge", "progress 30d")
    assert ":compass: *Model the Way*: 1 win · new" in run(two, "/nudge", "progress 30d")

    # The App Home of each is published with its own workspace's token.
    for driver in (one, two):
        assert event(driver, {"type": "app_home_opened", "user": driver.user, "tab": "home"}) == 200
    oauth.fake.wait_for(lambda: len(tokens_used(oauth, "views.publish", user_id=one.user)) >= 2)
    assert sorted(tokens_used(oauth, "views.publish", user_id=one.user)) == sorted(
        [one_token, two_token]
    )


def test_each_scheduled_post_goes_out_with_its_own_token(oauth: OAuthApp) -> None:
    one, one_token = installed(oauth)
    two, two_token = installed(oauth)
    first, first_channel = schedule(oauth, one.team)
    second, second_channel = schedule(oauth, two.team)
    assert post_now(oauth, first) == "posted"
    assert post_now(oauth, second) == "posted"
    assert tokens_used(oauth, "chat.postMessage", channel=first_channel) == [one_token]
    assert tokens_used(oauth, "chat.postMessage", channel=second_channel) == [two_token]
    # A workspace with no installation: its post fails at once and stops it alone.
    stranger = slack_id("T")
    third, third_channel = schedule(oauth, stranger)
    assert post_now(oauth, third) == "not_installed"
    assert tokens_used(oauth, "chat.postMessage", channel=third_channel) == []
    assert inactive(oauth, stranger) == "not_installed"
    assert inactive(oauth, one.team) is None and inactive(oauth, two.team) is None


def test_a_rotating_token_is_refreshed_before_it_expires(oauth: OAuthApp) -> None:
    one, first_token = installed(oauth, rotation=True)
    assert first_token.startswith("xoxe.xoxb-")
    with oauth.sessions() as s:
        row = s.scalars(select(SlackBot).where(SlackBot.team_id == one.team)).one()
        assert row.bot_refresh_token is not None and row.bot_refresh_token.startswith("fernet:")
        assert row.bot_token_expires_at is not None
    # Twelve hours on, the token is about to expire: the next call refreshes it first.
    soon = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=5)
    with oauth.sessions.begin() as s:
        for model in (SlackBot, SlackInstallation):
            s.execute(
                update(model).where(model.team_id == one.team).values(bot_token_expires_at=soon)
            )
    oauth.installs.forget(one.team)
    sid, channel = schedule(oauth, one.team)
    assert post_now(oauth, sid) == "posted"
    (used,) = tokens_used(oauth, "chat.postMessage", channel=channel)
    assert used not in (None, first_token) and oauth.fake.oauth.team_of(used) == one.team
    assert first_token not in oauth.fake.oauth.live_tokens()  # the old one stopped working
    with oauth.sessions() as s:
        for model in (SlackBot, SlackInstallation):
            row = s.scalars(select(model).where(model.team_id == one.team)).one()
            assert row.bot_token is not None and row.bot_token.startswith("fernet:")
            assert used not in row.bot_token
            assert row.bot_token_expires_at is not None and row.bot_token_expires_at > soon
    assert oauth.installs.store.sealer.open(row.bot_token) == used
    # Requests use the new token too, and refresh nothing more.
    refreshes = len(oauth.fake.calls_to("oauth.v2.access"))
    assert "Kudos to" in run(one, "/kudos", f"<@{slack_id('U')}> for the rotation")
    assert len(oauth.fake.calls_to("oauth.v2.access")) == refreshes


def test_an_uninstall_deletes_the_installation_and_stops_that_workspace_only(
    oauth: OAuthApp,
) -> None:
    gone, _ = installed(oauth)
    stays, stays_token = installed(oauth)
    assert run(gone, "/nudge", "progress")  # works before
    assert event(gone, {"type": "app_uninstalled"}) == 200
    oauth.fake.wait_for(lambda: inactive(oauth, gone.team) == "app_uninstalled")
    with oauth.sessions() as s:
        for model in (SlackBot, SlackInstallation):
            assert s.scalars(select(model).where(model.team_id == gone.team)).all() == []
    reply, key = gone.command("/nudge", "progress")
    assert reply.status == 200
    assert "not installed in this workspace" in said(oauth.fake.wait_response(key))
    assert oauth.installs.for_team(gone.team).token is None
    # The other workspace works on, with its own token.
    assert "Kudos to" in run(stays, "/kudos", f"<@{slack_id('U')}> for staying")
    assert oauth.installs.for_team(stays.team).token == stays_token
    assert inactive(oauth, stays.team) is None
    # Installing again resumes the workspace.
    again = grant(team_id=gone.team)
    assert oauth.install(again).status == 200
    assert inactive(oauth, gone.team) is None
    assert run(gone, "/nudge", "progress")


def test_a_revoked_bot_token_is_deleted_and_stops_that_workspace_only(oauth: OAuthApp) -> None:
    revoked, token = installed(oauth)
    stays, _ = installed(oauth)
    oauth.fake.oauth.revoke(token)
    assert event(revoked, {"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}}) == 200
    oauth.fake.wait_for(lambda: inactive(oauth, revoked.team) == "token_revoked")
    with oauth.sessions() as s:
        assert s.scalars(select(SlackBot).where(SlackBot.team_id == revoked.team)).all() == []
        row = s.scalars(
            select(SlackInstallation).where(SlackInstallation.team_id == revoked.team)
        ).one()
        assert row.bot_token is None and row.bot_refresh_token is None
    sid, channel = schedule(oauth, revoked.team)
    assert post_now(oauth, sid) == "inactive"
    assert tokens_used(oauth, "chat.postMessage", channel=channel) == []
    assert "Kudos to" in run(stays, "/kudos", f"<@{slack_id('U')}> for staying")
    assert inactive(oauth, stays.team) is None


def test_an_org_wide_uninstall_stops_the_orgs_workspaces_seen(oauth: OAuthApp) -> None:
    enterprise = slack_id("E")
    org = grant(team_id=None, enterprise_id=enterprise, org_wide=True)
    assert oauth.install(org).status == 200
    member = oauth.driver(slack_id("T"))
    envelope = {"enterprise_id": enterprise, "is_enterprise_install": "true"}
    key = slack_id("R")
    form = {
        "team_id": member.team,
        "channel_id": member.channel,
        "user_id": member.user,
        "command": "/nudge",
        "text": "progress",
        "api_app_id": "A0NUDGE",
        "response_url": oauth.fake.response_url(key),
        "trigger_id": f"trigger-{key}",
        **envelope,
    }
    assert member.post(urlencode(form).encode()).status == 200  # with the org's token
    assert "took part" in said(oauth.fake.wait_response(key))
    assert oauth.installs.for_team(member.team).token is not None
    org_wide = {"team_id": None, "enterprise_id": enterprise, "is_enterprise_install": True}
    assert event(member, {"type": "app_uninstalled"}, **org_wide) == 200
    oauth.fake.wait_for(lambda: inactive(oauth, member.team) == "app_uninstalled")
    with oauth.sessions() as s:
        assert s.scalars(select(SlackBot).where(SlackBot.enterprise_id == enterprise)).all() == []
    assert oauth.installs.for_team(member.team).token is None


def test_a_refresh_slack_refuses_keeps_the_token_and_is_not_asked_on_every_call(
    oauth: OAuthApp,
) -> None:
    one, token = installed(oauth, rotation=True)
    soon = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=5)
    with oauth.sessions.begin() as s:
        for model in (SlackBot, SlackInstallation):
            s.execute(
                update(model).where(model.team_id == one.team).values(bot_token_expires_at=soon)
            )
    oauth.installs.forget(one.team)
    before = len(oauth.fake.calls_to("oauth.v2.access"))
    oauth.fake.fail("oauth.v2.access", "invalid_refresh_token")
    assert oauth.installs.for_team(one.team).token == token  # still good for five minutes
    assert oauth.installs.for_team(one.team).token == token
    assert len(oauth.fake.calls_to("oauth.v2.access")) == before + 1
