"""/nudge digest and /nudge milestones: parse, ack, then do the work after the ack."""

from __future__ import annotations

from slack_bolt import Respond

from bot import digest, milestones, parsing, render_digest
from bot.errors import UserError
from bot.runtime import Runtime
from handlers.common import Call, ack_error, later

MILESTONES_LEADERS_ONLY = (
    "Only workspace admins, owners and the team's leaders (NUDGEBOT_LEADERS) can change how "
    "milestones are celebrated. `/nudge milestones` shows how it works now."
)


def handle_digest(call: Call, rest: str) -> None:
    """`/nudge digest on <day> HH:MM [tz <zone>] | off | now`; alone, the channel's digest."""
    rt, ack, command, respond, _client = call
    team, channel, user = command["team_id"], command["channel_id"], command["user_id"]
    words = rest.split(maxsplit=1)
    sub = words[0].lower() if words else ""
    arg = words[1].strip() if len(words) > 1 else ""
    if not sub:
        with rt.sessions.begin() as session:
            view = digest.status(session, team_id=team, channel_id=channel, now=rt.now())
        ack(response_type="ephemeral", **render_digest.digest_status(view).kwargs())
        return
    if sub == "on":
        try:
            when = digest.parse_digest_when(arg, rt.settings.timezone)
        except UserError as err:
            ack_error(ack, err)
            return
        ack()

        def turn_on() -> None:
            with rt.sessions.begin() as session:
                view = digest.turn_on(
                    session, team_id=team, channel_id=channel, user_id=user, when=when, now=rt.now()
                )
            respond(response_type="in_channel", **render_digest.digest_on(view, user).kwargs())

        later(rt, respond, turn_on)
        return
    if sub in ("off", "now"):
        if arg:
            ack_error(
                ack,
                UserError(
                    f"`/nudge digest {sub}` needs nothing after it "
                    f"(not *{parsing.clip_word(arg)}*).",
                    digest.DIGEST_USAGE,
                ),
            )
            return
        ack()
        if sub == "off":

            def turn_off() -> None:
                with rt.sessions.begin() as session:
                    digest.turn_off(session, team_id=team, channel_id=channel, now=rt.now())
                respond(response_type="in_channel", **render_digest.digest_off(user).kwargs())

            later(rt, respond, turn_off)
        else:
            later(rt, respond, lambda: _post_now(rt, respond, team, channel))
        return
    what = f"`/nudge digest` doesn't have *{parsing.clip_word(sub)}*."
    ack_error(ack, UserError(what, digest.DIGEST_USAGE))


def _post_now(rt: Runtime, respond: Respond, team: str, channel: str) -> None:
    """This channel's digest for the last seven days, posted in the channel at once."""
    now = rt.now()
    with rt.sessions.begin() as session:
        view = digest.status(session, team_id=team, channel_id=channel, now=now)
        zone = view.when.zone if view else rt.settings.timezone
        week = digest.build(session, team_id=team, channel_id=channel, end=now, zone=zone)
    respond(response_type="in_channel", **render_digest.digest(week).kwargs())
    with rt.sessions.begin() as session:
        digest.celebrated(session, team_id=team, digest=week, now=rt.now())


def handle_milestones(call: Call, rest: str) -> None:
    """`/nudge milestones now|digest|off` (admins, owners, leaders); alone, the current mode."""
    rt, ack, command, respond, client = call
    team, user = command["team_id"], command["user_id"]
    if not rest.strip():
        with rt.sessions.begin() as session:
            mode = milestones.mode(session, team_id=team)
        ack(response_type="ephemeral", **render_digest.milestones_mode(mode, False).kwargs())
        return
    try:
        mode = milestones.parse_mode(rest)
    except UserError as err:
        ack_error(ack, err)
        return
    ack()

    def change() -> None:
        if not rt.directory.can_lead(client, team, user, rt.settings.leaders):
            raise UserError(MILESTONES_LEADERS_ONLY)
        with rt.sessions.begin() as session:
            milestones.set_mode(session, team_id=team, mode=mode)
        respond(
            response_type="ephemeral",
            replace_original=False,
            **render_digest.milestones_mode(mode, True).kwargs(),
        )

    later(rt, respond, change)
