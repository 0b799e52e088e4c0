"""A commitment as posted, its follow-up question and the answers that replace it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.blocks import Message
from bot.commitments import render
from bot.commitments.service import Answer, CommitmentView
from tests.snapshot_cases import case
from tests.snapshot_cases.world import BEN, CHANNEL, TEAM, TODAY, ZONE, ago, later

OPEN = CommitmentView(
    id=7,
    team_id=TEAM,
    channel_id=CHANNEL,
    user_id=BEN,
    text="Write the on-call guide with <@UANA> & share it",
    due_on=date(2026, 12, 4),
    zone=ZONE,
    status="open",
    message_ts="1700000000.000100",
    next_ask_at=later(days=7, hours=-6),  # Fri 4 Dec, 10:00 in Berlin
    asked_count=0,
    answered_at=None,
)
ASKED = replace(OPEN, due_on=TODAY, next_ask_at=None, asked_count=1)


@case(render.posted, "due next week")
def posted() -> Message:
    return render.posted(OPEN, TODAY)


@case(render.posted, "due tomorrow")
def posted_tomorrow() -> Message:
    tomorrow = replace(OPEN, due_on=date(2026, 11, 28), next_ask_at=later(hours=18))
    return render.posted(tomorrow, TODAY)


@case(render.posted, "due next year")
def posted_next_year() -> Message:
    return render.posted(
        replace(OPEN, due_on=date(2027, 1, 15), next_ask_at=later(days=48, hours=18)), TODAY
    )


@case(render.not_in_channel)
def not_in_channel() -> Message:
    return render.not_in_channel("Write the on-call guide by fri")


@case(render.question, "first time")
def question() -> Message:
    return render.question(ASKED, TODAY)


@case(render.question, "asked again")
def question_again() -> Message:
    return render.question(replace(ASKED, due_on=date(2026, 11, 20), asked_count=2), TODAY)


@case(render.answered, "kept")
def answered_kept() -> Message:
    done = replace(ASKED, status="kept", answered_at=ago(hours=1))
    return render.answered(Answer("answered", "kept", done))


@case(render.answered, "dropped")
def answered_dropped() -> Message:
    done = replace(ASKED, status="dropped", answered_at=ago(hours=1))
    return render.answered(Answer("answered", "dropped", done))


@case(render.answered, "not yet")
def answered_not_yet() -> Message:
    wait = replace(ASKED, next_ask_at=later(days=3, hours=-6), answered_at=ago(hours=1))
    return render.answered(Answer("answered", "not_yet", wait))


@case(render.already, "kept")
def already_kept() -> Message:
    return render.already(Answer("already", "kept", replace(ASKED, status="kept")))


@case(render.already, "not yet")
def already_not_yet() -> Message:
    wait = replace(ASKED, next_ask_at=later(days=3, hours=-6))
    return render.already(Answer("already", "not_yet", wait))


@case(render.only_author)
def only_author() -> Message:
    return render.only_author(Answer("not_author", "kept", ASKED))


@case(render.missing)
def missing() -> Message:
    return render.missing()
