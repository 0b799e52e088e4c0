"""Add to Slack: Bolt's OAuth flow on GET /slack/install and GET /slack/oauth_redirect,
and each request answered with its own workspace's token.

The flow (slack_bolt's OAuthFlow) hands out a state (signed, single-use, ten minutes:
bot.slack.stores.SignedStateStore) with a cookie binding it to the browser, sends the
person to Slack, and on their return checks both, trades the code for the installation
(oauth.v2.access, pointed at SLACK_API_URL like every other call), saves it with its
tokens sealed, and resumes the workspace if it had been stopped. Our own pages say how it
went (handlers/install_pages.py).

Every Slack request is authorised from the installation store through
`bot.slack.installs.InstalledClients` (cached for a few seconds, rotating tokens refreshed
before they expire); no auth.test is made per request: the bot's ids are kept with its
installation. An Enterprise Grid org-wide installation answers for every workspace of its
org, and each such workspace is remembered with its org for its scheduled work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.error import BoltError
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth import OAuthStateUtils
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack import workspaces
from bot.slack.client import make_client
from bot.slack.installs import REFRESH_MINUTES, InstalledClients
from bot.slack.stores import STATE_SECONDS, SignedStateStore
from bot.slack.tokens import TokenError
from handlers import install_pages
from handlers.install_pages import INSTALL_PATH

log = logging.getLogger("nudgebot.oauth")

REDIRECT_PATH = "/slack/oauth_redirect"
# The bot scopes of manifest.yaml (tests/test_oauth_flow.py checks that they agree).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "users:read",
    "channels:history",
    "groups:history",
    "reactions:write",
    "channels:read",
    "groups:read",
    "im:write",
    "files:write",
    "dnd:read",
)
INSTALLS_KEY = "nudgebot_installs"
NOT_INSTALLED_MESSAGE = (
    ":warning: nudgebot is not installed in this workspace any more, so I can't do that. "
    "Ask an admin to add nudgebot to Slack again; your team's data is kept for a while."
)
_HTML = {"Content-Type": "text/html; charset=utf-8"}
_STATE = OAuthStateUtils(expiration_seconds=STATE_SECONDS)


class InstallFlow(OAuthFlow):
    """Bolt's OAuth flow with our pages, and what an install changes besides the store."""

    def __init__(self, *, rt: Runtime, installs: InstalledClients, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rt = rt
        self.installs = installs

    def build_install_page_html(self, url: str, request: BoltRequest) -> str:
        return install_pages.start_page(url)

    def handle_installation(self, request: BoltRequest) -> BoltResponse:
        try:
            return super().handle_installation(request)
        except Exception as err:  # the state could not be saved: the database
            log.error("could not start an install: %s", type(err).__name__)
            return _page(503, install_pages.failure_page("unavailable"))

    def handle_callback(self, request: BoltRequest) -> BoltResponse:
        try:
            return super().handle_callback(request)
        except SQLAlchemyError as err:  # the state could not be checked
            log.error("an install failed: %s", type(err).__name__)
            return _page(503, install_pages.failure_page("unavailable"))
        except Exception as err:  # Slack unreachable
            log.error("an install failed: %s", type(err).__name__)
            return _page(502, install_pages.failure_page("unexpected"))

    def store_installation(self, request: BoltRequest, installation: Installation) -> None:
        try:
            teams = teams_of(self.installs, installation)
            with self.rt.sessions.begin() as session:
                held = workspaces.hold_departures(session, teams)
            try:
                super().store_installation(request, installation)
            except Exception:
                with self.rt.sessions.begin() as session:
                    workspaces.put_back(session, held)
                raise
            installed(self.rt, self.installs, installation)
        except Exception as err:
            raise BoltError(f"could not save the installation: {type(err).__name__}") from err


def teams_of(installs: InstalledClients, installation: Installation) -> list[str]:
    """The workspace installed, or each known workspace of the org."""
    team, enterprise = installation.team_id, installation.enterprise_id
    org = bool(installation.is_enterprise_install)
    teams = installs.store.teams_of_org(enterprise) if org and enterprise else []
    return [*teams, team] if team else teams


def installed(rt: Runtime, installs: InstalledClients, installation: Installation) -> None:
    """A new installation was saved: its workspace (or each known workspace of its org)
    works again if it had been stopped, and no process keeps the old answer."""
    team, enterprise = installation.team_id, installation.enterprise_id
    org = bool(installation.is_enterprise_install)
    teams = teams_of(installs, installation)
    if team:
        installs.forget(team)
    if org:
        installs.forget(None, enterprise)
    with rt.sessions.begin() as session:
        for each in teams:
            workspaces.reactivate(session, team_id=each, now=rt.now())
    log.info(
        "installed in %s %s",
        "org" if org else "workspace",
        (enterprise if org else team) or "(unknown)",
    )


def _page(status: int, html: str, clear_cookie: bool = True) -> BoltResponse:
    headers: dict[str, Any] = dict(_HTML)
    if clear_cookie:
        headers["Set-Cookie"] = [_STATE.build_set_cookie_for_deletion()]
    return BoltResponse(status=status, body=html, headers=headers)


def _succeeded(args: SuccessArgs) -> BoltResponse:
    i = args.installation
    html = install_pages.success_page(i.team_name, i.enterprise_name, bool(i.is_enterprise_install))
    return _page(200, html)


def _failed(args: FailureArgs) -> BoltResponse:
    known = args.reason if args.reason in install_pages.FAILURES else "other"  # ?error=...
    log.info("an install was refused: %s", known)
    return _page(args.suggested_status_code, install_pages.failure_page(args.reason))


class InstalledAuthorize(Authorize):
    """Each request's bot token, from the installation store (cached, refreshed before it
    expires), without an auth.test: the installation keeps the bot's ids."""

    def __init__(self, installs: InstalledClients) -> None:
        self.installs = installs

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_actor: Any,
    ) -> AuthorizeResult | None:
        try:
            found = self.installs.find_for_request(
                enterprise_id, team_id, bool(context.is_enterprise_install)
            )
        except TokenError as err:
            log.error("workspace %s: %s", team_id or enterprise_id, err)
            return None
        if found is None:
            log.info("a request from workspace %s, which has no installation", team_id)
            return None
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_user_id=found.bot_user_id,
            bot_id=found.bot_id,
            bot_token=found.bot_token,
            bot_scopes=found.bot_scopes,
            user_id=user_id,
        )


