"""Uninstalls and revoked tokens: the workspace's work stops (its data is kept), and with
"Add to Slack" its installation is deleted, so nothing can use its token again.

`app_uninstalled` deletes every installation of the workspace (of the org, for an
Enterprise Grid org-wide install, and stops each workspace of the org seen so far);
`tokens_revoked` deletes the revoked bot token (and stops the workspace) or the people's
revoked tokens. Other workspaces are untouched. Installing again resumes the workspace
(handlers.oauth.installed).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.command import Request
from bot.runtime import Runtime
from bot.slack import workspaces
from bot.slack.installs import InstalledClients
from handlers.common import later, runtime
from handlers.oauth import installs_of

log = logging.getLogger("nudgebot")


def uninstalled(body: dict[str, Any], context: BoltContext) -> None:
    _stop(body, context, "app_uninstalled", bot=True, people=[])


def revoked(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    tokens = event.get("tokens") or {}
    bot = bool(tokens.get("bot")) if isinstance(tokens, dict) else False
    people = tokens.get("oauth") if isinstance(tokens, dict) else None
    people = [p for p in people if isinstance(p, str)] if isinstance(people, list) else []
    if bot or (people and installs_of(context) is not None):
        reason = "token_revoked" if bot else ""
        _stop(body, context, reason, bot=bot, people=people)


def _stop(
    body: dict[str, Any], context: BoltContext, reason: str, *, bot: bool, people: list[str]
) -> None:
    """Stop the workspace the event names (and delete what the installation store holds
    for it). With one token, an Enterprise Grid org-wide uninstall names no workspace
    (`team_id` is null) and nothing records which workspaces are of that org, so it stops
    nothing here: each workspace stops at its next post, when Slack refuses the token
    (schedules.jobs, WORKSPACE_ERRORS)."""
    rt, req = runtime(context), Request.of(body, context.team_id)
    installs = installs_of(context)
    org = bool(body.get("is_enterprise_install") or context.is_enterprise_install)
    if installs is not None:
        enterprise = req.enterprise_id or context.enterprise_id
        team = None if org else (req.team_id or None)
        later(rt, None, lambda: _forgotten(rt, installs, enterprise, team, reason, bot, people))
        return
    if not req.team_id:
        log.warning(
            "%s for Enterprise Grid org %s names no workspace; nothing stopped now "
            "(each workspace stops when Slack refuses its next post)",
            reason,
            req.enterprise_id or "(unknown)",
        )
        return
    later(rt, None, lambda: _stopped(rt, [req.team_id], reason))


def _stopped(rt: Runtime, teams: list[str], reason: str) -> None:
    with rt.sessions.begin() as session:
        for team in teams:
            workspaces.deactivate(session, team_id=team, reason=reason, now=rt.now())


def _forgotten(
    rt: Runtime,
    installs: InstalledClients,
    enterprise: str | None,
    team: str | None,
    reason: str,
    bot: bool,
    people: list[str],
) -> None:
    """Delete the installation's tokens (all of it for an uninstall, the bot's or the
    people's for a revocation) and stop the workspace, or each known one of the org."""
    store = installs.store
    if team is None and enterprise is None:
        log.warning("%s names neither a workspace nor an org; nothing deleted", reason)
        return
    if people:
        store.delete_user_tokens(enterprise, team, people)
    teams = [team] if team is not None else store.teams_of_org(enterprise or "")
    if bot and reason == "app_uninstalled":
        store.delete_all(enterprise_id=enterprise, team_id=team)
    elif bot:
        store.delete_bot_tokens(enterprise, team)
    installs.forget(team, enterprise if team is None else None)
    if bot:
        _stopped(rt, teams, reason)
    log.info(
        "%s in %s %s: installation %s",
        reason or "tokens_revoked",
        "workspace" if team else "org",
        team or enterprise,
        "deleted" if reason == "app_uninstalled" else "tokens deleted",
    )


def register(app: App) -> None:
    app.event("app_uninstalled")(uninstalled)
    app.event("tokens_revoked")(revoked)
