"""The team's values: shown, missing, published."""

from __future__ import annotations

from dataclasses import replace

from bot.blocks import Message
from bot.values import render
from bot.values.service import TeamValues
from tests.snapshot_cases import case
from tests.snapshot_cases.world import LEAD, NOW, ZONE, ago

VALUES = TeamValues(
    names=("Ownership", "Curiosity", "Say it straight", "R&amp;D in the open"),
    author_id=LEAD,
    created_at=ago(days=3),
    version=2,
)


@case(render.values, "shown")
def shown() -> Message:
    return render.values(VALUES, ZONE, NOW)


@case(render.values, "none yet")
def none_yet() -> Message:
    return render.values(None, ZONE, NOW)


@case(render.values, "author forgotten")
def forgotten() -> Message:
    return render.values(replace(VALUES, author_id=None), ZONE, NOW)


@case(render.published, "first version")
def published() -> Message:
    return render.published(replace(VALUES, names=("Own it", "Curiosity"), version=1))
