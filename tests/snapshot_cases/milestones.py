"""Milestones reached, for the messages that celebrate them (not a feature of its own)."""

from __future__ import annotations

from bot.digest.milestones import FIRST_PILOT, FIRST_RECOGNITION, RECOGNITIONS, Reached
from tests.snapshot_cases.world import BEN, CHANNEL, DEV, EVA, ago


def reached(kind: str, key: str, user: str | None, n: int = 1, now: bool = True) -> Reached:
    return Reached(
        id=n,
        kind=kind,
        key=key,
        channel_id=CHANNEL,
        user_id=user,
        reached_at=ago(days=n),
        shown_now=now,
    )


TENTH = reached(RECOGNITIONS, "10", None, 1)
FIRST_FOR_DEV = reached(FIRST_RECOGNITION, DEV, DEV, 2)
FIRST_FOR_EVA = reached(FIRST_RECOGNITION, EVA, EVA, 3)
FIRST_PILOT_BEN = reached(FIRST_PILOT, "1", BEN, 4)
