"""`/nudge digest on <day> HH:MM [tz <zone>] | off | now` and `/nudge milestones
now|digest|off`."""

from __future__ import annotations

from bot.command import Call, Command, Request
from bot.digest import milestones, render, service
from bot.digest.parsing import DigestRequest, parse_digest
from bot.runtime import Runtime

MILESTONES_LEADERS_ONLY = (
    "Only workspace admins, owners and the team's leaders (NUDGEBOT_LEADERS) can change how "
    "milestones are celebrated. `/nudge milestones` shows how it works now."
)


def run_digest(call: Call, asked: DigestRequest) -> None:
    rt, req = call.rt, call.req
    team, channel = req.team_id, req.channel_id
    if asked.action == "status":
        with rt.reads() as session:
            view = service.status(session, team_id=team, channel_id=channel, now=rt.now())
        call.tell(render.digest_status(view))
    elif asked.action == "on":
        assert asked.when is not None
        with rt.sessions.begin() as session:
            on = service.turn_on(
                session,
                team_id=team,
                channel_id=channel,
                user_id=req.user_id,
                when=asked.when,
                now=rt.now(),
            )
        call.say(render.digest_on(on, req.user_id))
    elif asked.action == "off":
        with rt.sessions.begin() as session:
            service.turn_off(session, team_id=team, channel_id=channel, now=rt.now())
        call.say(render.digest_off(req.user_id))
    else:
        post_now(call)


def post_now(call: Call) -> None:
    """This channel's digest for the last seven days, posted in the channel at once."""
    rt, req = call.rt, call.req
    now = rt.now()
    with rt.reads() as session:
        view = service.status(session, team_id=req.team_id, channel_id=req.channel_id, now=now)
        zone = view.when.zone if view else rt.settings.timezone
        week = service.build(
            session, team_id=req.team_id, channel_id=req.channel_id, end=now, zone=zone
        )
    call.say(render.digest(week))
    with rt.sessions.begin() as session:
        service.celebrated(session, team_id=req.team_id, digest=week, now=rt.now())


def parse_milestones(rest: str, _req: Request, _rt: Runtime) -> str | None:
    """None to show the current mode; else the new mode."""
    return milestones.parse_mode(rest) if rest.strip() else None


def run_milestones(call: Call, mode: str | None) -> None:
    rt, team = call.rt, call.req.team_id
    if mode is None:
        with rt.reads() as session:
            current = milestones.mode(session, team_id=team)
        call.tell(render.milestones_mode(current, False))
        return
    with rt.sessions.begin() as session:
        milestones.set_mode(session, team_id=team, mode=mode)
    call.tell(render.milestones_mode(mode, True))


DIGEST = Command(
    name="digest",
    usage="/nudge digest on fri 16:00 [tz Europe/Berlin]",
    summary="a weekly recognition digest here; `/nudge digest off|now`",
    parse=lambda rest, _req, rt: parse_digest(rest, rt.settings.timezone),
    run=run_digest,
)

MILESTONES = Command(
    name="milestones",
    usage="/nudge milestones now|digest|off",
    summary="how milestones are celebrated (admins and leaders)",
    parse=parse_milestones,
    run=run_milestones,
    leaders=lambda mode: mode is not None,
    refusal=MILESTONES_LEADERS_ONLY,
)
