"""Sending a round's invitations and its reminder: claimed in batches, sent on a bounded
pool of threads so Slack's round trips overlap (5,000 members within a minute), recorded
in batches by the one thread that claims.

A claimed invitation is sent at most once: a restart or a second process finds it claimed
and leaves it; one that dies between claim and send loses those invitations, never doubles
them. Invitations still pending (an opening cut short) are sent by the pulse job's next
pass. Logs name rounds and counts, never a person.
"""

from __future__ import annotations

import logging
import os
import socket
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

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
GONE = {"user_not_found", "users_not_found", "user_disabled", "account_inactive"}


def round_view(sessions: sessionmaker[Session], round_id: int) -> RoundView | None:
    with reads_for(sessions)() as session:
        rnd = session.get(PulseRound, round_id)
        return rounds.view(rnd) if rnd is not None else None


def _invite(client: WebClient, invite: Invite, compose: Message) -> Sent:
    """One invitation: people only (not bots, not deactivated accounts), then the DM."""
    try:
        user = client.users_info(user=invite.user_id)["user"] or {}
        if user.get("is_bot") or user.get("deleted") or user.get("is_app_user"):
            return Sent(invite.id, "skipped")
        sent = client.chat_postMessage(channel=invite.user_id, **compose.kwargs())
        return Sent(invite.id, "sent", str(sent.get("channel") or ""), str(sent.get("ts") or ""))
    except SlackApiError as err:
        code = slack_code(err)
        return Sent(invite.id, "skipped") if code in GONE else Sent(invite.id, "failed", why=code)
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
) -> Counter[str]:
    """Claim and send the round's pending invitations; how many ended how."""
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
        outcomes.update(f"failed: {r.why}" if r.why else r.status for r in results)
        with sessions.begin() as session:
            rounds.record(session, round_id=round_id, outcomes=results, now=now())

    with ThreadPoolExecutor(threads, thread_name_prefix="nudgebot-pulse") as pool:
        while True:
            if len(pending) > threads + CLAIMS:  # let the sends catch up before claiming more
                finished = wait(pending, return_when=FIRST_COMPLETED)
                pending = finished.not_done
                record(finished.done)
                continue
            with sessions.begin() as session:
                batch = rounds.claim_invites(
                    session, round_id=round_id, worker=worker, limit=CLAIMS
                )
            if not batch:
                break
            pending.update(pool.submit(_invite, client, invite, compose) for invite in batch)
            done = {f for f in pending if f.done()}
            pending -= done
            record(done)
        finished = wait(pending)
        record(finished.done)
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
    _summary(round_id, "reminders", outcomes)
    return outcomes
