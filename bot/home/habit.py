"""The person's habit on their App Home, seen only by them: the habit, its last eight weeks
(done, away, not today), the practices they touched in 90 days; or an invitation to start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.models.blocks import ActionsBlock, Block
from sqlalchemy.orm import Session

from bot import catalogue
from bot.blocks import context, section
from bot.habits import practised, render, service
from bot.habits.service import LogDay, Nudge
from bot.habits.when import local_day
from bot.text import clip


@dataclass(frozen=True)
class HabitSection:
    nudge: Nudge | None
    log: tuple[LogDay, ...]
    touched: tuple[str, ...]  # practice keys with something done in 90 days, catalogue order
    now: datetime
    zone: str


def gather(
    session: Session, *, team_id: str, user_id: str, now: datetime, zone: str
) -> HabitSection:
    nudge = service.get(session, team_id=team_id, user_id=user_id)
    log: list[LogDay] = []
    if nudge is not None:
        zone = nudge.zone
        since = local_day(now, zone) - timedelta(weeks=service.LOG_WEEKS)
        log = service.log(session, nudge_id=nudge.id, since=since)
    done = practised.counts(session, team_id=team_id, user_id=user_id, now=now)
    touched = tuple(key for key in catalogue.PRACTICE_KEYS if done.get(key))
    return HabitSection(nudge, tuple(log), touched, now, zone)


def blocks(habit: HabitSection) -> list[Block]:
    """The section: the habit and its log, or an invitation to pick one."""
    touched = _touched(habit.touched)
    if habit.nudge is None:
        return [
            section(
                ":seedling: *A habit of your own*\nPick one tiny action tied to a practice "
                "and a moment in your routine; I'll remind you privately on the days you "
                "choose. Only you see it."
            ),
            ActionsBlock(block_id="home_habit", elements=[render.setup_button()]),
            context(touched),
        ]
    nudge = habit.nudge
    lines = [
        f":seedling: *Your habit*\n>{clip(render.intention(nudge), 600)}",
        render.state_line(nudge),
    ]
    grid = render.log_grid(list(habit.log), local_day(habit.now, nudge.zone))
    found: list[Block] = [section("\n".join(lines))]
    if grid:
        found.append(section(grid))
    found += [
        ActionsBlock(
            block_id="home_habit",
            elements=[render.setup_button("Change my habit", value=nudge.channel_id or "")],
        ),
        context(touched + " Only you see this section."),
    ]
    return found


def _touched(keys: tuple[str, ...]) -> str:
    if not keys:
        return "In the last 90 days you haven't logged anything under a practice yet."
    names = ", ".join(catalogue.practice(k).name for k in keys)
    return f"In the last 90 days you practised {len(keys)} of 5: {names}."
