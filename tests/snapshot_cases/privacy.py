"""/nudge export and /nudge forget-me."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.blocks import Message
from bot.privacy import render
from bot.privacy.export import Export
from bot.privacy.service import Forgotten
from tests.snapshot_cases import case
from tests.snapshot_cases.world import ANA, NOW, ZONE

EXPORT = Export(
    filename="nudgebot-export-T0TEAM-2026-11-27.csv",
    content="",
    rows=23,
    counts={"vision statement": 1, "guidelines": 1, "kudos": 9, "win": 4, "hope": 2, "fear": 3,
            "pilot": 1, "idea": 1, "commitment": 1},
    created=NOW.astimezone(ZoneInfo(ZONE)),
    zone=ZONE,
)  # fmt: skip
EVERYTHING = Forgotten(
    answers=5,
    kudos_given=3,
    kudos_received=4,
    commitments=2,
    statements=1,
    prompts=2,
    schedules=1,
    milestones=1,
    team_milestones=1,
    mentions=3,
)


@case(render.export_comment, "with the file")
def export_comment() -> str:
    return render.export_comment(EXPORT)


@case(render.export_sent)
def export_sent() -> Message:
    return render.export_sent(EXPORT)


@case(render.export_empty)
def export_empty() -> Message:
    return render.export_empty()


@case(render.forget_confirm, "everything")
def forget_confirm_everything() -> Message:
    return render.forget_confirm(ANA, EVERYTHING)


@case(render.forget_confirm, "one answer")
def forget_confirm_one() -> Message:
    return render.forget_confirm(ANA, Forgotten(answers=1))


@case(render.forget_confirm, "nothing held")
def forget_confirm_nothing() -> Message:
    return render.forget_confirm(ANA, Forgotten())


@case(render.forget_done, "everything")
def forget_done_everything() -> Message:
    return render.forget_done(EVERYTHING)


@case(render.forget_done, "kudos received only")
def forget_done_received() -> Message:
    return render.forget_done(Forgotten(kudos_received=1))


@case(render.forget_done, "nothing left")
def forget_done_nothing() -> Message:
    return render.forget_done(Forgotten())


@case(render.forget_cancelled)
def forget_cancelled() -> Message:
    return render.forget_cancelled()


@case(render.not_your_button)
def not_your_button() -> Message:
    return render.not_your_button(ANA)
