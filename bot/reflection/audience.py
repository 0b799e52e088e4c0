"""Whom a leader's reflection counts: the channels where the bot is active and the leader is
a member (users.conversations), and the people in them (conversations.members), bots,
deactivated accounts and the leader left out (users.list). Everything is cached per
workspace, so a hundred reflections due in the same minute ask Slack once per channel.
users.list is read through the people directory (`bot.slack.people`).

Only channels the leader is in are read: a reflection never quotes a private channel to
someone outside it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.slack.members import MemberCache
from bot.slack.memberships import Memberships
from bot.slack.people import People

MAX_CHANNELS = 50  # a leader's channels read for one reflection


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
        self.people = People(ttl_seconds=ttl_seconds)
        self.members = MemberCache(ttl_seconds=ttl_seconds, people=self.people)

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
        """The workspace's bots, app users and deactivated accounts (the people directory,
        `bot.slack.people`: one users.list per workspace at a time, a refusal kept a minute).
        When Slack couldn't say, only Slackbot and what the pages read before the failure
        named."""
        return self.people.roster(client, team_id).not_people
