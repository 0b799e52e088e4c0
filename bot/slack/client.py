"""The Slack Web API client, configured once: base URL, timeouts and retry handlers; and
`Clients`, the one way scheduled work gets the client of a workspace."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient for `token` (default: the bot token); 429s wait Retry-After, 5xx and
    connection errors retry."""
    return WebClient(
        token=token or settings.bot_token,
        base_url=settings.api_url or WebClient.BASE_URL,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


class Clients:
    """The Web API client of each workspace. With one bot token (SLACK_BOT_TOKEN) every
    workspace gets the same client; an installation store's version (several workspaces,
    "Add to Slack") answers with each workspace's own token."""

    def __init__(self, client: WebClient) -> None:
        self.default = client

    def for_team(self, team_id: str) -> WebClient:
        """The client that speaks for the workspace `team_id`."""
        return self.default

    def forget(self, team_id: str) -> None:
        """Drop what is cached for the workspace (uninstalled, or its token rotated)."""
