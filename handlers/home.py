"""App Home: each person's own page, published when they open the Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot import home, render_home
from bot.runtime import Runtime
from handlers.common import later


def register(app: App, rt: Runtime) -> None:
    """Publish the person's page on app_home_opened."""

    @app.event("app_home_opened")
    def opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        user = event.get("user")
        if event.get("tab") != "home" or not user:
            return  # the Messages tab, or nobody to show a page to
        team = context.team_id or event.get("team") or ""
        # Events are acknowledged when this returns; the page is built after.
        later(rt, None, lambda: publish_home(rt, client, team, user))


def publish_home(rt: Runtime, client: WebClient, team: str, user: str) -> None:
    """Build the person's page and publish it (views.publish)."""
    # A failure to list channels leaves the schedules section out rather than the page.
    channels = rt.memberships.channels(client, team, user)
    with rt.sessions() as session:
        page = home.gather(
            session,
            team_id=team,
            user_id=user,
            now=rt.now(),
            zone=rt.settings.timezone,
            channels=channels,
        )
    client.views_publish(user_id=user, view=render_home.home_view(page))
