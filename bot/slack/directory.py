"""Who people are in Slack (bot or person, admin or not), cached briefly per workspace."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import UserError
from bot.slack.cache import TTLCache
from bot.slack.errors import slack_code

SLACKBOT = "USLACKBOT"


class Directory:
    """A small TTL cache over users.info, shared by every request of the process."""

    def __init__(self, ttl_seconds: float = 300.0, max_entries: int = 10_000) -> None:
        self._cache: TTLCache[tuple[str, str], dict[str, Any]] = TTLCache(ttl_seconds, max_entries)

    def user(self, client: WebClient, team_id: str, user_id: str) -> dict[str, Any]:
        """The users.info record; UserError if Slack doesn't know the person."""
        hit = self._cache.get((team_id, user_id))
        if hit is not None:
            return hit
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError as err:
            if slack_code(err) in {"user_not_found", "users_not_found"}:
                raise UserError(f"I couldn't find <@{user_id}> in this workspace.") from None
            raise
        self._cache.put((team_id, user_id), user)
        return user

    def forget(self, team_id: str, user_id: str) -> None:
        """Drop the cached record of a person (they asked to be forgotten)."""
        self._cache.forget((team_id, user_id))

    def bots_among(self, client: WebClient, team_id: str, user_ids: tuple[str, ...]) -> set[str]:
        """The ids in `user_ids` that belong to bots (Slackbot included)."""
        bots = set()
        for user_id in user_ids:
            if user_id == SLACKBOT or self.user(client, team_id, user_id).get("is_bot"):
                bots.add(user_id)
        return bots

    def can_lead(
        self, client: WebClient, team_id: str, user_id: str, leaders: frozenset[str]
    ) -> bool:
        """Workspace admins and owners, and the ids in NUDGEBOT_LEADERS."""
        if user_id in leaders:
            return True
        user = self.user(client, team_id, user_id)
        return any(user.get(flag) for flag in ("is_admin", "is_owner", "is_primary_owner"))
