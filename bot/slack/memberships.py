"""The channels each person is a member of (users.conversations), cached briefly per
workspace and person, for their App Home."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.slack.cache import TTLCache

log = logging.getLogger(__name__)

CHANNEL_TYPES = "public_channel,private_channel"
PAGE_SIZE = 200
MAX_PAGES = 50  # 10,000 channels is more than anyone is in


class Memberships:
    """A small TTL cache of the channels each person is a member of (users.conversations)."""

    def __init__(self, ttl_seconds: float = 180.0, max_entries: int = 10_000) -> None:
        self._cache: TTLCache[tuple[str, str], frozenset[str]] = TTLCache(ttl_seconds, max_entries)

    def channels(self, client: WebClient, team_id: str, user_id: str) -> frozenset[str] | None:
        """The public and private channels `user_id` is in (as far as the bot can see), or
        None when Slack couldn't say; failures are not cached."""
        key = (team_id, user_id)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        found: set[str] = set()
        cursor: str | None = None
        try:
            for _ in range(MAX_PAGES):
                page = client.users_conversations(
                    user=user_id,
                    types=CHANNEL_TYPES,
                    exclude_archived=True,
                    limit=PAGE_SIZE,
                    cursor=cursor,
                )
                found.update(str(c["id"]) for c in page.get("channels") or [] if c.get("id"))
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        except (SlackClientError, OSError) as err:
            log.warning("could not list a person's channels in %s: %s", team_id, type(err).__name__)
            return None
        result = frozenset(found)
        self._cache.put(key, result)
        return result

    def forget(self, team_id: str, user_id: str) -> None:
        self._cache.forget((team_id, user_id))
