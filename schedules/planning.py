"""What claimed occurrences say, chosen for a batch in one read transaction (on the
poster's planner threads, schedules/posting.py): prompts together (schedules/prompt_job.py),
other kinds one by one through their poster's plan."""

from __future__ import annotations

import logging
from typing import Any

from models.db import reads_for
from schedules.context import JobContext
from schedules.posters import POSTERS
from schedules.prompt_job import plan_prompts
from schedules.queue import Job

log = logging.getLogger(__name__)


def choose(
    ctx: JobContext, jobs: list[Job]
) -> tuple[list[tuple[Job, Any]], list[tuple[Job, Exception]]]:
    """(job, plan) of each job whose choice worked, and (job, error) of each that failed
    (every job, with the database's error, when the transaction itself failed)."""
    planned: list[tuple[Job, Any]] = []
    failed: list[tuple[Job, Exception]] = []
    session = reads_for(ctx.sessions)()
    try:
        batch = [job for job in jobs if job.claimed.kind == "prompt"]
        if batch:
            plans = plan_prompts(ctx, session, [job.claimed for job in batch])
            for job, plan in zip(batch, plans, strict=True):
                if isinstance(plan, Exception):
                    failed.append((job, plan))
                else:
                    planned.append((job, plan))
        for job in jobs:
            if job.claimed.kind == "prompt":
                continue
            try:
                poster = POSTERS[job.claimed.kind]
                planned.append((job, poster.plan(ctx, session, job.claimed)))
            except Exception as err:
                log.exception("choosing what schedule %s posts failed", job.claimed.schedule_id)
                failed.append((job, err))
        session.commit()
    except Exception as broken:
        log.exception("choosing what %d scheduled posts say failed", len(jobs))
        return [], [(job, broken) for job in jobs]
    finally:
        session.close()
    return planned, failed
