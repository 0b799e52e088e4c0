"""The playground's Slack: the tests' fake (playground/fake_slack.py) plus a workspace people
can look at: channels and direct messages, messages with threads, reactions and files,
ephemeral messages, modals and App Home. The Web API methods that change it are in
playground/webapi.py (its `StandIn` is the server the bot talks to); what the page reads of
it, in playground/snapshot.py.

Every change happens holding the fake's lock and bumps `version`, which the page polls.
"""

from __future__ import annotations

import bisect
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from playground.fake_slack import FakeSlack, Scripted
from playground.people import (
    BOT_ID,
    BOT_RECORD,
    BOT_USER,
    CHANNELS,
    PEOPLE,
    TEAM_ID,
    Channel,
    Person,
)

Message = dict[str, Any]


@dataclass(frozen=True)
class Hook:
    """Where posts to one response_url land: the channel and person of the command or
    click, and the message clicked (for replace_original and delete_original)."""

    channel: str
    user: str
    message_ts: str | None = None


class Workspace(FakeSlack):
    def __init__(
        self,
        people: tuple[Person, ...] = PEOPLE,
        channels: tuple[Channel, ...] = CHANNELS,
        zone: str = "UTC",
    ) -> None:
        super().__init__(team_id=TEAM_ID)
        self.people = {p.id: p for p in people}
        self.zone = zone
        self.channels: dict[str, dict[str, Any]] = {}
        self.history: dict[str, list[Message]] = {}
        self.modals: dict[str, list[dict[str, Any]]] = {}
        self.homes: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.hooks: dict[str, Hook] = {}
        self.triggers: dict[str, str] = {}
        self.version = 0
        self._last_ts = 0.0
        self._used: set[str] = set()
        self._ids = itertools.count(1)
        self.users[BOT_USER] = dict(BOT_RECORD)
        for person in people:
            self.users[person.id] = person.record(TEAM_ID, zone)
        everyone = [*self.people, BOT_USER]
        for channel in channels:
            self._add_channel(channel.id, channel.name, "channel", everyone, channel.topic)

    @property
    def lock(self) -> threading.Condition:
        """The lock every change holds (a reentrant condition: waiters wake on changes)."""
        return self._lock

    # -- channels --------------------------------------------------------------------------

    def _add_channel(
        self, cid: str, name: str, kind: str, members: list[str], topic: str = ""
    ) -> dict[str, Any]:
        info = {"id": cid, "name": name, "kind": kind, "members": members, "topic": topic}
        self.channels[cid] = info
        self.history[cid] = []
        return info

    def dm_of(self, user: str) -> str:
        """The direct message channel between `user` and the bot (made on first use)."""
        with self._lock:
            cid = "D" + user[1:]
            if cid not in self.channels:
                self._add_channel(cid, "nudgebot", "im", [user, BOT_USER])
                self.channels[cid]["user"] = user
                self.changed()
            return cid

    def resolve(self, channel: str) -> str | None:
        """A channel id for what the Web API was given: a channel, a DM, or a person's id
        (Slack posts those in the person's DM with the bot)."""
        if channel in self.channels:
            return channel
        if channel in self.people:
            return self.dm_of(channel)
        return None

    def person_named(self, handle: str) -> Person | None:
        handle = handle.lower()
        return next((p for p in self.people.values() if p.name == handle), None)

    def channel_named(self, name: str) -> dict[str, Any] | None:
        name = name.lower()
        return next(
            (c for c in self.channels.values() if c["kind"] == "channel" and c["name"] == name),
            None,
        )

    # -- messages --------------------------------------------------------------------------

    def changed(self) -> None:
        self.version += 1
        self._lock.notify_all()

    def new_ts(self, at: float | None = None) -> str:
        """A message timestamp: now (always later than the last), or `at` (seeded history)."""
        with self._lock:
            if at is None:
                at = max(time.time(), self._last_ts + 0.000001)
                self._last_ts = at
            ts = f"{at:.6f}"
            while ts in self._used:  # two seeded messages in the same second
                at += 0.000001
                ts = f"{at:.6f}"
            self._used.add(ts)
            return ts

    def post(
        self,
        channel: str,
        user: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        *,
        thread_ts: str | None = None,
        broadcast: bool = False,
        only_for: str | None = None,
        files: list[dict[str, Any]] | None = None,
        at: float | None = None,
    ) -> Message:
        """Add a message to `channel` (an id this workspace knows) and return it."""
        with self._lock:
            msg: Message = {
                "ts": self.new_ts(at),
                "channel": channel,
                "user": user,
                "text": text or "",
                "blocks": blocks or [],
                "reactions": [],
                "files": files or [],
            }
            if user == BOT_USER:
                msg["bot_id"] = BOT_ID
            if thread_ts:
                msg["thread_ts"] = thread_ts
                msg["broadcast"] = broadcast
            if only_for:
                msg["only_for"] = only_for
            messages = self.history[channel]
            keys = [float(m["ts"]) for m in messages]
            messages.insert(bisect.bisect(keys, float(msg["ts"])), msg)
            self.changed()
            return msg

    def find(self, channel: str, ts: str) -> Message | None:
        with self._lock:
            return next((m for m in self.history.get(channel, ()) if m["ts"] == ts), None)

    def edit(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]) -> bool:
        with self._lock:
            msg = self.find(channel, ts)
            if msg is None:
                return False
            msg.update(text=text or "", blocks=blocks or [], edited=True)
            self.changed()
            return True

    def delete(self, channel: str, ts: str) -> bool:
        with self._lock:
            msg = self.find(channel, ts)
            if msg is None:
                return False
            self.history[channel].remove(msg)
            self.changed()
            return True

    def react(self, channel: str, ts: str, name: str, user: str) -> str | None:
        """Add a reaction; None, or Slack's error code."""
        with self._lock:
            msg = self.find(channel, ts)
            if msg is None:
                return "message_not_found"
            found = next((r for r in msg["reactions"] if r["name"] == name), None)
            if found is None:
                found = {"name": name, "users": []}
                msg["reactions"].append(found)
            if user in found["users"]:
                return "already_reacted"
            found["users"].append(user)
            self.changed()
            return None

    # -- response_url, triggers, views -----------------------------------------------------

    def new_hook(self, channel: str, user: str, message_ts: str | None = None) -> str:
        key = "R" + secrets.token_hex(6)
        with self._lock:
            self.hooks[key] = Hook(channel, user, message_ts)
        return self.response_url(key)

    def new_trigger(self, user: str) -> str:
        trigger = f"{next(self._ids)}.{secrets.token_hex(6)}"
        with self._lock:
            self.triggers[trigger] = user
        return trigger

    def show_response(self, key: str, body: dict[str, Any]) -> None:
        """Show a post to a response_url as Slack would: replace or delete the message
        clicked, or a new message for the channel (in_channel) or the person (ephemeral)."""
        hook = self.hooks.get(key)
        if hook is None:
            return
        blocks = as_json(body.get("blocks")) or []
        original = self.find(hook.channel, hook.message_ts) if hook.message_ts else None
        if body.get("delete_original") in (True, "true") and original is not None:
            self.delete(hook.channel, original["ts"])
        elif body.get("replace_original") in (True, "true") and original is not None:
            self.edit(hook.channel, original["ts"], body.get("text", ""), blocks)
        elif body.get("response_type") == "in_channel":
            self.post(hook.channel, BOT_USER, body.get("text", ""), blocks)
        else:
            thread = original.get("thread_ts") if original else None
            self.post(
                hook.channel,
                BOT_USER,
                body.get("text", ""),
                blocks,
                only_for=hook.user,
                thread_ts=thread,
            )

    # -- files -----------------------------------------------------------------------------

    def file_id(self) -> str:
        return f"F{next(self._ids):08d}"

    def ids_from(self, start: int) -> None:
        """Number new files and views from `start` on (after a saved workspace is loaded)."""
        self._ids = itertools.count(start)

    # -- uploads -------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        """Two paths of its own: the upload URLs files.getUploadURLExternal hands out take a
        file's bytes, and a post to a response_url shows as Slack shows it."""
        path = request.path
        if not path.startswith(("/upload/", "/response/")):
            super()._handle(request)
            return
        raw = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        with self._lock:
            if path.startswith("/upload/"):
                known = self.files.get(path.removeprefix("/upload/"))
                if known is not None:
                    known["data"] = raw
                answer = Scripted(status=200, text="OK") if known else Scripted(status=404)
            else:
                key = path.removeprefix("/response/")
                body = as_json(raw.decode("utf-8", "replace") or "{}")
                self.response_attempts[key] += 1
                if key not in self.hooks or not isinstance(body, dict):
                    answer = Scripted(status=404, text="expired_url")
                else:
                    self.responses[key].append(body)
                    self.show_response(key, body)
                    answer = Scripted(status=200, text="ok")
            self._lock.notify_all()
        self._reply(request, answer)


def as_json(value: Any) -> Any:
    """A parameter the client may send as JSON text (form posts) or as JSON (JSON posts)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value
