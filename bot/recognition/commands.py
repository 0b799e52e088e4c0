"""`/kudos @a [@b ...] [+value] <reason> [#practice]`: recognise people, for the channel to
see."""

from __future__ import annotations

from bot.command import Call, Command, Request
from bot.recognition import praise, render, service
from bot.recognition.parsing import KUDOS_USAGE, Kudos, parse_kudos
from bot.runtime import Runtime
from bot.values import service as values
from bot.values.parsing import resolve


def parse(rest: str, req: Request, _rt: Runtime) -> Kudos:
    kudos = parse_kudos(rest)
    service.check_recipients(req.user_id, kudos.recipients, set())
    return kudos


def give(call: Call, kudos: Kudos) -> None:
    """Refuse bots and the giver themself, and a `+value` that names none of the team's
    values (when it has none, the tag is just text); log the kudos, show it to the
    channel; tell the giver privately when their #tag named no practice (the kudos went
    out untagged), and, once a week, how to make praise specific when the reason named no
    action."""
    rt, req = call.rt, call.req
    bots = rt.directory.bots_among(call.client, req.team_id, kudos.recipients)
    service.check_recipients(req.user_id, kudos.recipients, bots)
    with rt.sessions.begin() as session:
        team_value, reason = None, kudos.reason
        if kudos.value is not None:
            names = values.names(session, team_id=req.team_id)
            team_value = resolve(names, kudos.value, "your kudos", kudos.tags)
            if team_value is None:  # no values yet: a `+word` is just text
                reason = kudos.typed
        given = service.give_kudos(
            session,
            team_id=req.team_id,
            channel_id=req.channel_id,
            giver_id=req.user_id,
            recipients=kudos.recipients,
            reason=reason,
            practice=kudos.practice,
            now=rt.now(),
            daily_cap=rt.settings.kudos_daily_cap,
            zone=rt.settings.timezone,
            team_value=team_value,
        )
    assert given is not None  # no dedupe key: never a duplicate
    call.say(render.kudos(given))
    if kudos.unknown_tag:
        call.tell(render.unknown_tag(kudos.unknown_tag))
    praise.offer(rt, team_id=req.team_id, giver_id=req.user_id, reason=given.reason, tell=call.tell)


KUDOS = Command(
    name="/kudos",
    usage=KUDOS_USAGE,
    summary="recognise people, for the channel to see",
    parse=parse,
    run=give,
    group="Recognise and share",
)
