"""`/nudge me` (set up, see, pause, resume or stop your own habit) and `/nudge habits
invite` (a leader invites the channel; nobody is enrolled); opening the habit form from a
command or a button."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk import WebClient

from bot.command import Call, Command, plain
from bot.habits import modals, parsing, practised, render, service
from bot.habits.modals import Form
from bot.habits.parsing import Me
from bot.habits.when import local_day, zone_or_none
from bot.runtime import Runtime


def person_zone(rt: Runtime, client: WebClient, team_id: str, user_id: str) -> str:
    """The person's zone from their Slack profile, else the workspace's."""
    try:
        found = zone_or_none(rt.directory.user(client, team_id, user_id).get("tz"))
    except Exception:  # Slack didn't say: the workspace zone will do, they can change it
        found = None
    return found or rt.settings.timezone


def where_counted(channel_id: str | None) -> str:
    """A channel where check-ins count, or "" (a DM or App Home: they count for the person)."""
    return channel_id if channel_id and channel_id[:1] in ("C", "G") else ""


def open_form(
    rt: Runtime,
    client: WebClient,
    *,
    team_id: str,
    user_id: str,
    trigger_id: str,
    channel_id: str | None,
    practice: str | None = None,
) -> None:
    """Open the habit form: the person's habit to change, or a new one on the practice
    they logged least (or `practice`)."""
    with rt.reads() as session:
        habit = service.get(session, team_id=team_id, user_id=user_id)
        least = practised.least_practised(session, team_id=team_id, user_id=user_id, now=rt.now())
    if habit is not None and practice is None:
        form = Form(
            channel_id=where_counted(channel_id) or habit.channel_id or "",
            practice=habit.practice or least,
            least=least,
            zone=habit.zone,
            action=habit.action,
            cue=habit.cue,
            days=habit.days,
            at_minute=habit.at_minute,
            zone_from_slack=habit.zone_from_slack,
        )
    else:
        zone = habit.zone if habit else person_zone(rt, client, team_id, user_id)
        form = Form(
            channel_id=where_counted(channel_id) or (habit.channel_id or "" if habit else ""),
            practice=practice or least,
            least=least,
            zone=zone,
            cue=habit.cue if habit else None,
            days=habit.days if habit else modals.DEFAULT_DAYS,
            at_minute=habit.at_minute if habit else modals.DEFAULT_MINUTE,
            zone_from_slack=habit.zone_from_slack if habit else True,
        )
    client.views_open(trigger_id=trigger_id, view=modals.setup_view(form))


def show(call: Call, *, form: bool) -> None:
    """The person's habit and its log; with no habit, the form (when `form`) or a button
    to set one up."""
    rt, req = call.rt, call.req
    now = rt.now()
    with rt.reads() as session:
        habit = service.get(session, team_id=req.team_id, user_id=req.user_id)
        days = [] if habit is None else service.log(session, nudge_id=habit.id, since=_since(now))
    if habit is None and form and req.trigger_id:
        open_form(
            rt,
            call.client,
            team_id=req.team_id,
            user_id=req.user_id,
            trigger_id=req.trigger_id,
            channel_id=req.channel_id,
        )
        return
    today = local_day(now, habit.zone if habit else rt.settings.timezone)
    call.tell(render.status(habit, days, today))


def me(call: Call, args: Me) -> None:
    rt, req = call.rt, call.req
    now = rt.now()
    if args.verb == "show":
        show(call, form=True)
        return
    with rt.sessions.begin() as session:
        if args.verb == "pause":
            until = now + timedelta(days=args.pause_days)
            changed = service.pause(
                session, team_id=req.team_id, user_id=req.user_id, until=until, now=now
            )
        elif args.verb == "resume":
            changed = service.resume(session, team_id=req.team_id, user_id=req.user_id, now=now)
        else:
            changed = service.turn_off(
                session, team_id=req.team_id, user_id=req.user_id, kind=service.HABIT, now=now
            )
    if changed is None:  # no habit, or (to pause) one that is off: say where it stands
        show(call, form=False)
    elif args.verb == "pause":
        call.tell(render.paused(changed))
    elif args.verb == "resume":
        call.tell(render.resumed(changed))
    else:
        call.tell(render.off())


def _since(now: Any) -> Any:
    return (now - timedelta(weeks=service.LOG_WEEKS + 1)).date()


def invite(call: Call, _verb: str) -> None:
    call.say(render.invitation(call.req.user_id, call.req.channel_id))


ME = Command(
    name="me",
    usage=parsing.ME_USAGE,
    summary="your own tiny habit, with a private reminder: set it up, see it, pause or stop it",
    parse=plain(parsing.parse_me),
    run=me,
    group="Your habit",
)

HABITS = Command(
    name="habits",
    usage=parsing.HABITS_USAGE,
    summary="invite the channel to pick a tiny habit (nobody is signed up)",
    parse=plain(parsing.parse_habits),
    run=invite,
    leaders=lambda _verb: True,
    refusal=(
        "Only admins and the team's leaders can post the invitation. You can set up your own "
        "habit any time with `/nudge me`."
    ),
    group="Your habit",
)
