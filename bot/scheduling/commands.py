"""`/nudge schedule add|list|pause|resume|remove`: practice prompts on a rhythm."""

from __future__ import annotations

from bot.command import Call, Command, Request
from bot.runtime import Runtime
from bot.scheduling import render, service
from bot.scheduling.parsing import ScheduleRequest, parse_schedule


def parse(rest: str, _req: Request, rt: Runtime) -> ScheduleRequest:
    return parse_schedule(rest, rt.settings.timezone)


def run(call: Call, asked: ScheduleRequest) -> None:
    """List this channel's schedules, add one, or pause, resume or remove one. Anyone may
    change their own schedules; admins, owners and leaders may change any."""
    rt, req = call.rt, call.req
    if asked.action == "list":
        with rt.reads() as session:
            views = service.list_schedules(
                session, team_id=req.team_id, channel_id=req.channel_id, now=rt.now()
            )
        call.tell(render.schedule_list(views, req.channel_id))
        return
    if asked.action == "add":
        assert asked.practice is not None and asked.when is not None
        with rt.sessions.begin() as session:
            view = service.add_schedule(
                session,
                team_id=req.team_id,
                channel_id=req.channel_id,
                user_id=req.user_id,
                practice=asked.practice,
                when=asked.when,
                now=rt.now(),
            )
        call.say(render.schedule_added(view))
        return
    may_manage_any = call.may_lead()
    with rt.sessions.begin() as session:
        view = service.change_schedule(
            session,
            team_id=req.team_id,
            channel_id=req.channel_id,
            raw_id=asked.raw_id,
            action=asked.action,
            may_manage_any=may_manage_any,
            user_id=req.user_id,
            now=rt.now(),
        )
    call.say(render.schedule_changed(view, asked.action))


SCHEDULE = Command(
    name="schedule",
    usage="/nudge schedule add <practice|rotate> weekly mon 09:00 [tz Europe/Berlin]",
    summary="prompts on a rhythm; `/nudge schedule list|pause|resume|remove <number>`",
    parse=parse,
    run=run,
)
