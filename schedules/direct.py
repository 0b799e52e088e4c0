"""Sending one claimed personal nudge (a habit reminder, a weekly reflection) as a direct
message: check the person is still here and not away, then send, and record the outcome.

The day was claimed before this runs (schedules/nudges.py), so it is sent at most once.
Away (do-not-disturb on, or a status that says they are out) is recorded as "away" and not
sent later. A person who left, was deactivated or can't get the bot's messages has their
nudge stopped, once, without an error piling up; a workspace that let the bot go stops all
its work (bot/slack/workspaces.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError

from bot import logs, metrics
from bot.blocks import Message
from bot.habits import away, delivery
from bot.habits.delivery import Claimed
from bot.habits.when import zone_or_none
from bot.slack import workspaces
from bot.slack.errors import WORKSPACE_ERRORS, slack_code
from schedules.context import JobContext

log = logging.getLogger(__name__)

# This process's writes about nudges, one at a time: on SQLite, forty-eight threads recording
# at once would wait on the database's own lock and some give up after its 2 s; here they
# queue for a moment instead (each write is one short transaction).
WRITES = threading.Lock()

_TOLD: set[tuple[str, str]] = set()  # (workspace, dnd.info error) already logged
_TOLD_LOCK = threading.Lock()

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


# What /metrics counts each outcome as (Slack's other codes: failed).
OUTCOMES = {"sent": "posted", "away": "skipped", "stopped": "skipped"}


def send(ctx: JobContext, claimed: Claimed, compose: Callable[[str], Message]) -> str:
    """Send what `compose(zone)` makes (the zone the person reads it in) for a claimed day;
    returns, and records on the day, what happened (and counts it, by kind)."""
    with logs.bound(team_id=claimed.nudge.team_id):
        status = _send(ctx, claimed, compose)
    metrics.post(claimed.nudge.kind, OUTCOMES.get(status, "failed"))
    return status


def _send(ctx: JobContext, claimed: Claimed, compose: Callable[[str], Message]) -> str:
    nudge = claimed.nudge
    try:
        user = ctx.slack(nudge.team_id).users_info(user=nudge.user_id)["user"]
        if away.person_gone(user):
            return _gone(ctx, claimed, "account_inactive")
        zone = _follow_zone(ctx, claimed, user)
        gone_quiet = (
            away.dnd_on(claimed.dnd, ctx.now())
            if claimed.dnd is not None
            else _dnd(ctx, nudge.team_id, nudge.user_id)
        )
        if away.status_away(user.get("profile") or {}, ctx.now()) or gone_quiet:
            return record(ctx, claimed, "away")
        posted = ctx.slack(nudge.team_id).chat_postMessage(
            channel=nudge.user_id, **compose(zone).kwargs()
        )
    except SlackApiError as err:
        return _refused(ctx, claimed, slack_code(err))
    except OSError as err:  # after the client's own retries
        log.warning("%s %s: Slack unreachable (%s)", nudge.kind, nudge.id, type(err).__name__)
        return record(ctx, claimed, "failed")
    return record(
        ctx, claimed, "sent", channel_id=posted.get("channel"), message_ts=posted.get("ts")
    )


TEAM_INFO_USERS = 50  # people per dnd.teamInfo call


def with_dnd(ctx: JobContext, batch: list[Claimed]) -> list[Claimed]:
    """The batch with each person's do-not-disturb read for many at once (dnd.teamInfo,
    fifty people a call, per workspace) instead of a call each; anyone Slack doesn't answer
    for is asked alone when their nudge is sent."""
    by_team: dict[str, list[str]] = {}
    for claimed in batch:
        by_team.setdefault(claimed.nudge.team_id, []).append(claimed.nudge.user_id)
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    for team_id, users in by_team.items():
        for start in range(0, len(users), TEAM_INFO_USERS):
            chunk = users[start : start + TEAM_INFO_USERS]
            try:
                answer = ctx.slack(team_id).dnd_teamInfo(users=",".join(chunk)).get("users")
            except (SlackApiError, OSError):
                continue  # each is asked alone
            if isinstance(answer, dict):
                for user_id, info in answer.items():
                    if isinstance(info, dict):
                        found[(team_id, user_id)] = info
    return [
        replace(c, dnd=found.get((c.nudge.team_id, c.nudge.user_id))) if found else c for c in batch
    ]


def _dnd(ctx: JobContext, team_id: str, user_id: str) -> bool:
    """Do-not-disturb is on; when Slack won't say, the nudge goes (it is quiet anyway:
    Slack itself holds notifications back during do-not-disturb). Why not is logged once
    per workspace and reason (an app installed before `dnd:read` was asked for says
    `missing_scope` every time until it is reinstalled)."""
    try:
        return away.dnd_on(ctx.slack(team_id).dnd_info(user=user_id).data or {}, ctx.now())  # type: ignore[arg-type]
    except SlackApiError as err:
        code = slack_code(err)
        if code in WORKSPACE_ERRORS or code in PERSON_GONE:
            raise
        with _TOLD_LOCK:
            first = (team_id, code) not in _TOLD
            _TOLD.add((team_id, code))
        if first:
            log.warning("workspace %s: dnd.info says %s; sending nudges anyway", team_id, code)
        return False


def _follow_zone(ctx: JobContext, claimed: Claimed, user: dict[str, Any]) -> str:
    """The zone the nudge is read in: the person's Slack zone when they follow it (a change
    moves their next nudges too), else the one they typed."""
    nudge = claimed.nudge
    zone = zone_or_none(user.get("tz"))
    if not zone or not nudge.zone_from_slack:
        return nudge.zone
    if zone != nudge.zone:
        with WRITES, ctx.sessions.begin() as session:
            delivery.follow_zone(session, nudge_id=nudge.id, zone=zone, now=ctx.now())
    return zone


def _refused(ctx: JobContext, claimed: Claimed, code: str) -> str:
    if code in PERSON_GONE and not (
        code in WORKSPACE_ERRORS and _token_refused(ctx, claimed.nudge.team_id)
    ):
        return _gone(ctx, claimed, code)
    if code in WORKSPACE_ERRORS:
        log.warning("workspace %s: %s; stopping its work", claimed.nudge.team_id, code)
        with WRITES, ctx.sessions.begin() as session:
            workspaces.deactivate(
                session, team_id=claimed.nudge.team_id, reason=code, now=ctx.now()
            )
        return record(ctx, claimed, "failed")
    log.warning("%s %s: Slack said %s", claimed.nudge.kind, claimed.nudge.id, code)
    record(ctx, claimed, "failed")
    return code


def _token_refused(ctx: JobContext, team_id: str) -> bool:
    """`account_inactive` says either the person or the bot's own account is gone: ask
    Slack about the bot's token (auth.test) to tell which."""
    try:
        ctx.slack(team_id).auth_test()
    except SlackApiError as err:
        return slack_code(err) in WORKSPACE_ERRORS
    except OSError:
        return False
    return False


def _gone(ctx: JobContext, claimed: Claimed, code: str) -> str:
    """The person can't be reached: stop their nudge (they can turn it on again)."""
    log.info("%s %s stopped: %s", claimed.nudge.kind, claimed.nudge.id, code)
    with WRITES, ctx.sessions.begin() as session:
        delivery.stop(session, nudge_id=claimed.nudge.id, reason=code, now=ctx.now())
        delivery.record(session, day_id=claimed.day_id, status="failed", now=ctx.now())
    return "stopped"


def record(ctx: JobContext, claimed: Claimed, status: str, **where: Any) -> str:
    """Record what happened to a claimed day, in a transaction of its own."""
    with WRITES, ctx.sessions.begin() as session:
        delivery.record(session, day_id=claimed.day_id, status=status, now=ctx.now(), **where)
    return status
