"""The Slack app manifest matches what the app listens for."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.driver import SlackDriver

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yaml"


def test_every_manifest_command_is_handled(bot: SlackDriver) -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    commands = manifest["features"]["slash_commands"]
    assert {c["command"] for c in commands} == {"/kudos", "/win", "/vision", "/nudge"}
    for command in commands:
        # Escaped mentions are how /kudos learns user ids; one Request URL for everything.
        assert command["should_escape"] is True, command["command"]
        assert command["url"].endswith("/slack/events")
        reply, _ = bot.command(command["command"], "")
        assert reply.status == 200, (command["command"], reply.body)
    unknown, _ = bot.command("/not-ours", "")
    assert unknown.status == 404  # Bolt answers 404 to what no listener handles


def test_manifest_asks_for_the_scopes_the_app_uses() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "users:read",
        "channels:history",
        "groups:history",
        "reactions:write",
        "channels:read",
        "groups:read",
        "im:write",
        "files:write",
        "dnd:read",
    }
    events = manifest["settings"]["event_subscriptions"]
    assert set(events["bot_events"]) == {
        "message.channels",
        "message.groups",
        "app_uninstalled",
        "tokens_revoked",
        "app_home_opened",
    }
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert events["request_url"].endswith("/slack/events")
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["interactivity"]["request_url"].endswith("/slack/events")
