"""`/nudge digest on <day> HH:MM [tz <zone>] | off | now`, sharing a digest preview to the
channel, and `/nudge milestones now|digest|off`."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.command import Call, Command, Request
from bot.digest import milestones, render, service
from bot.digest import replies as render_replies
from bot.digest.parsing import DigestRequest, parse_digest
from bot.runtime import Runtime

MILESTONES_LEADERS_ONLY = (
    "Only admins and the team's leaders can change how milestones are celebrated. "
    "`/nudge milestones` shows how they are celebrated now."
)


def run_digest(call: Call, asked: DigestRequest) -> None:
    rt, req = call.rt, call.req
    team, channel = req.team_id, req.channel_id
    if asked.action == "status":
        with rt.reads() as session:
            view = service.status(session, team_id=team, channel_id=channel, now=rt.now())
        call.tell(render_replies.digest_status(view))
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
        call.say(render_replies.digest_on(on, req.user_id))
    elif asked.action == "off":
        with rt.sessions.begin() as session:
            service.turn_off(session, team_id=team, channel_id=channel, now=rt.now())
        call.say(render_replies.digest_off(req.user_id))
    else:
        preview(call)


def _zone(call: Call, view: service.DigestSchedule | None) -> str:
    return view.when.zone if view else call.rt.settings.timezone


def preview(call: Call) -> None:
    """This week's digest, shown to the person who asked and only them; admins and the
    team's leaders get a Share to channel button under it."""
    rt, req = call.rt, call.req
    now = rt.now()
    members = rt.members.members(call.client, req.team_id, req.channel_id)
    with rt.reads() as session:
        view = service.status(session, team_id=req.team_id, channel_id=req.channel_id, now=now)
        week = service.build(
            session,
            team_id=req.team_id,
            channel_id=req.channel_id,
            end=now,
            zone=_zone(call, view),
            members=members,
        )
    call.tell(render_replies.preview(week, view, call.may_lead()))


def share(call: Call, args: dict[str, Any]) -> None:
    """Share to channel, under a preview: the digest of the week previewed, for everyone.
    Recorded first, so the scheduled digest brings only what is new since, and a second
    click shares nothing twice."""
    rt, req = call.rt, call.req
    if not call.may_lead():
        call.tell(render_replies.SHARE_LEADERS_ONLY)
        return
    now = rt.now()
    members = rt.members.members(call.client, req.team_id, req.channel_id)
    week, refusal = None, render_replies.SHARE_OUT_OF_DATE
    with rt.sessions.begin() as session:
        view = service.status(session, team_id=req.team_id, channel_id=req.channel_id, now=now)
        zone = _zone(call, view)
        _start, end = service.window(now, zone)
        if args.get("day") != now.astimezone(ZoneInfo(zone)).date().isoformat():
            pass  # the preview was of another day's week
        elif not service.share(
            session, team_id=req.team_id, channel_id=req.channel_id, until=end, now=now
        ):
            refusal = render_replies.SHARED_ALREADY
        else:
            week = service.build(
                session,
                team_id=req.team_id,
                channel_id=req.channel_id,
                end=now,
                zone=zone,
                members=members,
            )
    if week is None:
        call.tell(refusal)
        return
    call.say(render.digest(week, render_replies.shared_note(req.user_id)))
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
        call.tell(render_replies.milestones_mode(current, False))
        return
    with rt.sessions.begin() as session:
        milestones.set_mode(session, team_id=team, mode=mode)
    call.tell(render_replies.milestones_mode(mode, True))


DIGEST = Command(
    name="digest",
    usage="/nudge digest on fri 16:00 [tz Europe/Berlin]",
    summary="a weekly digest here; `/nudge digest now` previews this week's, `off` stops it",
    parse=lambda rest, _req, rt: parse_digest(rest, rt.settings.timezone),
    run=run_digest,
)

MILESTONES = Command(
    name="milestones",
    usage="/nudge milestones now|digest|off",
    summary="how milestones are celebrated (admins and the team's leaders)",
    parse=parse_milestones,
    run=run_milestones,
    leaders=lambda mode: mode is not None,
    refusal=MILESTONES_LEADERS_ONLY,
)
