"""`/nudge reflect [on <day> HH:MM [tz <zone>] | off]`: a leader's private weekly look back,
opted into by them; and the work behind its **What will you do next week?** button (the
form, then the step as a commitment asked about on its due date)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.command import Call, Command, plain
from bot.commitments import service as commitments
from bot.commitments.service import CommitmentView
from bot.habits.commands import person_zone
from bot.habits.when import local_day
from bot.reflection import modals, render, service
from bot.reflection.parsing import (
    REFLECT_USAGE,
    FormContext,
    NextStep,
    ReflectRequest,
    parse_reflect,
)
from bot.runtime import Runtime
from bot.text import escape

log = logging.getLogger(__name__)


def run(call: Call, args: ReflectRequest) -> None:
    rt, req = call.rt, call.req
    now = rt.now()
    if args.action == "status":
        with rt.reads() as session:
            found = service.get(session, team_id=req.team_id, user_id=req.user_id)
        call.tell(render.status(found))
        return
    if args.action == "off":
        with rt.sessions.begin() as session:
            was = service.turn_off(session, team_id=req.team_id, user_id=req.user_id, now=now)
        call.tell(render.turned_off(was))
        return
    assert args.day is not None and args.at_minute is not None
    zone = args.zone or person_zone(rt, call.client, req.team_id, req.user_id)
    with rt.sessions.begin() as session:
        nudge = service.turn_on(
            session,
            team_id=req.team_id,
            user_id=req.user_id,
            day=args.day,
            at_minute=args.at_minute,
            zone=zone,
            zone_from_slack=args.zone is None,
            now=now,
        )
    call.tell(render.turned_on(nudge))


REFLECT = Command[ReflectRequest](
    name="reflect",
    usage=REFLECT_USAGE,
    summary="for leaders: a private weekly look back, and one step to choose for next week",
    parse=plain(parse_reflect),
    run=run,
    leaders=lambda args: args.turning_on,
    refusal=render.LEADERS_ONLY,
)


def open_form(
    rt: Runtime, client: WebClient, *, team_id: str, user_id: str, channel_id: str, trigger_id: str
) -> None:
    """The next-week form, due a week from today in the leader's zone. The step is
    confirmed where the button was, a direct message (else in the person's DM): never in a
    channel, where others would read it."""
    with rt.reads() as session:
        found = service.get(session, team_id=team_id, user_id=user_id)
    zone = found.zone if found is not None else rt.settings.timezone
    meta = FormContext(channel_id if channel_id.startswith("D") else "", zone)
    client.views_open(trigger_id=trigger_id, view=modals.next_form(meta, local_day(rt.now(), zone)))


def commit_next(
    rt: Runtime, client: WebClient, *, team_id: str, user_id: str, meta: FormContext, step: NextStep
) -> None:
    """Confirm the step in the reflection's direct message (its ts is the thread the
    follow-up asks in), then store it as a commitment. If it can't be stored, the
    confirmation is taken back and the failure raised (the caller tells the person)."""
    now, zone, text = rt.now(), meta.zone, escape(step.text)
    today = local_day(now, zone)
    preview = CommitmentView(
        id=0,
        team_id=team_id,
        channel_id=meta.channel_id or user_id,
        user_id=user_id,
        text=text,
        due_on=step.due_on,
        zone=zone,
        status="open",
        message_ts=None,
        next_ask_at=commitments.first_ask_at(step.due_on, zone, now),
        asked_count=0,
        answered_at=None,
    )
    posted = client.chat_postMessage(
        channel=preview.channel_id, **render.committed(preview, today).kwargs()
    )
    channel = str(posted.get("channel") or preview.channel_id)
    try:
        with rt.sessions.begin() as session:
            commitments.create(
                session,
                team_id=team_id,
                channel_id=channel,
                user_id=user_id,
                text=text,
                due_on=step.due_on,
                zone=zone,
                message_ts=posted["ts"],
                now=now,
            )
    except Exception:
        try:
            client.chat_delete(channel=channel, ts=posted["ts"])
        except Exception:
            log.warning("could not take back a next-week step %s", posted["ts"], exc_info=True)
        raise
