"""Whom a leader's reflection counts: the channels where the bot is active and the leader is
a member (users.conversations), and the people in them (conversations.members), bots,
deactivated accounts and the leader left out (users.list). Everything is cached per
workspace, so a hundred reflections due in the same minute ask Slack once per channel.
users.list (Tier 2: about 20 calls a minute) is fetched by one thread per workspace at a
time, the others waiting for its answer; when Slack refuses it (rate limited, say) the
refusal is kept for a minute, so the threads behind it don't each ask again.

Only channels the leader is in are read: a reflection never quotes a private channel to
someone outside it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.slack.cache import TTLCache
from bot.slack.directory import SLACKBOT
from bot.slack.members import MemberCache
from bot.slack.memberships import Memberships

log = logging.getLogger(__name__)

MAX_CHANNELS = 50  # a leader's channels read for one reflection
PAGE_SIZE = 200
MAX_PAGES = 50  # users.list: 10,000 accounts
FAILED_TTL_SECONDS = 60.0  # users.list refused: not asked again for this long
MAX_TEAMS = 1_000


@dataclass(frozen=True)
class Audience:
    """The leader's channels where the bot is active, and the people in them (None when
    Slack couldn't say for any of them)."""

    channel_ids: tuple[str, ...]
    members: frozenset[str] | None


class Audiences:
    """The caches behind `of`, shared by every reflection a process sends."""

    def __init__(self, ttl_seconds: float = 3600.0) -> None:
        self.memberships = Memberships(ttl_seconds=ttl_seconds)
        self.members = MemberCache(ttl_seconds=ttl_seconds)
        self._not_people: TTLCache[str, frozenset[str]] = TTLCache(ttl_seconds, MAX_TEAMS)
        self._refused: TTLCache[str, frozenset[str]] = TTLCache(FAILED_TTL_SECONDS, MAX_TEAMS)
        self._lock = threading.Lock()
        self._fetching: dict[str, threading.Lock] = {}

    def of(
        self, client: WebClient, team_id: str, user_id: str, active: Collection[str]
    ) -> Audience:
        """The leader's audience among the `active` channels; never raises for Slack."""
        theirs = self.memberships.channels(client, team_id, user_id)
        if theirs is None:
            return Audience((), None)
        channels = tuple(sorted(set(active) & theirs)[:MAX_CHANNELS])
        people: set[str] = set()
        known = False
        for channel_id in channels:
            found = self.members.members(client, team_id, channel_id)
            if found.ids is not None:
                known = True
                people |= found.ids
        if not known:
            return Audience(channels, None)
        others = self.not_people(client, team_id)
        return Audience(channels, frozenset(people - others - {user_id}))

    def not_people(self, client: WebClient, team_id: str) -> frozenset[str]:
        """The workspace's bots and deactivated accounts (users.list). When Slack couldn't
        say, only Slackbot and what the pages read before the failure named, kept for
        FAILED_TTL_SECONDS. One thread per workspace asks Slack; the others wait for it."""
        hit = self._known(team_id)
        if hit is not None:
            return hit
        with self._lock:
            if len(self._fetching) >= MAX_TEAMS:
                self._fetching.clear()  # at worst two threads fetch one workspace once
            fetch_lock = self._fetching.setdefault(team_id, threading.Lock())
        with fetch_lock:
            hit = self._known(team_id)  # another thread may have fetched it meanwhile
            if hit is not None:
                return hit
            return self._fetch(client, team_id)

    def _known(self, team_id: str) -> frozenset[str] | None:
        hit = self._not_people.get(team_id)
        return hit if hit is not None else self._refused.get(team_id)

    def _fetch(self, client: WebClient, team_id: str) -> frozenset[str]:
        found = {SLACKBOT}
        cursor: str | None = None
        try:
            for _ in range(MAX_PAGES):
                page = client.users_list(limit=PAGE_SIZE, cursor=cursor)
                for user in page.get("members") or []:
                    if user.get("is_bot") or user.get("deleted"):
                        found.add(str(user.get("id")))
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        except (SlackClientError, OSError) as err:
            log.warning("users.list failed in %s: %s", team_id, type(err).__name__)
            refused = frozenset(found)
            self._refused.put(team_id, refused)
            return refused
        result = frozenset(found)
        self._not_people.put(team_id, result)
        return result
