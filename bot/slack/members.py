"""Who is in a channel (conversations.members), cached per workspace and channel: people
only, never bots, app users or deactivated accounts (the people directory, users.list)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack.cache import TTLCache
from bot.slack.directory import SLACKBOT
from bot.slack.errors import slack_code
from bot.slack.people import People

log = logging.getLogger("nudgebot")

PAGE_SIZE = 1000  # conversations.members' maximum page
MAX_PAGES = 100  # 100,000 members: a bound on the cursor loop, whatever Slack answers

# Slack's error codes for "the bot may not list this channel", as people should read them.
WHY = {
    "not_in_channel": "I'm not a member of this channel. Add me with `/invite @nudgebot`.",
    "channel_not_found": (
        "I can't see this channel's members (private channels and direct messages need me "
        "invited: `/invite @nudgebot`)."
    ),
    "missing_scope": (
        "this app isn't allowed to list channel members yet: an admin needs to add the "
        "`channels:read` and `groups:read` scopes and reinstall it."
    ),
    "method_not_supported_for_channel_type": "Slack doesn't list members of this kind of chat.",
}
UNKNOWN = "Slack didn't tell me who is in this channel just now. Try again in a minute."
NO_DIRECTORY = (
    "Slack didn't tell me which of this channel's members are people and which are bots just "
    "now. Try again in a minute."
)


@dataclass(frozen=True)
class ChannelMembers:
    """The people in a channel (no bot, app user or deactivated account), or why not known."""

    ids: frozenset[str] | None
    problem: str | None = None

    @property
    def count(self) -> int | None:
        return None if self.ids is None else len(self.ids)


class MemberCache:
    """A TTL cache over conversations.members, shared by every request of the process.

    A channel's list is fetched at most once per `ttl_seconds` (concurrent requests for the
    same channel wait for one fetch). Failures are not cached: inviting the bot fixes them.
    """

    def __init__(
        self, ttl_seconds: float = 3600.0, max_entries: int = 2_000, people: People | None = None
    ) -> None:
        self.people = people if people is not None else People()
        self._max = max_entries
        self._cache: TTLCache[tuple[str, str], frozenset[str]] = TTLCache(ttl_seconds, max_entries)
        self._bots: TTLCache[str, str] = TTLCache(ttl_seconds, max_entries)
        self._lock = threading.Lock()
        self._fetching: dict[tuple[str, str], threading.Lock] = {}

    def members(self, client: WebClient, team_id: str, channel_id: str) -> ChannelMembers:
        """The channel's people; never raises for a Slack failure (see `problem`)."""
        found = self._members(client, team_id, channel_id)
        if found.ids is None:
            return found
        roster = self.people.roster(client, team_id)
        if not roster.known:
            return ChannelMembers(None, NO_DIRECTORY)
        return ChannelMembers(found.ids - roster.not_people)

    def _members(self, client: WebClient, team_id: str, channel_id: str) -> ChannelMembers:
        key = (team_id, channel_id)
        hit = self._cache.get(key)
        if hit is not None:
            return ChannelMembers(hit)
        with self._lock:
            if len(self._fetching) >= self._max:
                self._fetching.clear()  # at worst two requests fetch the same channel once
            fetch_lock = self._fetching.setdefault(key, threading.Lock())
        with fetch_lock:
            hit = self._cache.get(key)  # another request may have fetched it meanwhile
            if hit is not None:
                return ChannelMembers(hit)
            try:
                ids = self._fetch(client, team_id, channel_id)
            except SlackApiError as err:
                code = slack_code(err)
                log.info("conversations.members %s/%s failed: %s", team_id, channel_id, code)
                return ChannelMembers(None, WHY.get(code, UNKNOWN))
            except (SlackClientError, OSError) as err:  # connection trouble after retries
                log.warning("conversations.members %s/%s failed: %s", team_id, channel_id, err)
                return ChannelMembers(None, UNKNOWN)
            if not ids:
                # Slack lists at least the person asking; an empty list is a glitch, not a fact.
                return ChannelMembers(None, UNKNOWN)
            self._cache.put(key, ids)
            return ChannelMembers(ids)

    def forget(self, team_id: str, channel_id: str) -> None:
        self._cache.forget((team_id, channel_id))

    def forget_person(self, team_id: str, user_id: str) -> None:
        """Drop the member lists that name `user_id` (they asked to be forgotten); they are
        fetched again when next needed."""
        self._cache.forget_where(lambda key, ids: key[0] == team_id and user_id in ids)
        self.people.forget(team_id)

    def _fetch(self, client: WebClient, team_id: str, channel_id: str) -> frozenset[str]:
        ids: set[str] = set()
        cursor = ""
        for _ in range(MAX_PAGES):
            page = client.conversations_members(
                channel=channel_id, limit=PAGE_SIZE, **({"cursor": cursor} if cursor else {})
            )
            ids.update(str(m) for m in page.get("members") or [])
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                break
        else:
            log.warning(
                "conversations.members %s/%s: stopped after %d pages",
                team_id,
                channel_id,
                MAX_PAGES,
            )
        return frozenset(ids - {SLACKBOT, *self._bot_user(client, team_id)})

    def _bot_user(self, client: WebClient, team_id: str) -> set[str]:
        """nudgebot's own user id in the workspace (auth.test), cached like the members."""
        hit = self._bots.get(team_id)
        if hit is not None:
            return {hit}
        user_id = str(client.auth_test().get("user_id") or "")
        if not user_id:
            return set()
        self._bots.put(team_id, user_id)
        return {user_id}
