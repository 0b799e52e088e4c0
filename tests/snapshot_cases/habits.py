"""A person's tiny habit: the form, the reminder and what replaces it, the habit and its
log as `/nudge me` shows it, pause, resume and off, and a leader's invitation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from slack_sdk.models.blocks import ActionsBlock
from slack_sdk.models.views import View

from bot.blocks import Message, message
from bot.habits import modals, notes, render, suggestions
from bot.habits.modals import Form
from bot.habits.service import LogDay, Nudge, next_at
from tests.snapshot_cases import case
from tests.snapshot_cases.world import ANA, BEN, CHANNEL, LEAD, NOW, TEAM, TODAY, ZONE, later

DAY_ID = 41
_, SUGGESTED = suggestions.options_for("heart")[0]

HABIT = Nudge(
    id=5,
    team_id=TEAM,
    user_id=BEN,
    kind="habit",
    channel_id=CHANNEL,
    practice="heart",
    commitment="recognise",
    action=SUGGESTED,
    cue="after our Monday stand-up",
    days=(0, 1, 2, 3, 4),
    at_minute=8 * 60 + 30,
    zone=ZONE,
    zone_from_slack=True,
    status="active",
    paused_until=None,
    stopped_reason=None,
    next_at=later(days=3, hours=-7.5),  # Mon 30 Nov, 08:30 in Berlin
    done_since_offer=3,
)
OWN_WORDS = replace(
    HABIT,
    practice="challenge",
    commitment="change",
    action="ask <the newest person> what we do that makes no sense & write it down.",
    cue="when I open my laptop in the morning.",
    days=(0, 2, 4),
    at_minute=7 * 60 + 45,
    zone="America/New_York",
    zone_from_slack=False,
    next_at=next_at((0, 2, 4), 7 * 60 + 45, "America/New_York", NOW),
)
PAUSED = replace(
    HABIT, status="paused", paused_until=later(days=14), next_at=later(days=17, hours=-7.5)
)
OFF = replace(HABIT, status="off", next_at=None)
STOPPED = replace(HABIT, status="stopped", stopped_reason="cannot_dm_bot", next_at=None)

# Eight weeks of a habit on weekdays: mostly done, a holiday week away, a few not today,
# and days left unanswered (never shown).
_PATTERN = "ddsdd" "ddd.d" "aaaaa" "d.ddd" "dsd.d" "ddddd" "d.dsd" "dd.dd"  # fmt: skip
_STATUS = {"d": "done", "s": "skipped", "a": "away", ".": "sent"}
_WEEKDAYS = [
    TODAY - timedelta(days=n)
    for n in range(8 * 7, 0, -1)
    if (TODAY - timedelta(days=n)).weekday() < 5
]
LOG = [LogDay(day, _STATUS[mark]) for day, mark in zip(_WEEKDAYS, _PATTERN, strict=True)]


# -- the intention, and the reminder -----------------------------------------------------------


@case(render.intention, "a suggested action after a cue")
def intention() -> str:
    return render.intention(HABIT)


@case(render.intention, "no cue")
def intention_no_cue() -> str:
    return render.intention(replace(HABIT, cue=None))


@case(render.reminder, "a suggested action")
def reminder() -> Message:
    return render.reminder(HABIT, DAY_ID)


@case(render.reminder, "own words, long")
def reminder_long() -> Message:
    action = "ask <the newest person> what we do that makes no sense & write it down, " * 9
    return render.reminder(replace(OWN_WORDS, action=action + "then thank them."), DAY_ID)


# -- what replaces it ----------------------------------------------------------------------------


@case(render.celebrated, "done")
def celebrated() -> Message:
    return render.celebrated(HABIT, DAY_ID, None)


@case(render.celebrated, "done, and the next practice offered")
def celebrated_offer() -> Message:
    return render.celebrated(HABIT, DAY_ID + 1, "challenge")


@case(render.celebrated, "done, and the same practice is still the least logged")
def celebrated_same() -> Message:
    return render.celebrated(HABIT, DAY_ID + 2, "heart")


@case(render.skipped)
def skipped() -> Message:
    return render.skipped()


@case(render.already, "done")
def already_done() -> Message:
    return render.already("done")


@case(render.already, "not today")
def already_skipped() -> Message:
    return render.already("skipped")


@case(render.already, "answered some other way")
def already_other() -> Message:
    return render.already(None)


@case(render.noted, "a line")
def noted() -> Message:
    return render.noted(())


@case(render.noted, "kudos for two")
def noted_kudos() -> Message:
    return render.noted((ANA, LEAD))


@case(render.kept)
def kept() -> Message:
    return render.kept()


@case(render.not_yours)
def not_yours() -> Message:
    return render.not_yours()


@case(render.gone)
def gone() -> Message:
    return render.gone()


# -- setting it up ---------------------------------------------------------------------------------


@case(render.setup_button, "as the invitation shows it")
def setup_button() -> Message:
    return message("", [ActionsBlock(elements=[render.setup_button(value=CHANNEL)])])


@case(render.setup_button, "as Change")
def setup_button_change() -> Message:
    return message("", [ActionsBlock(elements=[render.setup_button("Change")])])


@case(render.invitation)
def invitation() -> Message:
    return render.invitation(LEAD, CHANNEL)


@case(render.saved, "from the suggestions")
def saved() -> Message:
    return render.saved(HABIT)


@case(render.saved, "own words, a zone typed by hand")
def saved_own_words() -> Message:
    return render.saved(OWN_WORDS)


@case(modals.setup_view, "new, on the least practised")
def setup_new() -> View:
    return modals.setup_view(Form(channel_id=CHANNEL, practice="enable", least="enable", zone=ZONE))


@case(modals.setup_view, "changing a habit in own words")
def setup_change() -> View:
    return modals.setup_view(
        Form(
            channel_id=CHANNEL,
            practice="challenge",
            least="vision",
            zone="America/New_York",
            action=OWN_WORDS.action,
            cue=OWN_WORDS.cue,
            days=OWN_WORDS.days,
            at_minute=OWN_WORDS.at_minute,
            zone_from_slack=False,
        )
    )


@case(modals.setup_view, "changing a suggested habit")
def setup_change_suggested() -> View:
    return modals.setup_view(
        Form(
            channel_id="",
            practice="heart",
            least="model",
            zone=ZONE,
            action=HABIT.action,
            cue=HABIT.cue,
            days=(5, 6),
            at_minute=18 * 60,
        )
    )


@case(notes.note_view)
def note_view() -> View:
    return notes.note_view(DAY_ID)


# -- /nudge me -------------------------------------------------------------------------------------


@case(render.status, "no habit yet")
def status_none() -> Message:
    return render.status(None, [], TODAY)


@case(render.status, "eight weeks in")
def status_log() -> Message:
    return render.status(HABIT, LOG, TODAY)


@case(render.status, "new, nothing answered yet")
def status_new() -> Message:
    return render.status(HABIT, [LogDay(TODAY, "sent")], TODAY)


@case(render.status, "paused")
def status_paused() -> Message:
    return render.status(PAUSED, LOG[-10:], TODAY)


@case(render.status, "stopped")
def status_stopped() -> Message:
    return render.status(STOPPED, [], TODAY)


@case(render.state_line, "active")
def state_active() -> str:
    return render.state_line(HABIT)


@case(render.state_line, "paused")
def state_paused() -> str:
    return render.state_line(PAUSED)


@case(render.state_line, "off")
def state_off() -> str:
    return render.state_line(OFF)


@case(render.state_line, "stopped")
def state_stopped() -> str:
    return render.state_line(STOPPED)


@case(render.log_grid, "eight weeks")
def log_grid() -> str:
    return render.log_grid(LOG, TODAY)


@case(render.log_grid, "done only, none away")
def log_grid_done() -> str:
    return render.log_grid([d for d in LOG if d.status == "done"][:3], TODAY)


@case(render.log_grid, "nothing answered")
def log_grid_empty() -> str:
    return render.log_grid([LogDay(TODAY, "sent")], TODAY)


@case(render.paused)
def paused() -> Message:
    return render.paused(PAUSED)


@case(render.resumed)
def resumed() -> Message:
    return render.resumed(HABIT)


@case(render.off)
def off() -> Message:
    return render.off()
