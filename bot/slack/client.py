"""The Slack Web API client, configured once: base URL, timeouts and retry handlers; and
`Clients`, the one way scheduled work gets the client of a workspace.

Two of the retry handlers only count, for /metrics: Bolt gives every request a client of
its own with the same retry handlers, so they see every call, listeners' and jobs' alike.
The first sees every answer and counts each 429 (those retried too); the last is asked only
when no handler retries, so it sees each call's final answer and counts its error."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.metrics import RATE_LIMITED, SLACK_ERRORS, bounded
from bot.settings import Settings


def method_of(request: HttpRequest) -> str:
    """The Web API method a request calls (`chat.postMessage`), from its URL."""
    path = request.url.split("?", 1)[0].rstrip("/")
    return bounded("method", path.rsplit("/", 1)[-1])


class CountRateLimits(RetryHandler):
    """Counts every 429, by method; never retries (the handlers after it do)."""

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None and response.status_code == 429:
            RATE_LIMITED.labels(method_of(request)).inc()
        return False


class CountErrors(RetryHandler):
    """Counts a call's final error (Slack's code, `http_<status>`, or `unreachable`), by
    method; asked only when no other handler retries. Never retries."""

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        code = None
        if response is None:
            code = "unreachable" if error is not None else None
        elif isinstance(response.body, dict) and response.body.get("ok") is False:
            code = str(response.body.get("error") or f"http_{response.status_code}")
        elif response.status_code == 429:
            code = "ratelimited"
        elif response.status_code >= 400:
            code = f"http_{response.status_code}"
        if code is not None:
            SLACK_ERRORS.labels(method_of(request), bounded("code", code)).inc()
        return False


def retry_handlers() -> list[Any]:
    """429s wait Retry-After, 5xx and connection errors retry; all of it counted."""
    return [
        CountRateLimits(),
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2),
        CountErrors(),
    ]


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient for `token` (default: the bot token); 429s wait Retry-After, 5xx and
    connection errors retry; errors and 429s are counted (`retry_handlers`)."""
    return WebClient(
        token=token or settings.bot_token,
        base_url=settings.api_url or WebClient.BASE_URL,
        timeout=10,
        retry_handlers=retry_handlers(),
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
