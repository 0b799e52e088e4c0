"""Slack's error codes, read one way, and the groups of them that decide what we do."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

# "The bot can't post here": pause what posts there and tell a person, never retry.
CHANNEL_ERRORS = frozenset({"channel_not_found", "is_archived", "not_in_channel"})

# "The workspace has let us go": stop all of its work until the token works again.
# not_installed: no installation speaks for the workspace ("Add to Slack" mode).
WORKSPACE_ERRORS = frozenset(
    {
        "token_revoked",
        "app_uninstalled",
        "account_inactive",
        "invalid_auth",
        "team_disabled",
        "not_installed",
    }
)


def slack_code(err: SlackApiError) -> str:
    """Slack's error code (`channel_not_found`, ...), or `http <status>` when there is none."""
    code = err.response.get("error") if err.response is not None else None
    status = getattr(err.response, "status_code", None)
    return str(code or f"http {status}")
