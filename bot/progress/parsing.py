"""Parsing `/nudge progress [7d|30d|90d] [chart]`. Pure; bad input raises UserError."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserError
from bot.text import clip_word

PROGRESS_USAGE = "/nudge progress [7d|30d|90d]"


PROGRESS_CHART_USAGE = f"{PROGRESS_USAGE}`, and with a chart: `/nudge progress 30d chart"


PERIODS = {"7d": 7, "30d": 30, "90d": 90}


@dataclass(frozen=True)
class ProgressRequest:
    """`/nudge progress [7d|30d|90d] [chart]`."""

    days: int
    chart: bool


def parse_progress(rest: str) -> ProgressRequest:
    """A period (default 7d) and the word `chart`, in any order. Saying one twice is
    harmless; two different periods, or any other word, are refused."""
    words = rest.split()
    periods = {PERIODS[w.lower()] for w in words if w.lower() in PERIODS}
    unknown = [w for w in words if w.lower() not in PERIODS and w.lower() != "chart"]
    if unknown:
        raise UserError(
            f"*{clip_word(rest if len(words) == 1 else unknown[0])}* isn't a period I know. "
            "Use 7d, 30d or 90d, and add `chart` for a picture.",
            PROGRESS_CHART_USAGE,
        )
    if len(periods) > 1:
        raise UserError(
            f"*{clip_word(rest)}* isn't a period I know. Give just one of 7d, 30d or 90d.",
            PROGRESS_CHART_USAGE,
        )
    chart = any(w.lower() == "chart" for w in words)
    return ProgressRequest(days=periods.pop() if periods else 7, chart=chart)
