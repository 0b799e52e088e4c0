"""What posts each kind of schedule, by `Schedule.kind`.

A poster has two steps. `plan` runs inside the claiming transaction, so what it chooses (the
prompt, say) is decided once, together with the claim. `post` calls Slack and records the
occurrence as posted. Failures propagate to post_occurrence (schedules/jobs.py), which
records them and pauses the schedule or stops the workspace as Slack's error says.

A new scheduled kind is one module with its plan and post, and one row here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from schedules.context import Claimed, JobContext
from schedules.digest_job import plan_digest, post_digest
from schedules.prompt_job import plan_prompt, post_prompt
from schedules.pulse_job import plan_pulse, post_pulse

P = TypeVar("P")


@dataclass(frozen=True)
class Poster(Generic[P]):
    plan: Callable[[JobContext, Session, Claimed], P]
    post: Callable[[JobContext, Claimed, P], None]


POSTERS: Mapping[str, Poster[Any]] = {
    "prompt": Poster(plan_prompt, post_prompt),
    "digest": Poster(plan_digest, post_digest),
    "pulse": Poster(plan_pulse, post_pulse),
}
