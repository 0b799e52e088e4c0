"""A kudos as the channel sees it, and what its giver is told privately."""

from __future__ import annotations

from bot.blocks import Message
from bot.errors import UserError
from bot.recognition import render
from bot.recognition.service import KudosGiven
from tests.snapshot_cases import case
from tests.snapshot_cases.milestones import FIRST_FOR_DEV, FIRST_FOR_EVA, TENTH
from tests.snapshot_cases.world import ANA, BEN, CHLOE, DEV, EVA

ON_CALL = KudosGiven(
    id=1,
    giver_id=CHLOE,
    recipients=(DEV, EVA, BEN),
    reason="for covering the on-call weekend & writing up what broke",
    practice="heart",
    commitment="recognise",
)


@case(render.kudos, "to three people")
def kudos_three() -> Message:
    return render.kudos(ON_CALL)


@case(render.kudos, "tagged challenge")
def kudos_tagged() -> Message:
    return render.kudos(
        KudosGiven(
            id=2,
            giver_id=ANA,
            recipients=(BEN,),
            reason="for trying trunk-based builds",
            practice="challenge",
            commitment="experiment",
        )
    )


@case(render.kudos, "with milestones")
def kudos_milestones() -> Message:
    from dataclasses import replace

    return render.kudos(replace(ON_CALL, milestones=(TENTH, FIRST_FOR_DEV, FIRST_FOR_EVA)))


@case(render.kudos, "showing a value")
def kudos_value() -> Message:
    from dataclasses import replace

    return render.kudos(replace(ON_CALL, team_value="Ownership"))


@case(render.praise_hint)
def praise_hint() -> Message:
    return render.praise_hint()


@case(render.unknown_tag)
def unknown_tag() -> Message:
    return render.unknown_tag("teamwork")


@case(render.reply_not_logged)
def reply_not_logged() -> Message:
    return render.reply_not_logged(
        UserError("You've given 10 kudos today, the most a day here. Thank you! More tomorrow.")
    )