def authorize_url(settings: Settings) -> str:
    """Slack's page that asks for the install: next to the Web API (SLACK_API_URL)."""
    api = settings.api_url or "https://slack.com/api/"
    return api.rstrip("/").removesuffix("/api") + "/oauth/v2/authorize"


def app_options(settings: Settings, rt: Runtime, installs: InstalledClients) -> dict[str, Any]:
    """What the Bolt app needs to serve several workspaces: the OAuth flow, and authorize."""
    engine = rt.sessions.kw["bind"]
    flow_settings = OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorize_url(settings),
        installation_store=installs.store,
        token_rotation_expiration_minutes=REFRESH_MINUTES,
        state_store=SignedStateStore(engine, settings.state_secret or ""),
        state_expiration_seconds=STATE_SECONDS,
        callback_options=CallbackOptions(success=_succeeded, failure=_failed),
    )
    flow = InstallFlow(
        rt=rt, installs=installs, client=make_client(settings), settings=flow_settings
    )
    return {
        "oauth_flow": flow,
        "authorize": InstalledAuthorize(installs),
        "user_facing_authorize_error_message": NOT_INSTALLED_MESSAGE,
    }


def attach_installs(app: App, installs: InstalledClients) -> None:
    """Hand the installations to every listener (uninstall and revocation use them)."""

    @app.middleware
    def with_installs(context: BoltContext, next: Callable[[], Any]) -> None:
        context[INSTALLS_KEY] = installs
        next()


def installs_of(context: BoltContext) -> InstalledClients | None:
    found = context.get(INSTALLS_KEY)
    return found if isinstance(found, InstalledClients) else None


def install_routes(app: App | None) -> dict[str, Any]:
    """GET /slack/install and GET /slack/oauth_redirect when the app has an OAuth flow."""
    if app is None or app.oauth_flow is None:
        return {}
    handler = SlackRequestHandler(app)
    return {INSTALL_PATH: handler, REDIRECT_PATH: handler}
