"""The practice pulse on schedule, and the pulse's periodic pass.

As a scheduled kind ("pulse", schedules/posters.py), an occurrence opens a round in the
channel: post_occurrence has claimed it first, so each occurrence opens at most one round,
and a channel never has two open at once (bot.pulse.rounds.start refuses).

`run_pulse` (every 30 s, leader only, like the personal nudges) opens nothing: it sends
invitations an opening left pending (a restart mid-send), sends each round's one reminder
when due, closes rounds whose week is over and posts their results. Everything it needs is
in the rows, so it picks up where a stopped process left off; each step is claimed first,
so nothing is sent or posted twice. A result post that fails for a passing reason is tried
again by the next passes; one that keeps failing, or whose claim is left by a process that
died (perhaps posted: never again), is told to the round's opener by DM with the way to see
it. Logs name rounds and counts, never a person.
"""

from __future__ import annotations

import logging
from collections import Counter

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import metrics
from bot.errors import UserError
from bot.pulse import closing, render, results, rounds, sending
from bot.slack.errors import slack_code
from bot.slack.members import MemberCache
from models.db import reads_for
from models.pulse import PulseRound
from schedules.context import Claimed, JobContext, mark

log = logging.getLogger(__name__)

_MEMBERS = MemberCache(ttl_seconds=60.0)


def plan_pulse(ctx: JobContext, session: Session, claimed: Claimed) -> None:
    """Nothing to decide while claiming: the round opens once the claim has committed."""
    return None


def post_pulse(ctx: JobContext, claimed: Claimed, plan: None) -> None:
    """Open a round in the channel, say so there, and send the invitations."""
    _MEMBERS.forget(claimed.team_id, claimed.channel_id)
    members = _MEMBERS.members(ctx.slack(claimed.team_id), claimed.team_id, claimed.channel_id)
    if members.ids is None:
        mark(ctx, claimed.schedule_id, claimed.occurs_at, "failed", "members unknown")
        return
    try:
        with ctx.sessions.begin() as session:
            rnd = rounds.start(
                session,
                team_id=claimed.team_id,
                channel_id=claimed.channel_id,
                members=members.ids,
                opened_by=None,
                min_group=ctx.pulse_min_group,
                now=ctx.now(),
                schedule_id=claimed.schedule_id,
            )
    except UserError as err:  # a round is open already, or too few to ask: skipped
        mark(ctx, claimed.schedule_id, claimed.occurs_at, "skipped", err.message[:200])
        return
    log.info("pulse round %s opened on schedule: %d invited", rnd.id, rnd.invited)
    posted = ctx.slack(claimed.team_id).chat_postMessage(
        channel=claimed.channel_id, **render.opened(rnd, None).kwargs()
    )
    mark(ctx, claimed.schedule_id, claimed.occurs_at, "posted", None, str(posted["ts"]))
    sending.send_invites(
        ctx.sessions, ctx.slack(claimed.team_id), rnd.id, now=ctx.now, stopping=ctx.stopping
    )


TRANSIENT = sending.TRANSIENT | {"TimeoutError", "URLError", "ConnectionError", "OSError"}


def post_result(ctx: JobContext, round_id: int) -> str:
    """Post a closed round's result in its channel, once (claimed first). A passing
    failure is tried again by the next passes (closing.TRIES in all); one that stays is
    told to the round's opener (or its schedule's creator) by DM."""
    with ctx.sessions.begin() as session:
        before = session.get(PulseRound, round_id)
        tried = closing.tries(before.result_ts if before else None)
        if not closing.claim_post(session, round_id=round_id, now=ctx.now()):
            return "claimed elsewhere"
    with reads_for(ctx.sessions)() as session:
        res = results.round_result(session, round_id)
        channel = closing.channel_of(session, round_id)
    client = _client_of(ctx, round_id)
    try:
        posted = client.chat_postMessage(channel=channel, **render.result(res).kwargs())
        ts, outcome = str(posted["ts"]), "posted"
    except Exception as err:
        outcome = slack_code(err) if isinstance(err, SlackApiError) else type(err).__name__
        again = outcome in TRANSIENT and tried + 1 < closing.TRIES
        ts = f"{closing.RETRY}{tried + 1}: {outcome}" if again else f"failed: {outcome}"
        log.warning("pulse round %s: the result could not be posted: %s", round_id, outcome)
    with ctx.sessions.begin() as session:
        closing.posted(session, round_id=round_id, ts=ts)
    metrics.post("pulse_result", "posted" if outcome == "posted" else "failed")
    if ts.startswith("failed"):
        tell_opener(ctx, round_id, outcome)
    if outcome == "posted":
        try:
            for more in render.more_lines(res):  # many lines: the rest in the thread
                client.chat_postMessage(channel=channel, thread_ts=ts, **more.kwargs())
        except Exception as err:
            log.warning("pulse round %s: more lines not posted: %s", round_id, type(err).__name__)
    return outcome


def tell_opener(ctx: JobContext, round_id: int, why: str) -> None:
    """A result that could not be posted (or may not have been): tell the round's opener
    (or its schedule's creator) by DM how to see it."""
    with reads_for(ctx.sessions)() as session:
        channel, who = closing.whom_to_tell(session, round_id)
        number = results.round_result(session, round_id).number
    if who is None:
        return
    try:
        _client_of(ctx, round_id).chat_postMessage(
            channel=who, **render.not_posted(channel, number).kwargs()
        )
    except Exception as err:
        log.warning("pulse round %s: the opener was not told: %s", round_id, type(err).__name__)
    log.info("pulse round %s: result not posted (%s); its opener was told", round_id, why)


def _client_of(ctx: JobContext, round_id: int) -> WebClient:
    """The Web API client of the round's workspace."""
    with reads_for(ctx.sessions)() as session:
        team_id = session.scalar(select(PulseRound.team_id).where(PulseRound.id == round_id))
    return ctx.slack(team_id or "")


def run_pulse(ctx: JobContext) -> Counter[str]:
    """One pass: pending invitations, due reminders, due closes, unposted results."""
    done: Counter[str] = Counter()
    now = ctx.now()
    with ctx.sessions.begin() as session:
        stale = rounds.give_up_stale(session, worker=sending.WORKER, now=now)
    for round_id, lost in stale.items():  # counts only: whom they were for is not logged
        log.warning("pulse round %s: invitations {'failed: unknown': %d}", round_id, lost)
    with reads_for(ctx.sessions)() as session:
        pending = rounds.with_pending(session)
        reminders = closing.due_reminders(session, now)
        closes = closing.due_closes(session, now)
    for round_id in pending:
        if ctx.stopping.is_set():
            break
        done["invited"] += sending.send_invites(
            ctx.sessions, _client_of(ctx, round_id), round_id, now=ctx.now, stopping=ctx.stopping
        )["sent"]
    for round_id in reminders:
        done["reminded"] += sending.send_reminder(
            ctx.sessions, _client_of(ctx, round_id), round_id, now=ctx.now, key=ctx.pulse_key
        )["sent"]
    for round_id in closes:
        with ctx.sessions.begin() as session:
            if closing.close(session, round_id=round_id, now=ctx.now()):
                done["closed"] += 1
                log.info("pulse round %s closed", round_id)
    with ctx.sessions.begin() as session:
        lost_posts = closing.stale_posts(session, now)
    for round_id in lost_posts:  # perhaps posted: never again, but the opener knows where to look
        tell_opener(ctx, round_id, "unknown")
    with reads_for(ctx.sessions)() as session:
        unposted = closing.unposted(session)
    for round_id in unposted:
        if post_result(ctx, round_id) == "posted":
            done["posted"] += 1
    return done
