"""The workspace's people directory (users.list), cached per workspace: which accounts are
not people (bots, app users, deactivated accounts, Slackbot) and the name Slack shows for
each person. users.list (Tier 2: about 20 calls a minute) is fetched by one thread per
workspace at a time, the others waiting for its answer; when Slack refuses it (rate
limited, say) the refusal is kept for a minute, so the threads behind it don't each ask
again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.slack.cache import TTLCache
from bot.slack.directory import SLACKBOT

log = logging.getLogger("nudgebot")

PAGE_SIZE = 200
MAX_PAGES = 50  # users.list: 10,000 accounts
FAILED_TTL_SECONDS = 60.0  # users.list refused: not asked again for this long
MAX_TEAMS = 1_000


def shown_name(user: Mapping[str, Any]) -> str | None:
    """The name Slack shows for a person's mention: their display name, else their full
    name, else their handle."""
    profile = user.get("profile") or {}
    for name in (
        profile.get("display_name"),
        profile.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    ):
        if isinstance(name, str) and name.strip():
            return name.strip()
    return None


def is_person(user: Mapping[str, Any]) -> bool:
    """A human account in use: not a bot, an app user or a deactivated account."""
    return not (user.get("is_bot") or user.get("is_app_user") or user.get("deleted"))


@dataclass(frozen=True)
class Roster:
    """What users.list said: the accounts that are not people, the people's shown names, and
    whether Slack answered in full (`known`; when not, what the pages read before the
    failure named)."""

    not_people: frozenset[str]
    names: Mapping[str, str] = field(default_factory=dict)
    known: bool = True

    def name(self, user_id: str) -> str | None:
        return self.names.get(user_id)


class People:
    """A TTL cache over users.list, shared by every request of the process."""

    def __init__(self, ttl_seconds: float = 300.0) -> None:
        self._rosters: TTLCache[str, Roster] = TTLCache(ttl_seconds, MAX_TEAMS)
        self._refused: TTLCache[str, Roster] = TTLCache(FAILED_TTL_SECONDS, MAX_TEAMS)
        self._lock = threading.Lock()
        self._fetching: dict[str, threading.Lock] = {}

    def roster(self, client: WebClient, team_id: str) -> Roster:
        """The workspace's roster; never raises for Slack (see `Roster.known`)."""
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

    def forget(self, team_id: str) -> None:
        """Drop a workspace's roster (someone asked to be forgotten); asked again when needed."""
        self._rosters.forget(team_id)

    def _known(self, team_id: str) -> Roster | None:
        hit = self._rosters.get(team_id)
        return hit if hit is not None else self._refused.get(team_id)

    def _fetch(self, client: WebClient, team_id: str) -> Roster:
        others = {SLACKBOT}
        names: dict[str, str] = {}
        cursor: str | None = None
        try:
            for _ in range(MAX_PAGES):
                page = client.users_list(limit=PAGE_SIZE, cursor=cursor)
                for user in page.get("members") or []:
                    user_id = str(user.get("id"))
                    if not is_person(user):
                        others.add(user_id)
                    elif (name := shown_name(user)) is not None:
                        names[user_id] = name
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        except (SlackClientError, OSError) as err:
            log.warning("users.list failed in %s: %s", team_id, type(err).__name__)
            refused = Roster(frozenset(others), names, known=False)
            self._refused.put(team_id, refused)
            return refused
        result = Roster(frozenset(others), names)
        self._rosters.put(team_id, result)
        return result
