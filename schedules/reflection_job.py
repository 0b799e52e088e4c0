"""One leader's weekly reflection: check they are still here and not away, gather their week
and send it as a direct message.

The day was claimed before this runs (schedules/nudges.py), so it is sent at most once.
Away (do-not-disturb, or a status that says they are out) is recorded as "away" and not
sent later. A person who left, was deactivated or can't get the bot's messages has their
reflection stopped, once, without an error piling up every week; a workspace that let the
bot go stops all its work (bot/slack/workspaces.py).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.habits import away, delivery
from bot.habits.delivery import Claimed
from bot.habits.when import zone_or_none
from bot.reflection import render, service
from bot.reflection.audience import Audiences
from bot.slack import workspaces
from bot.slack.errors import WORKSPACE_ERRORS, slack_code
from models.db import reads_for
from schedules.context import JobContext
from schedules.habit_job import PERSON_GONE

log = logging.getLogger(__name__)

# The leaders' channels and their members, cached for every reflection this process sends.
AUDIENCES = Audiences()


def deliver(ctx: JobContext, claimed: Claimed) -> str:
    """Send the reflection for a claimed day; returns (and records) what happened."""
    nudge = claimed.nudge
    try:
        user = ctx.client.users_info(user=nudge.user_id)["user"]
        if away.person_gone(user):
            return _gone(ctx, claimed, "account_inactive")
        zone = _follow_zone(ctx, claimed, user)
        if away.status_away(user.get("profile") or {}, ctx.now()) or _dnd(ctx, nudge.user_id):
            return _record(ctx, claimed, "away")
        message = render.reflection(_gather(ctx, claimed, zone))
        posted = ctx.client.chat_postMessage(channel=nudge.user_id, **message.kwargs())
    except SlackApiError as err:
        return _refused(ctx, claimed, slack_code(err))
    except OSError as err:  # after the client's own retries
        log.warning("reflection %s: Slack unreachable (%s)", nudge.id, type(err).__name__)
        return _record(ctx, claimed, "failed")
    return _record(
        ctx, claimed, "sent", channel_id=posted.get("channel"), message_ts=posted.get("ts")
    )


def _gather(ctx: JobContext, claimed: Claimed, zone: str) -> service.Reflection:
    """The leader's week: their channels where the bot is active (Slack says which they are
    in, and who else is), then what the database knows."""
    nudge, now = claimed.nudge, ctx.now()
    with reads_for(ctx.sessions)() as session:
        active = service.active_channels(session, team_id=nudge.team_id, now=now)
    audience = AUDIENCES.of(ctx.client, nudge.team_id, nudge.user_id, active)
    with reads_for(ctx.sessions)() as session:
        return service.gather(
            session,
            team_id=nudge.team_id,
            user_id=nudge.user_id,
            now=now,
            zone=zone,
            channel_ids=audience.channel_ids,
            members=audience.members,
        )


def _dnd(ctx: JobContext, user_id: str) -> bool:
    """Do-not-disturb is on; when Slack won't say, the reflection goes (Slack itself holds
    notifications back during do-not-disturb)."""
    try:
        return away.dnd_on(ctx.client.dnd_info(user=user_id).data or {}, ctx.now())  # type: ignore[arg-type]
    except SlackApiError as err:
        code = slack_code(err)
        if code in WORKSPACE_ERRORS or code in PERSON_GONE:
            raise
        log.warning("dnd.info failed (%s); sending the reflection", code)
        return False


def _follow_zone(ctx: JobContext, claimed: Claimed, user: dict[str, Any]) -> str:
    """The zone the reflection is read in: the person's Slack zone when they follow it (a
    change moves their next reflections too), else the one they typed."""
    nudge = claimed.nudge
    zone = zone_or_none(user.get("tz"))
    if not zone or not nudge.zone_from_slack:
        return nudge.zone
    if zone != nudge.zone:
        with ctx.sessions.begin() as session:
            delivery.follow_zone(session, nudge_id=nudge.id, zone=zone, now=ctx.now())
    return zone


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
    log.warning("reflection %s: Slack said %s", claimed.nudge.id, code)
    _record(ctx, claimed, "failed")
    return code


def _gone(ctx: JobContext, claimed: Claimed, code: str) -> str:
    """The person can't be reached: stop their reflection (they can turn it on again)."""
    log.info("reflection %s stopped: %s", claimed.nudge.id, code)
    with ctx.sessions.begin() as session:
        delivery.stop(session, nudge_id=claimed.nudge.id, reason=code, now=ctx.now())
        delivery.record(session, day_id=claimed.day_id, status="failed", now=ctx.now())
    return "stopped"


def _record(ctx: JobContext, claimed: Claimed, status: str, **where: Any) -> str:
    with ctx.sessions.begin() as session:
        delivery.record(session, day_id=claimed.day_id, status=status, now=ctx.now(), **where)
    return status
