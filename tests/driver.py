"""Talk to a running nudgebot over HTTP exactly as Slack does: signed form posts."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from slack_bolt import App
from slack_bolt.request import BoltRequest

from handlers.http import read_as_form
from tests.fake_slack import FakeSlack

_seq = itertools.count(1)

# Apps driven in-process, by the pseudo-URL their drivers carry ("inprocess://3").
IN_PROCESS: dict[str, App] = {}


def in_process_url(app: App) -> str:
    """A URL for `app` that makes drivers call `app.dispatch` instead of going over HTTP."""
    url = f"inprocess://{next(_seq)}"
    IN_PROCESS[url] = app
    return url


def dispatch(app: App, body: bytes, headers: dict[str, str]) -> Reply:
    """Hand a signed request to the Bolt app as its HTTP adapter would, in this process."""
    request = BoltRequest(body=body.decode(), headers={k.lower(): [v] for k, v in headers.items()})
    read_as_form(request)
    response = app.dispatch(request)
    return Reply(response.status, response.body)


def slack_id(prefix: str) -> str:
    """A fresh Slack-looking id (T..., C..., U...), unique within the test run."""
    return f"{prefix}{secrets.token_hex(4).upper()}{next(_seq):04d}"


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Reply:
    status: int
    body: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}

    @property
    def text(self) -> str:
        """Everything a person would read in the ack: fallback text and block texts."""
        data = self.json
        return data.get("text", "") + "\n" + blocks_text(data.get("blocks", []))


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    """All the text in a list of blocks, joined, to assert on what a person reads."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(parts)


@dataclass
class SlackDriver:
    """One workspace, channel and user talking to the app under test."""

    url: str
    secret: str
    slack: FakeSlack
    team: str = field(default_factory=lambda: slack_id("T"))
    channel: str = field(default_factory=lambda: slack_id("C"))
    user: str = field(default_factory=lambda: slack_id("U"))
    sessions: Any = None  # the app's sessionmaker, for tests that read what it wrote

    def post(
        self,
        body: bytes,
        content_type: str = "application/x-www-form-urlencoded",
        headers: dict[str, str] | None = None,
        signed: bool = True,
        path: str = "/slack/events",
    ) -> Reply:
        all_headers = {"Content-Type": content_type, **(headers or {})}
        if signed:
            all_headers.update(sign(self.secret, body))
        if self.url in IN_PROCESS and path == "/slack/events":
            return dispatch(IN_PROCESS[self.url], body, all_headers)
        request = urllib.request.Request(self.url + path, data=body, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read().decode())
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read().decode())

    def get(self, path: str) -> Reply:
        assert self.url not in IN_PROCESS, "GET needs the HTTP tier (the `http` fixture)"
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return Reply(response.status, response.read().decode())
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read().decode())

    def command(
        self, name: str, text: str = "", user: str | None = None, channel: str | None = None
    ) -> tuple[Reply, str]:
        """Send a slash command; returns the ack and the response_url key to wait on."""
        key = slack_id("R")
        form = {
            "token": "unused",
            "team_id": self.team,
            "team_domain": "fake",
            "channel_id": channel or self.channel,
            "channel_name": "general",
            "user_id": user or self.user,
            "user_name": "someone",
            "command": name,
            "text": text,
            "api_app_id": "A0NUDGE",
            "response_url": self.slack.response_url(key),
            "trigger_id": f"trigger-{key}",
        }
        return self.post(urlencode(form).encode()), key

    def interaction(self, payload: dict[str, Any]) -> Reply:
        return self.post(urlencode({"payload": json.dumps(payload)}).encode())

    def click_respond(
        self, prompt_key: str, message_ts: str, user: str | None = None, key: str | None = None
    ) -> Reply:
        key = key or slack_id("R")
        return self.interaction(
            {
                "type": "block_actions",
                "team": {"id": self.team, "domain": "fake"},
                "user": {"id": user or self.user, "team_id": self.team},
                "api_app_id": "A0NUDGE",
                "trigger_id": f"trigger-{key}",
                "channel": {"id": self.channel, "name": "general"},
                "container": {
                    "type": "message",
                    "message_ts": message_ts,
                    "channel_id": self.channel,
                },
                "message": {"ts": message_ts, "text": "prompt"},
                "response_url": self.slack.response_url(key),
                "actions": [
                    {
                        "action_id": "respond",
                        "block_id": "prompt_actions",
                        "type": "button",
                        "value": prompt_key,
                        "action_ts": "1700000000.1",
                    }
                ],
            }
        )

    def submit_view(
        self,
        private_metadata: str,
        answer: str,
        recipients: list[str] | None = None,
        view_id: str | None = None,
        user: str | None = None,
    ) -> Reply:
        values: dict[str, Any] = {
            "answer": {"answer": {"type": "plain_text_input", "value": answer}}
        }
        if recipients is not None:
            values["recipients"] = {
                "recipients": {"type": "multi_users_select", "selected_users": recipients}
            }
        return self.interaction(
            {
                "type": "view_submission",
                "team": {"id": self.team, "domain": "fake"},
                "user": {"id": user or self.user, "team_id": self.team},
                "api_app_id": "A0NUDGE",
                "trigger_id": "trigger-view",
                "view": {
                    "id": view_id or slack_id("V"),
                    "team_id": self.team,
                    "type": "modal",
                    "callback_id": "respond_modal",
                    "private_metadata": private_metadata,
                    "state": {"values": values},
                    "hash": "1",
                },
            }
        )
