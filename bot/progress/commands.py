"""`/nudge progress [7d|30d|90d] [chart]`: the channel's progress, shown to the person who
asked with a Share to channel button; the chart, if asked, goes to their DM with the bot.
Sharing posts the report (and the chart) for the whole channel."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError

from bot.blocks import notice
from bot.command import Call, Command, plain
from bot.progress import chart, parsing, render, series, service
from bot.progress.parsing import PERIODS, ProgressRequest
from bot.sharing import Shared
from bot.slack.errors import CHANNEL_ERRORS, slack_code

KIND = "progress"  # the report's row in handlers.command_table.SHARES

NO_CHART = (
    ":information_source: I can't draw charts here yet: whoever runs nudgebot can add them "
    "by installing the `nudgebot[chart]` extra."
)
CHART_TO_DM = ":bar_chart: Your chart is on its way to your direct messages with me."


def _report(call: Call, days: int) -> service.Progress:
    rt, req = call.rt, call.req
    members = rt.members.members(call.client, req.team_id, req.channel_id)
    with rt.reads() as session:
        return service.channel_progress(
            session,
            team_id=req.team_id,
            channel_id=req.channel_id,
            days=days,
            now=rt.now(),
            members=members,
            zone=rt.settings.timezone,
            with_measures=True,
        )


def _series(call: Call, days: int) -> series.Series:
    rt, req = call.rt, call.req
    with rt.reads() as session:
        return series.practice_series(
            session,
            team_id=req.team_id,
            channel_id=req.channel_id,
            days=days,
            now=rt.now(),
            zone=rt.settings.timezone,
        )


def show(call: Call, asked: ProgressRequest) -> None:
    """The report for the asker's eyes only, with a Share to channel button; the chart in
    their DM with the bot."""
    drawable = asked.chart and chart.available()
    note = None if not asked.chart else (CHART_TO_DM if drawable else NO_CHART)
    shared = Shared(KIND, {"days": asked.days, "chart": asked.chart})
    call.tell(render.progress(_report(call, asked.days), share=shared, note=note))
    if drawable:
        dm = call.client.conversations_open(users=call.req.user_id)["channel"]["id"]
        chart.post(
            call.client,
            channel_id=dm,
            series=_series(call, asked.days),
            channel_name=call.req.channel_name,
        )


def share(call: Call, args: dict[str, Any]) -> None:
    """The Share to channel button: the report as it is now, for everyone in the channel,
    saying who shared it; then the chart, if it was asked for."""
    days = args.get("days")
    asked = ProgressRequest(
        days=days if isinstance(days, int) and days in PERIODS.values() else 7,
        chart=args.get("chart") is True,
    )
    call.say(render.progress(_report(call, asked.days), shared_by=call.req.user_id))
    if not asked.chart:
        return
    try:
        chart.post(
            call.client,
            channel_id=call.req.channel_id,
            series=_series(call, asked.days),
            channel_name=call.req.channel_name,
        )
    except chart.ChartUnavailable:
        note = NO_CHART
    except SlackApiError as err:
        if slack_code(err) not in CHANNEL_ERRORS:
            raise
        note = (
            ":wave: I can only post charts in channels I'm a member of. Add me with "
            "`/invite @nudgebot`, then share again."
        )
    else:
        return
    call.tell(notice(note))


PROGRESS = Command(
    name="progress",
    usage="/nudge progress [7d|30d|90d] [chart]",
    summary=(
        "how this channel is doing on each practice, and the team's measures, shown to you first"
    ),
    parse=plain(parsing.parse_progress),
    run=show,
)
