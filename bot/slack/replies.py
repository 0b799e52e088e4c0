"""A command's reply, delivered even when its `response_url` fails.

The reply goes first to the command's response_url (Bolt's `respond` holds it) through a
WebhookClient that retries: a 429 waits for its Retry-After (up to `MAX_WAIT` seconds: the
worker pool is bounded, and a longer wait is better spent on the Web API), a 500 or 503 and
a refused or dropped connection are tried twice more with backoff. If the webhook still has
not taken it (an `expired_url`/`used_url` 404, any other error, a timeout), the reply goes
through the Web API instead:

- public (`Call.say`): `chat.postMessage` in the channel; if that fails too (the bot is not
  in the channel, or Slack keeps failing), the person is told, with the message and a line
  saying why: `chat.postEphemeral` in the channel, else a DM;
- private (`Call.tell`): `chat.postEphemeral` to the person in the channel, else a DM.

Each failure and each fallback is logged at WARNING with the team and channel ids and
Slack's error code; never the message, the person or the response_url (it is a secret).

Doubles. A 2xx means Slack posted; a 4xx (404 `expired_url`/`used_url`, 429, 400, 403,
410) and a refused connection mean it did not, so falling back after those never shows an
item twice. A 5xx, a timeout, or a connection dropped after the request went out prove
nothing either way: Slack may have posted. We retry and fall back after those too, and
accept that the channel may, rarely, show the item twice. Giving up instead would leave the
item unseen in the usual case (Slack's 5xx almost always mean nothing was posted), and a
person who sees nothing sends their kudos again: saved twice and shown twice, the worse
outcome. Checking the channel's history first would need a read scope and still race.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

from bot.slack.errors import CHANNEL_ERRORS, slack_code

log = logging.getLogger(__name__)

MAX_WAIT = 5  # the longest Retry-After worth waiting for on a worker thread, in seconds
TIMEOUT = 10  # seconds for one post to the response_url
MAX_BLOCKS = 50  # Slack's limit on blocks in one message
_CODE = re.compile(r"[a-z_]{1,40}")  # what a Slack error code looks like


class _PatientRateLimit(RateLimitErrorRetryHandler):
    """Waits for Retry-After, unless it is longer than MAX_WAIT (or unreadable)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), [])
        return bool(wait) and wait[0].strip().isdigit() and int(wait[0]) <= MAX_WAIT


def _webhook(respond: Any, url: str) -> WebhookClient:
    return WebhookClient(
        url=url,
        timeout=TIMEOUT,
        proxy=getattr(respond, "proxy", None),
        ssl=getattr(respond, "ssl", None),
        retry_handlers=[
            _PatientRateLimit(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


def post_to_response_url(respond: Any, body: dict[str, Any]) -> str | None:
    """Post `body` to `respond`'s response_url, with retries. None once Slack has taken it;
    otherwise why not (`http 404 expired_url`, `RemoteDisconnected`, ...), safe to log."""
    url = getattr(respond, "response_url", None)
    if not url:
        return "no response_url"
    try:
        answer = _webhook(respond, url).send_dict(body)
    except Exception as err:  # a connection that failed beyond the retries, a timeout
        return type(err).__name__
    if 200 <= answer.status_code < 300:
        return None
    code = (answer.body or "").strip()
    return f"http {answer.status_code}" + (f" {code}" if _CODE.fullmatch(code) else "")


def reply(
    client: WebClient,
    respond: Any,
    message: dict[str, Any],
    *,
    public: bool,
    team_id: str,
    channel_id: str,
    user_id: str,
) -> None:
    """Show `message` (text and blocks) to the channel (`public`) or to the person who
    asked, through the response_url or, when it fails, the Web API (see the module)."""
    # Never replace the message a button sat on: a shared report is a new message.
    body: dict[str, Any] = {
        "response_type": "in_channel" if public else "ephemeral",
        "replace_original": False,
    }
    why = post_to_response_url(respond, {**body, **message})
    if why is None:
        return
    where = f"team {team_id} channel {channel_id}"
    first = "chat.postMessage" if public else "chat.postEphemeral"
    log.warning("reply in %s: response_url failed (%s); trying %s", where, why, first)
    sent = _Sender(client, where, user_id)
    if public:
        code = sent("chat.postMessage", channel_id, message)
        if code is None:
            return
        if code in CHANNEL_ERRORS:
            note = f"I can't post in <#{channel_id}>: add me with `/invite @nudgebot`."
        else:
            note = f"I couldn't post this in <#{channel_id}>."
        message = _noted(message, f":warning: {note} Here it is, just for you.")
        if sent("chat.postEphemeral", channel_id, message) is None:
            return
    else:
        if sent("chat.postEphemeral", channel_id, message) is None:
            return
        message = _noted(message, f":information_source: My answer to you in <#{channel_id}>:")
    try:
        dm = client.conversations_open(users=user_id)["channel"]["id"]
    except Exception as err:
        log.warning("reply in %s: conversations.open failed (%s)", where, _code(err))
        dm = None
    if dm is None or sent("chat.postMessage", dm, message, dm=True) is not None:
        log.warning("reply in %s: the person could not be reached; the reply is lost", where)


class _Sender:
    """Sends one message by the Web API, and says why not (logged) when it can't."""

    def __init__(self, client: WebClient, where: str, user_id: str) -> None:
        self.client, self.where, self.user_id = client, where, user_id

    def __call__(
        self, method: str, channel: str, message: dict[str, Any], dm: bool = False
    ) -> str | None:
        """None once sent, else Slack's error code. A DM's id is never logged: it would
        name the person."""
        try:
            if method == "chat.postEphemeral":
                self.client.chat_postEphemeral(channel=channel, user=self.user_id, **message)
            else:
                self.client.chat_postMessage(channel=channel, **message)
            return None
        except Exception as err:  # a Slack error, or a connection failed beyond the retries
            code = _code(err)
        method += " to a DM" if dm else ""
        log.warning("reply in %s: %s failed (%s)", self.where, method, code)
        return code


def _code(err: Exception) -> str:
    return slack_code(err) if isinstance(err, SlackApiError) else type(err).__name__


def _noted(message: dict[str, Any], note: str) -> dict[str, Any]:
    """The message with a line on top saying why it arrives where it does."""
    blocks = list(message.get("blocks") or [])
    if blocks and len(blocks) < MAX_BLOCKS:
        blocks.insert(0, {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    text = f"{note}\n{message.get('text', '')}"
    return {**message, "text": text, **({"blocks": blocks} if blocks else {})}
