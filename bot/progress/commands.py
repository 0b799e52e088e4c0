"""`/nudge progress [7d|30d|90d] [chart]`: the channel's summary, then the chart if asked."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.blocks import notice
from bot.command import Call, Command, plain
from bot.progress import chart, parsing, render, service
from bot.slack.errors import CHANNEL_ERRORS, slack_code


def show(call: Call, asked: parsing.ProgressRequest) -> None:
    rt, req = call.rt, call.req
    members = rt.members.members(call.client, req.team_id, req.channel_id)
    now = rt.now()
    with rt.reads() as session:
        report = service.channel_progress(
            session,
            team_id=req.team_id,
            channel_id=req.channel_id,
            days=asked.days,
            now=now,
            members=members,
        )
        series = None
        if asked.chart:
            series = service.practice_series(
                session, team_id=req.team_id, channel_id=req.channel_id, days=asked.days, now=now
            )
    call.say(render.progress(report))
    if series is None:
        return
    try:
        chart.post(
            call.client,
            channel_id=req.channel_id,
            series=series,
            channel_name=req.channel_name,
            zone=rt.settings.timezone,
        )
    except chart.ChartUnavailable as err:
        note = f":information_source: {err}. The summary above is all I can show."
    except SlackApiError as err:
        if slack_code(err) not in CHANNEL_ERRORS:
            raise
        note = (
            ":wave: I can only post charts in channels I'm a member of. Add me with "
            "`/invite @nudgebot`, then try `/nudge progress chart` again."
        )
    else:
        return
    call.tell(notice(note))


PROGRESS = Command(
    name="progress",
    usage="/nudge progress [7d|30d|90d] [chart]",
    summary="how this channel is doing on each practice, and who took part",
    parse=plain(parsing.parse_progress),
    run=show,
)
