"""What the "Add to Slack" tests share: the app in OAuth mode served over HTTP against the
fake Slack, an install run as a browser and Slack would run it, and a dump of the database."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import Engine, String, Text, inspect, select, table
from sqlalchemy import column as sql_column
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from bot.settings import Settings
from bot.slack.installs import InstalledClients, build_clients
from handlers.http import SlackApp, make_wsgi
from handlers.oauth import install_routes
from playground.fake_oauth import Grant
from tests.conftest import SECRET, serve
from tests.driver import SlackDriver, slack_id
from tests.fake_slack import FakeSlack

STATE_SECRET = "a-long-random-state-secret-for-tests"
COOKIE = "slack-app-oauth-state"


@dataclass
class Page:
    status: int
    body: str
    headers: dict[str, list[str]] = field(default_factory=dict)

    def cookie(self) -> str | None:
        for value in self.headers.get("set-cookie", []):
            name, _, rest = value.partition("=")
            if name == COOKIE:
                return rest.split(";", 1)[0]
        return None


def get(url: str, cookie: str | None = None) -> Page:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirect())
    try:
        with opener.open(request, timeout=10) as response:
            return Page(response.status, response.read().decode(), _headers(response.headers))
    except urllib.error.HTTPError as err:
        return Page(err.code, err.read().decode(), _headers(err.headers))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _headers(headers: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in headers.items():
        found.setdefault(name.lower(), []).append(value)
    return found


@dataclass
class OAuthApp:
    """nudgebot with "Add to Slack", on a real HTTP server, talking to the fake Slack."""

    url: str
    fake: FakeSlack
    app: SlackApp
    installs: InstalledClients
    sessions: sessionmaker[Session]
    settings: Settings
    stop: Callable[[], None]

    def start_install(self) -> tuple[Page, str, str]:
        """GET /slack/install: the page, Slack's authorize URL on it, the state cookie."""
        page = get(self.url + "/slack/install")
        assert page.status == 200, page.body
        match = re.search(r'href="([^"]+/oauth/v2/authorize[^"]*)"', page.body)
        assert match, page.body
        cookie = page.cookie()
        assert cookie, page.headers
        return page, html.unescape(match.group(1)), cookie

    def finish(self, code: str | None, state: str | None, cookie: str | None) -> Page:
        """GET /slack/oauth_redirect as the browser comes back from Slack."""
        query = "&".join(
            f"{name}={value}" for name, value in (("code", code), ("state", state)) if value
        )
        return get(
            f"{self.url}/slack/oauth_redirect?{query}", f"{COOKIE}={cookie}" if cookie else None
        )

    def install(self, grant: Grant) -> Page:
        """The whole install, as a person allowing it in Slack would run it."""
        _, authorize, cookie = self.start_install()
        code, state = self.fake.oauth.approve(authorize, grant)
        return self.finish(code, state, cookie)

    def driver(self, team: str) -> SlackDriver:
        """Signed requests from workspace `team`, as Slack sends them."""
        return SlackDriver(
            url=self.url, secret=SECRET, slack=self.fake, sessions=self.sessions, team=team
        )


def start_oauth_app(sessions: sessionmaker[Session], **overrides: Any) -> OAuthApp:
    fake = FakeSlack().start()
    engine = sessions.kw["bind"]
    settings = Settings(
        signing_secret=SECRET,
        api_url=fake.api_url,
        database_url=str(engine.url),
        client_id=f"{slack_id('client')}",
        client_secret=fake.oauth.client_secret,
        state_secret=STATE_SECRET,
        encryption_keys=(Fernet.generate_key().decode(),),
        **overrides,
    )
    installs = build_clients(settings, engine)
    app = create_app(settings, sessions=sessions, installs=installs)
    url, stop = serve(make_wsgi(app, routes=install_routes(app)))

    def stop_all() -> None:
        stop()
        fake.stop()

    return OAuthApp(url, fake, app, installs, sessions, settings, stop_all)


def grant(**kwargs: Any) -> Grant:
    """A workspace to install, with fresh ids."""
    kwargs.setdefault("team_id", slack_id("T"))
    return Grant(**kwargs)


def text_values(engine: Engine) -> list[str]:
    """Every value of every text column of every table: what a dump of the database shows."""
    values: list[str] = []
    with engine.connect() as conn:
        inspector = inspect(conn)
        for name in inspector.get_table_names():
            columns = [
                c["name"]
                for c in inspector.get_columns(name)
                if isinstance(c["type"], String | Text)
            ]
            if not columns:
                continue
            rows = conn.execute(select(*(sql_column(c) for c in columns)).select_from(table(name)))
            values.extend(str(v) for row in rows for v in row if v is not None)
    return values
