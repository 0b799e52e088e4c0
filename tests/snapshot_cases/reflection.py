"""A leader's weekly reflection, its next-week form and step, and `/nudge reflect`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from slack_sdk.models.views import View

from bot.blocks import Message
from bot.commitments.service import CommitmentView
from bot.habits.service import Nudge
from bot.prompts.threads import Waiting
from bot.reflection import modals, render
from bot.reflection.parsing import FormContext
from bot.reflection.service import Promise, Reflection
from tests.snapshot_cases import case
from tests.snapshot_cases.world import ANA, BEN, CHANNEL, DEV, EVA, LEAD, TEAM, TODAY, ZONE, ago
from tests.snapshot_cases.world import later as after

DM = "DLENA"

WEEK = Reflection(
    user_id=LEAD,
    zone=ZONE,
    today=TODAY,
    kept=(
        Promise(1, CHANNEL, "Write the on-call guide with <@UANA> & share it", date(2026, 11, 25)),
        Promise(2, DM, "Ask Dev what would make\non-call easier", date(2026, 11, 26)),
    ),
    dropped=(Promise(3, CHANNEL, "Move the retro to Thursdays", date(2026, 11, 24)),),
    overdue=(Promise(4, "CSALES", "Share the Q4 numbers with the sales team", date(2026, 11, 20)),),
    recognised=4,
    recognised_members=3,
    members=7,
    channel_ids=(CHANNEL, "CSALES"),
    shared=5,
    unanswered=(
        Waiting(
            11,
            CHANNEL,
            "idea",
            "Demo Fridays: ten minutes, anyone can show anything",
            ago(days=12),
            ANA,
        ),
        Waiting(12, "CSALES", "hope", "That we stop shipping on Fridays", ago(days=9), DEV),
        Waiting(
            13, CHANNEL, "idea", "A shared glossary for the on-call runbooks", ago(days=8), LEAD
        ),
    ),
    pilots=(
        Waiting(
            21, CHANNEL, "pilot", "Pair on every incident review for a month", ago(days=33), BEN
        ),
    ),
    least="enable",
    least_count=1,
)
QUIET = replace(
    WEEK,
    kept=(),
    dropped=(),
    overdue=(),
    recognised=0,
    recognised_members=0,
    shared=0,
    unanswered=(),
    pilots=(),
    least="model",
    least_count=0,
)


@case(render.reflection, "a full week")
def full_week() -> Message:
    return render.reflection(WEEK)


@case(render.reflection, "a quiet week")
def quiet_week() -> Message:
    return render.reflection(QUIET)


@case(render.reflection, "the one idea shared was answered")
def one_answered() -> Message:
    return render.reflection(replace(QUIET, shared=1))


@case(render.reflection, "everyone recognised")
def everyone() -> Message:
    return render.reflection(
        replace(WEEK, recognised=7, recognised_members=7, overdue=(), unanswered=(), pilots=())
    )


@case(render.reflection, "no channels, members unknown")
def no_channels() -> Message:
    return render.reflection(
        replace(WEEK, members=None, recognised_members=None, channel_ids=(), dropped=(), overdue=())
    )


@case(render.reflection, "more than fit")
def more_than_fit() -> Message:
    many = tuple(
        Promise(30 + n, CHANNEL, f"Thank {name} for the release", date(2026, 11, 19))
        for n, name in enumerate(("Ana", "Ben", "Chloe", "Dev", "Eva", "Lena", "Max"))
    )
    long = (
        "Write down, with the whole team and not just the leads, what we mean by done for a "
        "pilot: who decides, what we measure, when we stop, and how we share what we learned"
    )
    many = (replace(many[0], text=long), *many[1:])
    ideas = tuple(
        Waiting(40 + n, CHANNEL, "idea", f"Idea number {n}", ago(days=10), EVA) for n in range(7)
    )
    return render.reflection(
        replace(WEEK, kept=(), dropped=(), overdue=many, shared=9, unanswered=ideas)
    )


@case(modals.next_form)
def next_form() -> View:
    return modals.next_form(FormContext(DM, ZONE), TODAY)


@case(render.committed)
def committed() -> Message:
    step = CommitmentView(
        id=9,
        team_id=TEAM,
        channel_id=DM,
        user_id=LEAD,
        text="Ask Dev what would make on-call easier & try one idea",
        due_on=date(2026, 12, 4),
        zone=ZONE,
        status="open",
        message_ts=None,
        next_ask_at=after(days=7, hours=-6),
        asked_count=0,
        answered_at=None,
    )
    return render.committed(step, TODAY)


ON = Nudge(
    id=5,
    team_id=TEAM,
    user_id=LEAD,
    kind="reflection",
    channel_id=None,
    practice=None,
    commitment=None,
    action=None,
    cue=None,
    days=(4,),
    at_minute=16 * 60,
    zone=ZONE,
    zone_from_slack=True,
    status="active",
    paused_until=None,
    stopped_reason=None,
    next_at=after(days=7),
    done_since_offer=0,
)


@case(render.status, "on")
def status_on() -> Message:
    return render.status(ON)


@case(render.status, "never set up")
def status_never() -> Message:
    return render.status(None)


@case(render.status, "off")
def status_off() -> Message:
    return render.status(replace(ON, status="off", next_at=None))


@case(render.status, "stopped")
def status_stopped() -> Message:
    return render.status(
        replace(ON, status="stopped", stopped_reason="cannot_dm_bot", next_at=None)
    )


@case(render.turned_on, "slack zone")
def turned_on() -> Message:
    return render.turned_on(ON)


@case(render.turned_on, "typed zone")
def turned_on_typed() -> Message:
    return render.turned_on(
        replace(
            ON, days=(0,), at_minute=8 * 60 + 30, zone="America/New_York", zone_from_slack=False
        )
    )


@case(render.turned_off, "was on")
def turned_off() -> Message:
    return render.turned_off(replace(ON, status="off", next_at=None))


@case(render.turned_off, "wasn't on")
def not_on() -> Message:
    return render.turned_off(None)
