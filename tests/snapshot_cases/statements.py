"""The vision and the guidelines: shown, missing, published."""

from __future__ import annotations

from dataclasses import replace

from bot.blocks import Message
from bot.statements import render
from bot.statements.service import Current
from tests.snapshot_cases import case
from tests.snapshot_cases.world import LEAD, NOW, ZONE, ago

VISION = Current(
    text="A calm team that ships every week & learns out loud.\n\nWe say what we'll do, "
    "and we do it.",
    author_id=LEAD,
    created_at=ago(days=12),
    version=2,
)
GUIDELINES = Current(
    text="Ask in #help any time. Disagree in the open, decide together, then commit.",
    author_id=LEAD,
    created_at=ago(days=400),
    version=1,
)
CAN_SET = "Admins and the team's leaders can publish one with `/vision set <the vision>`."


@case(render.statement, "vision")
def vision() -> Message:
    return render.statement("vision", VISION, CAN_SET, ZONE, NOW)


@case(render.statement, "guidelines from last year")
def guidelines() -> Message:
    return render.statement("guidelines", GUIDELINES, CAN_SET, ZONE, NOW)


@case(render.statement, "author forgotten")
def forgotten() -> Message:
    return render.statement("vision", replace(VISION, author_id=None), CAN_SET, ZONE, NOW)


@case(render.statement, "none yet")
def none_yet() -> Message:
    return render.statement("vision", None, CAN_SET, ZONE, NOW)


@case(render.statement_published, "vision")
def published_vision() -> Message:
    return render.statement_published("vision", VISION)


@case(render.statement_published, "guidelines")
def published_guidelines() -> Message:
    return render.statement_published("guidelines", GUIDELINES)
