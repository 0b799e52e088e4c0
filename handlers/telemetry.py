"""Every Slack request, counted and timed by what it is, and given a request id for the log.

The app's `dispatch` (handlers.http.SlackApp, over HTTP and Socket Mode alike) hands every
request of every surface through `observed`: it counts it (`nudgebot_requests`), times it
to the ack (`nudgebot_ack_seconds`: listeners run on the request thread and ack before
they return, so the ack goes out when `dispatch` returns), and binds a new request id and
the workspace's id for the log lines of the request and of the work after its ack.

A request is named by a slash command (`/kudos`; `/nudge schedule`, or `/nudge` for
unknown words and none), an action id, a view's callback id or an event type; never by
what anyone typed. What is meant to be anonymous (a worry shared with `/nudge fear`, a
pulse answer) is counted as "other": a live count of it, next to the time, could tell who.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from bot import logs
from bot.metrics import ACK_SECONDS, OTHER, REQUESTS, bounded
from bot.pulse.modals import CALLBACK as PULSE_FORM
from bot.pulse.modals import KEEP as PULSE_KEEP
from bot.pulse.render import ANSWER_ACTION, NOT_FOR_ME_ACTION
from handlers.command_table import NUDGE, SLASH

NUDGE_COMMAND = "/nudge"
ANONYMOUS = frozenset(
    {f"{NUDGE_COMMAND} fear", PULSE_FORM, PULSE_KEEP, ANSWER_ACTION, NOT_FOR_ME_ACTION}
)


def command_name(body: Mapping[str, Any]) -> str:
    """A slash command's name: `/kudos`, `/nudge <subcommand>`, `/nudge` (help)."""
    command = str(body.get("command") or "")
    if command in SLASH:
        return command
    if command != NUDGE_COMMAND:
        return OTHER
    words = str(body.get("text") or "").split(maxsplit=1)
    word = words[0].lower() if words else ""
    return f"{NUDGE_COMMAND} {word}" if word in NUDGE else NUDGE_COMMAND


def _first(items: Any) -> Mapping[str, Any]:
    if isinstance(items, list) and items and isinstance(items[0], Mapping):
        return items[0]
    return {}


def _field(body: Mapping[str, Any], name: str, key: str) -> Any:
    value = body.get(name)
    return value.get(key) if isinstance(value, Mapping) else None


def name_of(body: Mapping[str, Any]) -> tuple[str, str]:
    """(surface, name) of a request: what /metrics counts it as."""
    if "command" in body:
        return "command", command_name(body)
    kind = body.get("type")
    if kind == "block_actions":
        return "action", bounded("action", _first(body.get("actions")).get("action_id"))
    if kind in ("view_submission", "view_closed"):
        return "view", bounded("view", _field(body, "view", "callback_id"))
    if kind == "event_callback":
        return "event", bounded("event", _field(body, "event", "type"))
    if kind in ("shortcut", "message_action"):
        return "shortcut", bounded("shortcut", body.get("callback_id"))
    if kind == "block_suggestion":
        return "options", bounded("action", body.get("action_id"))
    return OTHER, OTHER


def observed(request: BoltRequest, dispatch: Callable[[BoltRequest], BoltResponse]) -> BoltResponse:
    """`dispatch(request)`, counted, timed to the ack, and named in the log."""
    start = time.perf_counter()
    surface, name = name_of(request.body)
    if name in ANONYMOUS:
        surface, name = OTHER, OTHER
    REQUESTS.labels(surface, name).inc()
    team = request.context.team_id or request.context.enterprise_id
    try:
        with logs.bound(request_id=logs.new_request_id(), team_id=team):
            return dispatch(request)
    finally:
        ACK_SECONDS.labels(name).observe(time.perf_counter() - start)
