"""The team measures in words, for `/nudge progress`, the digest and a leader's App Home.

Every number comes with its base ("6 of 14 members") and the period before; a percentage
only when the base is large enough to mean one (`MIN_BASE`), else the plain counts and
"too few for a percentage". Nothing here names a person.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block

from bot import catalogue
from bot.blocks import context, day, plural, sections
from bot.measures.attention import PULSE, Attention
from bot.measures.balance import Rate
from bot.measures.follow import Closed, FollowThrough, Pair
from bot.measures.recognition import CONCENTRATION_MIN_PEOPLE, Spread
from bot.measures.service import TeamMeasures
from bot.measures.window import REACH_DAYS

MIN_BASE = 5  # a share of fewer than this many is shown as counts, never as a percentage
TOO_FEW = "too few for a percentage"

EXPLAINED = (
    "Each number is the team's, never a person's, with what it is out of and the period "
    "before. `/nudge help` links to how each is worked out."
)


def percent(share: float) -> str:
    return f"{round(100 * share)}%"


def of(done: int, base: int, noun: str, plural_noun: str | None = None) -> str:
    """`6 of 14 members (43%)`, or `2 of 3 members (too few for a percentage)`."""
    what = noun if base == 1 else (plural_noun or noun + "s")
    head = f"{done:,} of {base:,} {what}"
    if base >= MIN_BASE:
        return f"{head} ({percent(done / base)})"
    return f"{head} ({TOO_FEW})"


def was(done: int, base: int, when: str) -> str:
    """The period before: `was 29% the week before`, `was 1 of 2 ...`, or nothing to say."""
    if not base:
        return f"none {when}"
    if base >= MIN_BASE:
        return f"was {percent(done / base)} {when}"
    return f"was {done:,} of {base:,} {when}"


def before(days: int) -> str:
    return "the week before" if days == 7 else f"the {days} days before"


def ago(days: int) -> str:
    return "a week earlier" if days == 7 else f"{days} days earlier"


def reach_line(m: TeamMeasures) -> str:
    r, days = m.reach, m.window.days
    givers = (
        f"{plural(r.givers, 'person', 'people')} gave kudos (was {r.previous_givers:,} {ago(days)})"
    )
    if r.members is None:
        return (
            f":raised_hands: *Recognition reach*: {plural(r.recognised, 'person', 'people')} "
            f"recognised in the last {REACH_DAYS} days (was {r.previous_recognised:,} "
            f"{ago(days)}) · {givers}"
        )
    if not r.members:
        return f":raised_hands: *Recognition reach*: no members of this channel known · {givers}"
    return (
        f":raised_hands: *Recognition reach*: {of(r.reached, r.members, 'member')} "
        f"recognised in the last {REACH_DAYS} days, "
        f"{was(r.previous_reached, r.members, ago(days))} · {givers}"
    )


def _spread(s: Spread) -> str:
    assert s.share is not None
    fifth = plural(s.top_people, "person", "people")
    return f"the most recognised fifth ({fifth} of {s.people:,}) got {percent(s.share)}"


def concentration_line(m: TeamMeasures) -> str:
    now, then = m.concentration.current, m.concentration.previous
    head = ":scales: *Concentration*: "
    if not now.total:
        return head + "no recognitions in these days"
    if not now.enough:
        return head + (
            f"{plural(now.people, 'person', 'people')} recognised, too few to say how evenly "
            f"(it takes {CONCENTRATION_MIN_PEOPLE})"
        )
    line = head + f"{_spread(now)} of {plural(now.total, 'recognition')}"
    if then.enough and then.share is not None:
        line += f", was {percent(then.share)} {before(m.window.days)}"
    if now.high:
        line += (
            "\n:warning: A few people are getting most of the thanks. Who else did something "
            "worth naming?"
        )
    return line


def follow_line(m: TeamMeasures) -> str:
    ft: Pair[FollowThrough] = m.follow_through
    head = ":handshake: *Follow-through*: "
    now, then = ft.current, ft.previous
    when = before(m.window.days)
    if not now.base:
        line = head + "no commitments came due in these days"
        return line + (f" ({was(then.kept, then.base, when)})" if then.base else "")
    line = head + f"{of(now.kept, now.base, 'commitment')} due were kept, "
    line += was(then.kept, then.base, when)
    if now.dropped or now.overdue:
        line += f" ({now.dropped:,} dropped, {now.overdue:,} overdue)"
    late = now.median_late
    if late is not None:
        days = "day" if late == 1 else "days"
        line += " · on time (median)" if late == 0 else f" · median {late:g} {days} late"
    return line


def _closed(head: str, pair: Pair[Closed], noun: str, nouns: str, days: int) -> str:
    now, then = pair.current, pair.previous
    if not now.total:
        line = f"{head}no {nouns} old enough to tell"
        return line + (f" ({was(then.done, then.total, before(days))})" if then.total else "")
    earlier = was(then.done, then.total, before(days))
    return f"{head}{of(now.done, now.total, noun, nouns)}, {earlier}"


def experiments_line(m: TeamMeasures) -> str:
    return _closed(
        ":test_tube: *Experiments closed* (a learning within 30 days): ",
        m.experiments,
        "pilot",
        "pilots",
        m.window.days,
    )


def voice_line(m: TeamMeasures) -> str:
    return _closed(
        ":speech_balloon: *Voice answered* (a reply from someone else within 7 days): ",
        m.voice,
        "idea or hope",
        "ideas and hopes",
        m.window.days,
    )


def _rate(rate: Rate) -> str:
    name = catalogue.practice(rate.practice).name
    if rate.per_prompt is None:
        return f"{name}: no prompt posted"
    return f"{name}: {rate.per_prompt:.1f} ({rate.answers:,} to {plural(rate.prompts, 'prompt')})"


def balance_line(m: TeamMeasures) -> str:
    rates = " · ".join(_rate(r) for r in m.balance.current)
    broad = m.broad
    return (
        f":balance_scale: *Answers per prompt*: {rates}\n"
        f":rainbow: *Breadth*: {plural(broad.people, 'person', 'people')} did something for "
        f"three or more practices in 90 days (was {broad.previous:,} {ago(m.window.days)})"
    )


def values_line(m: TeamMeasures) -> str | None:
    named = [v for v in m.values if v.current or v.previous]
    if not any(v.current for v in named):
        return None
    shown = [f"{v.value} {v.current:,} (was {v.previous:,})" for v in named[:6]]
    return ":gem: *Values named*: " + " · ".join(shown)


def all_lines(m: TeamMeasures) -> list[str]:
    """Every measure, for `/nudge progress` and a leader's App Home."""
    lines = [
        reach_line(m),
        concentration_line(m),
        follow_line(m),
        experiments_line(m),
        voice_line(m),
        balance_line(m),
    ]
    values = values_line(m)
    return lines + ([values] if values else [])


def brief_lines(m: TeamMeasures) -> list[str]:
    """The digest's few: reach, follow-through, voice, experiments; concentration only when
    it is high; values when named."""
    lines = [reach_line(m), follow_line(m), voice_line(m), experiments_line(m)]
    if m.concentration.current.high:
        lines.insert(1, concentration_line(m))
    values = values_line(m)
    return lines + ([values] if values else [])


def blocks(lines: list[str], head: str) -> list[Block]:
    """A heading and the measures' lines, then what they are."""
    return [*sections([head, *lines], per_section=4), context(EXPLAINED)]


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
