"""Commitment follow-ups: on a commitment's due date, ask its author whether it was kept.

Each question is claimed before it is posted (commitments.claim_for_asking), so a retry or a
second scheduler never asks twice. If the thread can't be reached (the bot left the
channel), the author is asked in a direct message instead; if Slack fails for another
reason the claim is given back and the question retried later.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError

from bot import logs, metrics
from bot.commitments import dates, render
from bot.commitments import service as commitments
from bot.commitments.service import CommitmentView, Due
from bot.slack import workspaces
from bot.slack.errors import CHANNEL_ERRORS, WORKSPACE_ERRORS, slack_code
from models.db import reads_for
from schedules.context import JobContext

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(minutes=15)  # Slack failed for a passing reason
RETRY_NO_WAY = timedelta(days=1)  # neither the thread nor a direct message worked
NO_WAY = "no_way_to_ask"
BATCH = 200


def run_followups(ctx: JobContext) -> int:
    """Ask about every commitment whose time to ask has come; returns how many were asked."""
    with reads_for(ctx.sessions)() as session:
        due = commitments.due_for_asking(session, now=ctx.now(), limit=BATCH)
    asked = 0
    for item in due:
        try:
            with logs.bound(team_id=item.team_id):
                asked += _ask(ctx, item)
        except Exception:  # a database hiccup on one must not stop the others
            log.exception("asking about commitment %s failed", item.id)
    return asked


def _ask(ctx: JobContext, item: Due) -> int:
    with ctx.sessions.begin() as session:
        if not commitments.claim_for_asking(
            session, team_id=item.team_id, commitment_id=item.id, seen=item.seen
        ):
            return 0  # asked by another scheduler, or answered meanwhile
        view = commitments.get(session, team_id=item.team_id, commitment_id=item.id)
    assert view is not None
    message = render.question(view, dates.today_in(view.zone, ctx.now())).kwargs()
    try:
        failure = _post(ctx, view, message)
    except Exception:
        log.exception("asking about commitment %s failed", view.id)
        failure = "error"
    if failure is None:
        metrics.post("followup", "posted")
        return 1
    metrics.post("followup", "failed")
    _give_back(ctx, view, item, failure)
    return 0


def _post(ctx: JobContext, view: CommitmentView, message: dict[str, Any]) -> str | None:
    """Ask in the commitment's thread or, if the bot can't reach it (it left the channel),
    in a direct message. None when asked; otherwise what went wrong."""
    try:
        ctx.slack(view.team_id).chat_postMessage(
            channel=view.channel_id, thread_ts=view.message_ts, **message
        )
        return None
    except SlackApiError as err:
        code = slack_code(err)
    except OSError as err:  # connection errors after the client's own retries
        return f"unreachable: {type(err).__name__}"
    if code not in CHANNEL_ERRORS:
        return code
    log.info("commitment %s: %s; asking its author directly", view.id, code)
    try:
        ctx.slack(view.team_id).chat_postMessage(channel=view.user_id, **message)
        return None
    except SlackApiError as err:
        direct = slack_code(err)
        return direct if direct in WORKSPACE_ERRORS else NO_WAY
    except OSError as err:
        return f"unreachable: {type(err).__name__}"


def _give_back(ctx: JobContext, view: CommitmentView, item: Due, code: str) -> None:
    """Undo the claim so the question is asked later; stop a workspace that is gone."""
    now = ctx.now()
    if code in WORKSPACE_ERRORS:
        log.warning("workspace %s: %s; stopping its follow-ups", view.team_id, code)
        with ctx.sessions.begin() as session:
            workspaces.deactivate(session, team_id=view.team_id, reason=code, now=now)
            commitments.release_claim(
                session, team_id=view.team_id, commitment_id=view.id, retry_at=item.seen
            )
        return
    retry = RETRY_NO_WAY if code == NO_WAY else RETRY_AFTER
    log.warning("commitment %s: %s; asking again in %s", view.id, code, retry)
    with ctx.sessions.begin() as session:
        commitments.release_claim(
            session, team_id=view.team_id, commitment_id=view.id, retry_at=now + retry
        )
