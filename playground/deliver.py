"""What people do on the page, sent to the bot as Slack sends it: signed requests to
`/slack/events` over HTTP (slash commands, messages, button clicks, modal submissions, App
Home opened), and the bot's acks shown as Slack shows them."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from handlers.command_table import SLASH
from playground import surfaces
from playground.people import APP_ID, BOT_USER, TEAM_ID
from playground.workspace import Workspace

# The slash commands the app's manifest declares: the command table's own and /nudge.
COMMANDS = frozenset({*SLASH, "/nudge"})
ACK_SECONDS = 3  # Slack shows an error when the ack takes longer
_MENTION = re.compile(r"(?<![\w<@])@([A-Za-z0-9][A-Za-z0-9._-]*)")
_CHANNEL = re.compile(r"(?<![\w<#&])#([a-z0-9][a-z0-9_-]*)")
_BROADCASTS = ("here", "channel", "everyone")


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack signs a request with (v0, HMAC-SHA256 of the timestamp and body)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


def slack_text(ws: Workspace, text: str, *, named: bool) -> str:
    """What Slack makes of typed text: `&`, `<` and `>` escaped, `@ben` a mention of Ben
    (`<@U0BEN|ben>` in a command, `<@U0BEN>` in a message), `#general` a channel link,
    `@here` a broadcast. Words that name nobody stay as typed."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def person(match: re.Match[str]) -> str:
        word = match.group(1)
        handle = word.rstrip(".-_")
        found = ws.person_named(handle)
        if found is None and handle.lower() in _BROADCASTS:
            return f"<!{handle.lower()}>" + word[len(handle) :]
        if found is None:
            return "@" + word
        mention = f"<@{found.id}|{found.name}>" if named else f"<@{found.id}>"
        return mention + word[len(handle) :]

    def channel(match: re.Match[str]) -> str:
        found = ws.channel_named(match.group(1))
        return f"<#{found['id']}|{found['name']}>" if found else match.group(0)

    return _CHANNEL.sub(channel, _MENTION.sub(person, text))


