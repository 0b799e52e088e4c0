"""Why a practice "needs attention", in words: read from the latest pulse shown, or from
answers per prompt (bot.measures.attention), for `/nudge progress` and the digest."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot import catalogue
from bot.blocks import day, plural
from bot.measures.attention import PULSE, Attention


def _names(keys: list[str]) -> str:
    names = [catalogue.practice(k).name for k in keys]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _tie(attention: Attention, zone: str, today: date | None) -> str:
    """Why the focus comes first among practices as much in need, or nothing."""
    others = [k for k in attention.tied if k != attention.focus]
    if not others:
        return ""
    never = all(at is None for at in attention.tied_last)
    if never and len(attention.tied) == len(catalogue.PRACTICE_KEYS):
        return ""  # nothing ever here: the first of the five needs no explaining
    name = catalogue.practice(attention.focus).name
    head = f" Tied with {_names(others)}"
    if never:
        return (
            f"{head}: nothing has been done or prompted for any of them here yet, so I go "
            "in the order of the five practices."
        )
    focus_last = attention.tied_last[0] if attention.tied_last else None
    if focus_last is None:
        return f"{head}; nothing has ever been done or prompted for {name} here."
    when = day(focus_last.astimezone(ZoneInfo(zone)).date(), today)
    return f"{head}; {name} has gone longest without anything done or prompted (last on {when})."


def basis(attention: Attention, days: int, zone: str, today: date | None = None) -> str:
    """What "needs attention" was read from, in a sentence."""
    name = catalogue.practice(attention.focus).name
    if attention.basis == PULSE:
        when = ""
        if attention.pulse_at is not None:
            when = f" of {day(attention.pulse_at.astimezone(ZoneInfo(zone)).date(), today)}"
        score = "" if attention.pulse_average is None else f" ({attention.pulse_average:.1f} of 10)"
        return f"From the pulse{when}: the team rated {name} lowest{score}."
    rate = attention.balance.rate(attention.focus)
    tie = _tie(attention, zone, today)
    if rate.per_prompt is None:
        return (
            f"From answers per prompt over these {days} days: no {name} prompt was posted, so "
            f"nobody was asked.{tie}"
        )
    return (
        f"From answers per prompt over these {days} days: {name} had the fewest, "
        f"{rate.per_prompt:.1f} per prompt ({rate.answers:,} to "
        f"{plural(rate.prompts, 'prompt')}).{tie}"
    )


def basis_short(attention: Attention, zone: str, today: date | None = None) -> str:
    """What "needs attention" was read from, in a few words (the digest's)."""
    if attention.basis == PULSE:
        if attention.pulse_at is None:
            return "the team rated it lowest in the pulse"
        when = day(attention.pulse_at.astimezone(ZoneInfo(zone)).date(), today)
        return f"the team rated it lowest in the pulse of {when}"
    if attention.balance.rate(attention.focus).per_prompt is None:
        return "nobody was prompted about it this week"
    return "it had the fewest answers per prompt this week"
