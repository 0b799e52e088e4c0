"""`/nudge pulse [on monthly|quarterly [<day> HH:MM] [tz <zone>] | off | now | results |
join]`: the channel's practice pulse. Leaders set it up, open a round now or stop it; anyone
sees where it stands, the latest result (only what the channel post showed) and can come
back in after "Not for me"."""

from __future__ import annotations

import logging

from bot.command import Call, Command, Request
from bot.errors import UserError
from bot.pulse import answers, render, results, rounds, sending, service
from bot.pulse.parsing import LEADERS_ONLY, PulseRequest, parse_pulse
from bot.runtime import Runtime

log = logging.getLogger(__name__)

PULSE_LEADERS_ONLY = (
    "Only admins and the team's leaders can start, stop or open the practice pulse. "
    "`/nudge pulse` shows where it stands here."
)


def parse(rest: str, _req: Request, rt: Runtime) -> PulseRequest:
    return parse_pulse(rest, rt.settings.timezone)


def run(call: Call, asked: PulseRequest) -> None:
    rt, req = call.rt, call.req
    team, channel, user = req.team_id, req.channel_id, req.user_id
    if asked.action == "status":
        with rt.reads() as session:
            st = service.status(
                session, team_id=team, channel_id=channel, user_id=user, now=rt.now()
            )
        call.tell(render.status(st, channel))
    elif asked.action == "on":
        assert asked.when is not None
        with rt.sessions.begin() as session:
            sched = service.turn_on(
                session,
                team_id=team,
                channel_id=channel,
                user_id=user,
                when=asked.when,
                now=rt.now(),
            )
        call.say(render.turned_on(sched, user))
    elif asked.action == "off":
        with rt.sessions.begin() as session:
            service.turn_off(session, team_id=team, channel_id=channel, now=rt.now())
        call.say(render.turned_off(user))
    elif asked.action == "now":
        open_now(call)
    elif asked.action == "results":
        with rt.reads() as session:
            res = results.latest(session, team_id=team, channel_id=channel)
        call.tell(render.result(res) if res else render.no_result())
    else:  # join
        with rt.sessions.begin() as session:
            back = answers.join(session, team_id=team, channel_id=channel, user_id=user)
        call.tell(render.joined(back))


def open_now(call: Call) -> None:
    """Open a round in the channel (refused while one is open), say so, and send the
    invitations on a bounded pool."""
    rt, req = call.rt, call.req
    rt.members.forget(req.team_id, req.channel_id)  # a round asks who is here now
    members = rt.members.members(call.client, req.team_id, req.channel_id)
    if members.ids is None:
        raise UserError(f"I can't open a pulse round: {members.problem}")
    with rt.sessions.begin() as session:
        rnd = rounds.start(
            session,
            team_id=req.team_id,
            channel_id=req.channel_id,
            members=members.ids,
            opened_by=req.user_id,
            min_group=rt.settings.pulse_min_group,
            now=rt.now(),
        )
    log.info("pulse round %s opened: %d invited", rnd.id, rnd.invited)
    call.say(render.opened(rnd, req.user_id))
    sending.send_invites(rt.sessions, call.client, rnd.id, now=rt.now)


PULSE = Command(
    name="pulse",
    usage="/nudge pulse on monthly|quarterly [mon 10:00] [tz Europe/Berlin]",
    summary=(
        "an anonymous rating of how the team leads, every month or quarter; "
        "`/nudge pulse now|off|results|join`"
    ),
    parse=parse,
    run=run,
    leaders=lambda asked: asked.action in LEADERS_ONLY,
    refusal=PULSE_LEADERS_ONLY,
)
