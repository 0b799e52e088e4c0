"""One habit reminder: check the person is still here and not away, then send it.

Away (do-not-disturb on, or a status that says they are out) is recorded as "away" and
not sent later. A person who left, was deactivated or can't get the bot's messages has
their habit stopped, once, without an error piling up every day; a workspace that let the
bot go stops all its work (bot/slack/workspaces.py).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.habits import away, delivery, render
from bot.habits.delivery import Claimed
from bot.habits.when import zone_or_none
from bot.slack import workspaces
from bot.slack.errors import WORKSPACE_ERRORS, slack_code
from schedules.context import JobContext

log = logging.getLogger(__name__)

# Slack's answers that mean this person can't be reached, now or later.
PERSON_GONE = frozenset(
    {
        "user_not_found",
        "users_not_found",
        "account_inactive",
        "user_disabled",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "channel_not_found",
        "user_is_restricted",
    }
)


def deliver(ctx: JobContext, claimed: Claimed) -> str:
    """Send the reminder for a claimed day; returns (and records) what happened."""
    nudge = claimed.nudge
    try:
        user = ctx.client.users_info(user=nudge.user_id)["user"]
        if away.person_gone(user):
            return _gone(ctx, claimed, "account_inactive")
        _follow_zone(ctx, claimed, user)
        if away.status_away(user.get("profile") or {}, ctx.now()) or _dnd(ctx, nudge.user_id):
            return _record(ctx, claimed, "away")
        posted = ctx.client.chat_postMessage(
            channel=nudge.user_id, **render.reminder(nudge, claimed.day_id).kwargs()
        )
    except SlackApiError as err:
        return _refused(ctx, claimed, slack_code(err))
    except OSError as err:  # after the client's own retries
        log.warning("habit %s: Slack unreachable (%s)", nudge.id, type(err).__name__)
        return _record(ctx, claimed, "failed")
    return _record(
        ctx, claimed, "sent", channel_id=posted.get("channel"), message_ts=posted.get("ts")
    )


def _dnd(ctx: JobContext, user_id: str) -> bool:
    """Do-not-disturb is on; when Slack won't say, the reminder goes (it is quiet anyway:
    Slack itself holds notifications back during do-not-disturb)."""
    try:
        return away.dnd_on(ctx.client.dnd_info(user=user_id).data or {}, ctx.now())  # type: ignore[arg-type]
    except SlackApiError as err:
        code = slack_code(err)
        if code in WORKSPACE_ERRORS or code in PERSON_GONE:
            raise
        log.warning("dnd.info failed (%s); sending the reminder", code)
        return False


def _follow_zone(ctx: JobContext, claimed: Claimed, user: dict[str, Any]) -> None:
    zone = zone_or_none(user.get("tz"))
    nudge = claimed.nudge
    if zone and nudge.zone_from_slack and zone != nudge.zone:
        with ctx.sessions.begin() as session:
            delivery.follow_zone(session, nudge_id=nudge.id, zone=zone, now=ctx.now())


def _refused(ctx: JobContext, claimed: Claimed, code: str) -> str:
    if code in PERSON_GONE:
        return _gone(ctx, claimed, code)
    if code in WORKSPACE_ERRORS:
        log.warning("workspace %s: %s; stopping its work", claimed.nudge.team_id, code)
        with ctx.sessions.begin() as session:
            workspaces.deactivate(
                session, team_id=claimed.nudge.team_id, reason=code, now=ctx.now()
            )
        return _record(ctx, claimed, "failed")
    log.warning("habit %s: Slack said %s", claimed.nudge.id, code)
    _record(ctx, claimed, "failed")
    return code


def _gone(ctx: JobContext, claimed: Claimed, code: str) -> str:
    """The person can't be reached: stop their habit (they can turn it on again)."""
    log.info("habit %s stopped: %s", claimed.nudge.id, code)
    with ctx.sessions.begin() as session:
        delivery.stop(session, nudge_id=claimed.nudge.id, reason=code, now=ctx.now())
        delivery.record(session, day_id=claimed.day_id, status="failed", now=ctx.now())
    return "stopped"


def _record(ctx: JobContext, claimed: Claimed, status: str, **where: Any) -> str:
    with ctx.sessions.begin() as session:
        delivery.record(session, day_id=claimed.day_id, status=status, now=ctx.now(), **where)
    return status
