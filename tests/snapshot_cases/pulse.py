"""The practice pulse: the invitation and the reminder, what replaces them, the round's
opening and its result (shown, and under the minimum group), `/nudge pulse` and its
answers, the form, and the pulse on App Home."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.blocks import Message
from bot.home import render as home_render
from bot.home.pulse import PulseLine, PulseSection
from bot.pulse import modals, render
from bot.pulse.modals import Origin
from bot.pulse.parsing import parse_pulse
from bot.pulse.results import PracticeScore, RoundResult
from bot.pulse.rounds import RoundView
from bot.pulse.service import PulseSchedule, PulseStatus
from bot.scheduling import render as scheduling_render
from tests.snapshot_cases import case
from tests.snapshot_cases.home import LEAD_PAGE
from tests.snapshot_cases.world import CHANNEL, LEAD, NOW, TEAM, ZONE, ago, later

ROUND = RoundView(
    id=7,
    team_id=TEAM,
    channel_id=CHANNEL,
    number=3,
    status="open",
    opened_at=NOW,
    remind_at=later(days=4),
    closes_at=later(days=7),
    invited=12,
    answered=4,
    min_group=5,
)
SCORES = (
    PracticeScore("model", 7.25, 6.9),
    PracticeScore("vision", 5.5, 5.5),
    PracticeScore("challenge", 4.15, 4.6),
    PracticeScore("enable", 6.8, None),
    PracticeScore("heart", 8.0, 7.2),
)
SHOWN = RoundResult(
    round_id=6,
    number=2,
    closed_at=ago(days=20),
    invited=12,
    answered=8,
    min_group=5,
    shown=True,
    scores=SCORES,
    focus="challenge",
    comments=("Shorter meetings, more decisions.", "Say <why> we pick what we pick & when."),
)
HIDDEN = RoundResult(6, 2, ago(days=20), 12, 3, 5, False, (), None, ())
WHEN = parse_pulse("on monthly", ZONE).when
assert WHEN is not None
SCHEDULE = PulseSchedule(
    id=3, when=WHEN, created_by=LEAD, paused=False, paused_reason=None, next_run=later(days=10)
)


@case(render.invitation)
def invitation() -> Message:
    return render.invitation(ROUND)


@case(render.reminder)
def reminder() -> Message:
    return render.reminder(ROUND)


@case(render.not_posted)
def not_posted() -> Message:
    return render.not_posted(CHANNEL, 3)


@case(render.thanks)
def thanks() -> Message:
    return render.thanks()


@case(render.thanks, "a leader who kept their own ratings")
def thanks_kept() -> Message:
    return render.thanks(kept=True)


@case(render.not_for_me)
def not_for_me() -> Message:
    return render.not_for_me(CHANNEL)


@case(render.already)
def already() -> Message:
    return render.already()


@case(render.closed)
def closed() -> Message:
    return render.closed()


@case(render.not_invited)
def not_invited() -> Message:
    return render.not_invited()


@case(render.opened, "by a leader")
def opened() -> Message:
    return render.opened(ROUND, LEAD)


@case(render.opened, "on schedule")
def opened_on_schedule() -> Message:
    return render.opened(ROUND, None)


@case(render.result, "shown")
def result_shown() -> Message:
    return render.result(SHOWN)


@case(render.result, "over four rounds")
def result_trend() -> Message:
    trend = (
        PracticeScore("model", 6.5, 6.1, (5.8, 6.1, 6.5)),
        PracticeScore("vision", 5.5, 5.9, (6.2, 6.0, 5.9, 5.5)),
        PracticeScore("heart", 7.0, None),
    )
    return render.result(replace(SHOWN, scores=trend, focus="vision", comments=()))


@case(render.result, "every practice the same")
def result_tied() -> Message:
    same = tuple(PracticeScore(k, 6.0, None) for k in ("model", "vision", "challenge"))
    return render.result(replace(SHOWN, scores=same, focus=None, comments=()))


@case(render.result, "under the minimum group")
def result_hidden() -> Message:
    return render.result(HIDDEN)


MANY = replace(
    SHOWN,
    comments=tuple(
        f"Line {n}: " + "we could write down what we decide, and why, where all can see it. " * 6
        for n in range(1, 61)
    ),
)


@case(render.result, "many lines")
def result_many() -> Message:
    return render.result(MANY)


@case(render.more_lines, "many lines: the rest, for the thread")
def more() -> Message:
    (first,) = render.more_lines(MANY)
    return first


@case(render.no_result)
def no_result() -> Message:
    return render.no_result()


@case(render.turned_on)
def turned_on() -> Message:
    return render.turned_on(SCHEDULE, LEAD)


@case(render.turned_off)
def turned_off() -> Message:
    return render.turned_off(LEAD)


@case(render.joined, "back")
def joined() -> Message:
    return render.joined(True)


@case(render.joined, "in already")
def joined_already() -> Message:
    return render.joined(False)


@case(render.status, "on, a round open, opted out")
def status_open() -> Message:
    return render.status(PulseStatus(SCHEDULE, ROUND, SHOWN, True), CHANNEL)


@case(render.status, "no schedule, a round opened by hand")
def status_by_hand() -> Message:
    return render.status(PulseStatus(None, ROUND, None, False), CHANNEL)


@case(render.status, "off")
def status_off() -> Message:
    return render.status(PulseStatus(None, None, HIDDEN, False), CHANNEL)


@case(render.status, "paused by Slack")
def status_paused() -> Message:
    paused = replace(SCHEDULE, paused=True, paused_reason="is_archived", next_run=None)
    return render.status(PulseStatus(paused, None, None, False), CHANNEL)


@case(modals.answer_view, "a member")
def form() -> dict[str, Any]:
    return modals.answer_view(Origin(7, "DBEN", "1.1"), CHANNEL, 5)


@case(modals.answer_view, "a leader")
def form_leader() -> dict[str, Any]:
    return modals.answer_view(Origin(7, "DLEAD", "1.1", leader=True), CHANNEL, 5)


@case(home_render.home_view, "a leader with the pulse")
def home_with_pulse() -> dict[str, Any]:
    own = {"model": 8.5, "vision": 6.0, "challenge": 6.5, "enable": 7.0, "heart": 8.0}
    pulse = PulseSection((PulseLine(CHANNEL, SHOWN, own),))
    return home_render.home_view(replace(LEAD_PAGE, pulse=pulse))


@case(scheduling_render.schedule_paused, "the practice pulse")
def pulse_paused() -> Message:
    return scheduling_render.schedule_paused(3, CHANNEL, "not_in_channel", WHEN, kind="pulse")
