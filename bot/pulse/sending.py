"""Sending a round's invitations and its reminder: claimed in batches, sent on a bounded
pool of threads so Slack's round trips overlap (5,000 members within a minute), recorded
in batches by the one thread that claims.

Each invitation is one Web API call (chat.postMessage): the channel's member list already
leaves out bots and deactivated accounts (bot/slack/members.py), so no users.info per person.
A rate limit or a passing failure (Slack's 5xx, a network error) puts the invitation back to
pending, not before Retry-After (or 30 s), and a later pass sends it; a permanent one (the
person is gone, or can't be sent a DM) ends it.

A claimed invitation is sent at most once: a restart or a second process finds it claimed
and leaves it. When the scheduler stops (`stopping` set), the sender claims nothing more and
puts back to pending what it claimed but has not sent; invitations still pending are sent
by the pulse job's next pass. A process that died with claims (a crash) leaves them
claimed: `rounds.give_up_stale` marks them "unknown" after a few minutes (maybe sent, so
never sent again; the reminder goes to them). Logs name rounds and counts, never a person.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot import logs, metrics
from bot.blocks import Message
from bot.pulse import closing, render, rounds
from bot.pulse.rounds import Invite, RoundView, Sent
from bot.slack.errors import slack_code
from models.db import reads_for
from models.pulse import PulseRound

log = logging.getLogger(__name__)

WORKER = f"{socket.gethostname()}:{os.getpid()}"[-64:]  # fits claimed_by
THREADS = 48  # sends in flight at once
CLAIMS = 100  # invitations claimed per transaction
GONE = {"user_not_found", "users_not_found", "user_disabled", "account_inactive", "cannot_dm_bot"}
# Worth trying again later: the rate limit, and Slack or the network having a bad moment.
TRANSIENT = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "http 429",
    "http 500",
    "http 502",
    "http 503",
    "http 504",
}
RETRY_AFTER = timedelta(seconds=30)
SENT = {"sent": "posted", "skipped": "skipped"}  # /metrics: an invitation's outcome


def round_view(sessions: sessionmaker[Session], round_id: int) -> RoundView | None:
    with reads_for(sessions)() as session:
        rnd = session.get(PulseRound, round_id)
        return rounds.view(rnd) if rnd is not None else None


def _wait(err: SlackApiError) -> timedelta:
    """Slack's Retry-After, but at least RETRY_AFTER (the client has waited and retried
    already; the pulse job's next pass is the next try)."""
    headers = getattr(err.response, "headers", None) or {}
    raw = str(headers.get("Retry-After") or headers.get("retry-after") or "")
    return max(timedelta(seconds=int(raw)), RETRY_AFTER) if raw.isdigit() else RETRY_AFTER


def _invite(client: WebClient, invite: Invite, compose: Message, stopping: threading.Event) -> Sent:
    """One invitation: the DM, one call; put back unsent if the scheduler is stopping."""
    if stopping.is_set():
        return Sent(invite.id, "pending", why="stopping")
    try:
        sent = client.chat_postMessage(channel=invite.user_id, **compose.kwargs())
        return Sent(invite.id, "sent", str(sent.get("channel") or ""), str(sent.get("ts") or ""))
    except SlackApiError as err:
        code = slack_code(err)
        if code in TRANSIENT:
            return Sent(invite.id, "pending", why=code, wait=_wait(err))
        return Sent(invite.id, "skipped") if code in GONE else Sent(invite.id, "failed", why=code)
    except (OSError, TimeoutError) as err:  # the network: try again on a later pass
        return Sent(invite.id, "pending", why=type(err).__name__, wait=RETRY_AFTER)
    except Exception as err:
        return Sent(invite.id, "failed", why=type(err).__name__)


def send_invites(
    sessions: sessionmaker[Session],
    client: WebClient,
    round_id: int,
    *,
    now: Callable[[], datetime],
    threads: int = THREADS,
    worker: str = WORKER,
    stopping: threading.Event | None = None,
) -> Counter[str]:
    """Claim and send the round's pending invitations; how many ended how. Once
    `stopping` is set, claims no more and puts back what it has not sent."""
    stop = stopping if stopping is not None else threading.Event()
    rnd = round_view(sessions, round_id)
    if rnd is None or rnd.status != "open":
        return Counter()
    compose = render.invitation(rnd)
    outcomes: Counter[str] = Counter()
    pending: set[Future[Sent]] = set()

    def record(done: set[Future[Sent]]) -> None:
        if not done:
            return
        results = [f.result() for f in done]
        outcomes.update(f"{r.status}: {r.why}" if r.why else r.status for r in results)
        for r in results:  # put back to be sent later: this try failed, unless stopping
            stopped = r.status == "pending" and r.why == "stopping"
            metrics.post("pulse", "skipped" if stopped else SENT.get(r.status, "failed"))
        with sessions.begin() as session:
            rounds.record(session, round_id=round_id, outcomes=results, now=now())

    with ThreadPoolExecutor(threads, thread_name_prefix="nudgebot-pulse") as pool:
        while True:
            if len(pending) > threads + CLAIMS:  # let the sends catch up before claiming more
                finished = wait(pending, return_when=FIRST_COMPLETED)
                pending = finished.not_done
                record(finished.done)
                continue
            if stop.is_set():
                break
            with sessions.begin() as session:
                batch = rounds.claim_invites(
                    session, round_id=round_id, worker=worker, limit=CLAIMS, now=now()
                )
            if not batch:
                break
            pending.update(pool.submit(_invite, client, invite, compose, stop) for invite in batch)
            done = {f for f in pending if f.done()}
            pending -= done
            record(done)
        finished = wait(pending)
        record(finished.done)
    with logs.bound(team_id=rnd.team_id):
        _summary(round_id, "invitations", outcomes)
    return outcomes


def _summary(round_id: int, what: str, outcomes: Counter[str]) -> None:
    """One line per round and step: counts only (failures by Slack's error code)."""
    failed = any(key.startswith("failed") for key in outcomes)
    (log.warning if failed else log.info)("pulse round %s: %s %s", round_id, what, dict(outcomes))


def _remind(client: WebClient, invite: Invite, compose: Message) -> str:
    try:
        client.chat_postMessage(channel=invite.dm_channel or invite.user_id, **compose.kwargs())
        return "sent"
    except SlackApiError as err:
        return f"failed: {slack_code(err)}"
    except Exception as err:
        return f"failed: {type(err).__name__}"


def send_reminder(
    sessions: sessionmaker[Session],
    client: WebClient,
    round_id: int,
    *,
    now: Callable[[], datetime],
    key: bytes,
    threads: int = THREADS,
) -> Counter[str]:
    """The round's one reminder, to everyone invited who has not answered (claimed first,
    so it goes out once whatever restarts or other processes do)."""
    with sessions.begin() as session:
        targets = closing.claim_reminder(session, round_id=round_id, now=now(), key=key)
    rnd = round_view(sessions, round_id)
    if rnd is None or not targets:
        return Counter()
    compose = render.reminder(rnd)
    with ThreadPoolExecutor(threads, thread_name_prefix="nudgebot-pulse") as pool:
        outcomes = Counter(pool.map(lambda invite: _remind(client, invite, compose), targets))
    for outcome, count in outcomes.items():
        metrics.POSTS.labels("reminder", "posted" if outcome == "sent" else "failed").inc(count)
    with logs.bound(team_id=rnd.team_id):
        _summary(round_id, "reminders", outcomes)
    return outcomes