class Deliver:
    """Sends what one page does to the bot at `events_url()` with the run's signing secret."""

    def __init__(self, ws: Workspace, secret: str, events_url: Callable[[], str]) -> None:
        self.ws, self.secret, self.events_url = ws, secret, events_url

    def _post(self, body: bytes, content_type: str) -> tuple[int, str]:
        headers = {"Content-Type": content_type, **sign(self.secret, body)}
        request = urllib.request.Request(self.events_url(), data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()
        except OSError as err:
            return 0, type(err).__name__

    def _interaction(self, payload: dict[str, Any]) -> tuple[int, str]:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self._post(body, "application/x-www-form-urlencoded")

    def _event(self, event: dict[str, Any]) -> tuple[int, str]:
        envelope = {
            "token": "playground",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": {**event, "event_ts": event.get("ts") or self.ws.new_ts()},
            "type": "event_callback",
            "event_id": "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": TEAM_ID, "user_id": BOT_USER, "is_bot": True, "enterprise_id": None}
            ],
        }
        return self._post(json.dumps(envelope).encode(), "application/json")

    def _who(self, user: str) -> dict[str, Any]:
        name = self.ws.people[user].name
        return {"id": user, "username": name, "name": name, "team_id": TEAM_ID}

    # -- what people do --------------------------------------------------------------------

    def command(self, user: str, channel: str, typed: str) -> str | None:
        """A slash command; None, or why it could not be sent. The ack shows as Slack shows
        it: its text only to the person, unless it says `in_channel`."""
        name, _, text = typed.strip().partition(" ")
        if name not in COMMANDS:
            return f"{name} is not a command here. Try /nudge help."
        form = {
            "token": "playground",
            "team_id": TEAM_ID,
            "team_domain": "playground",
            "channel_id": channel,
            "channel_name": self.ws.channels[channel]["name"],
            "user_id": user,
            "user_name": self.ws.people[user].name,
            "command": name,
            "text": slack_text(self.ws, text.strip(), named=True),
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": self.ws.new_hook(channel, user),
            "trigger_id": self.ws.new_trigger(user),
        }
        began = time.monotonic()
        status, body = self._post(urlencode(form).encode(), "application/x-www-form-urlencoded")
        if status != 200:
            return f'{name} failed with the error "{_why(status, body)}"'
        if time.monotonic() - began > ACK_SECONDS:
            return f'{name} failed with the error "operation_timeout"'
        self._show_ack(channel, user, body)
        return None

    def _show_ack(self, channel: str, user: str, body: str) -> None:
        if not body.strip():
            return
        try:
            ack = json.loads(body)
        except ValueError:
            ack = {"text": body}
        blocks = ack.get("blocks") or []
        if ack.get("response_type") == "in_channel":
            self.ws.post(channel, BOT_USER, ack.get("text", ""), blocks)
        else:
            self.ws.post(channel, BOT_USER, ack.get("text", ""), blocks, only_for=user)

    def message(self, user: str, channel: str, typed: str, thread_ts: str | None) -> str | None:
        """A message or a thread reply: shown, then sent to the bot as a `message` event."""
        text = slack_text(self.ws, typed.strip(), named=False)
        if not text:
            return "Type something first."
        msg = self.ws.post(channel, user, text, thread_ts=thread_ts)
        event = {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": msg["ts"],
            "team": TEAM_ID,
            "channel_type": "im" if channel.startswith("D") else "channel",
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        status, body = self._event(event)
        return None if status == 200 else f"the bot did not take it: {_why(status, body)}"

    def click(
        self,
        user: str,
        action: dict[str, Any],
        channel: str | None = None,
        message_ts: str | None = None,
        view_id: str | None = None,
    ) -> str | None:
        """A button or select in a message (`channel`, `message_ts`) or a view (`view_id`)."""
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "playground"},
            "user": self._who(user),
            "api_app_id": APP_ID,
            "token": "playground",
            "trigger_id": self.ws.new_trigger(user),
            "is_enterprise_install": False,
            "actions": [{**action, "action_ts": self.ws.new_ts()}],
        }
        if view_id:
            view = surfaces.find_view(self.ws, view_id)
            if view is None or view.get("user") != user:
                return "That view is gone."
            payload["container"] = {"type": "view", "view_id": view_id}
            payload["view"] = {k: v for k, v in view.items() if k != "user"}
        else:
            msg = self.ws.find(channel or "", message_ts or "")
            if msg is None or channel is None:
                return "That message is gone."
            payload["container"] = {
                "type": "message",
                "message_ts": msg["ts"],
                "channel_id": channel,
                "is_ephemeral": "only_for" in msg,
            }
            payload["channel"] = {"id": channel, "name": self.ws.channels[channel]["name"]}
            payload["message"] = {
                k: msg[k] for k in ("ts", "text", "blocks", "user", "thread_ts") if k in msg
            }
            payload["response_url"] = self.ws.new_hook(channel, user, msg["ts"])
        status, body = self._interaction(payload)
        return None if status == 200 else f"the bot did not take it: {_why(status, body)}"

    def submit(self, user: str, view_id: str, values: dict[str, Any]) -> dict[str, str] | str:
        """A modal submitted: {} when it closed, the errors to show on its fields, or why
        it could not be sent."""
        view = surfaces.find_view(self.ws, view_id)
        if view is None or view.get("user") != user:
            return "That modal is gone."
        submitted = {k: v for k, v in view.items() if k != "user"}
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "playground"},
            "user": self._who(user),
            "api_app_id": APP_ID,
            "token": "playground",
            "trigger_id": self.ws.new_trigger(user),
            "view": {**submitted, "state": {"values": values}},
            "response_urls": [],
            "is_enterprise_install": False,
        }
        status, body = self._interaction(payload)
        if status != 200:
            return f"the bot did not take it: {_why(status, body)}"
        ack = json.loads(body) if body.strip().startswith("{") else {}
        action = ack.get("response_action")
        if action == "errors":
            return dict(ack.get("errors") or {})
        if action == "update":
            surfaces.replace_view(self.ws, view, ack["view"])
        elif action == "push":
            surfaces.push_modal(self.ws, user, ack["view"], clear=False)
        else:
            surfaces.close_modal(self.ws, user, view_id, everything=action == "clear")
        return {}

    def home_opened(self, user: str) -> str | None:
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user,
            "channel": self.ws.dm_of(user),
            "tab": "home",
            "ts": self.ws.new_ts(),
        }
        home = self.ws.homes.get(user)
        if home is not None:
            event["view"] = {k: v for k, v in home.items() if k != "user"}
        status, body = self._event(event)
        return None if status == 200 else f"the bot did not take it: {_why(status, body)}"


def _why(status: int, body: str) -> str:
    if status == 0:
        return f"unreachable ({body})"
    return f"http {status}" + (f": {body.strip()[:80]}" if body.strip() else "")
