"""People's and channels' names for the export, looked up in Slack: people with users.info
through the runtime's directory (cached, shared with every request), channels with
conversations.info. A lookup that fails leaves that id without a name; once Slack itself
fails (not "no such person" or "no such channel"), the rest are not asked, so a slow or
failing Slack never holds an export up for long."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import UserError
from bot.privacy.export import Log, Names
from bot.slack.directory import Directory

log = logging.getLogger(__name__)


def person_name(user: dict[str, Any]) -> str | None:
    """The name a person goes by in the workspace: their full name, else their display
    name, else their handle."""
    profile = user.get("profile") or {}
    for name in (
        profile.get("real_name"),
        user.get("real_name"),
        profile.get("display_name"),
        user.get("name"),
    ):
        if isinstance(name, str) and name.strip():
            return name.strip()
    return None


def resolve(directory: Directory, client: WebClient, log_: Log) -> Names:
    """The names of everyone and every channel in `log_` that Slack could tell."""
    people: dict[str, str] = {}
    broken = False
    for user_id in log_.people():
        try:
            name = person_name(directory.user(client, log_.team_id, user_id))
        except UserError:  # Slack knows no such person (any more)
            continue
        except Exception:
            log.warning("export: users.info failed; the remaining people keep their ids")
            broken = True
            break
        if name:
            people[user_id] = name
    channels: dict[str, str] = {}
    for channel_id in [] if broken else log_.channels():
        try:
            found = client.conversations_info(channel=channel_id).get("channel") or {}
        except SlackApiError:  # a channel the bot can't see: it keeps its id
            continue
        except Exception:
            log.warning("export: conversations.info failed; the remaining channels keep their ids")
            break
        if isinstance(found.get("name"), str) and found["name"]:
            channels[channel_id] = found["name"]
    return Names(people=people, channels=channels)
