"""The team measures in words, for `/nudge progress`, the digest and a leader's App Home.

Every number comes with its base ("6 of 14 members") and the period before; a percentage
only when the base is large enough to mean one (`MIN_BASE`), else the plain counts and
"too few for a percentage". Nothing here names a person.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot import catalogue
from bot.blocks import context, plural, sections
from bot.measures.balance import Rate
from bot.measures.follow import Closed, FollowThrough, Pair
from bot.measures.recognition import CONCENTRATION_MIN_PEOPLE, Spread
from bot.measures.service import TeamMeasures
from bot.measures.window import REACH_DAYS

MIN_BASE = 5  # a share of fewer than this many is shown as counts, never as a percentage
TOO_FEW = "too few for a percentage"

EXPLAINED = (
    "Each number is the team's, never a person's, shown with what it is out of and the "
    "period before. A percentage needs at least 5 to be out of."
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
        return f"none to count {when}"
    if base >= MIN_BASE:
        return f"was {percent(done / base)} {when}"
    return f"was {done:,} of {base:,} {when}"


def before(days: int) -> str:
    return "the week before" if days == 7 else f"the {days} days before"


def ago(days: int) -> str:
    return "a week earlier" if days == 7 else f"{days} days earlier"


def earlier(days: int, what: int | str) -> str:
    """`(a week earlier: 29%)`: a trailing window's value as it was where the period began."""
    shown = f"{what:,}" if isinstance(what, int) else what
    return f"({ago(days)}: {shown})"


def _earlier(m: TeamMeasures, what: int | str) -> str:
    """` (a week earlier: 29%)`, or nothing when there is no history to compare with."""
    return f" {earlier(m.window.days, what)}" if m.compare else ""


def _was(m: TeamMeasures, done: int, base: int) -> str:
    """`, was 60% the week before`, or nothing when there is no history to compare with."""
    return f", {was(done, base, before(m.window.days))}" if m.compare else ""


def reach_line(m: TeamMeasures) -> str:
    r = m.reach
    givers = f"{plural(r.givers, 'person', 'people')} gave kudos{_earlier(m, r.previous_givers)}"
    if r.members is None:
        return (
            f":raised_hands: *Recognition reach*: {plural(r.recognised, 'person', 'people')} "
            f"recognised in the last {REACH_DAYS} days{_earlier(m, r.previous_recognised)}"
            f" · {givers}"
        )
    if not r.members:
        return f":raised_hands: *Recognition reach*: no members of this channel known · {givers}"
    before_share = (
        percent(r.previous_reached / r.members)
        if r.members >= MIN_BASE
        else f"{r.previous_reached:,} of {r.members:,}"
    )
    return (
        f":raised_hands: *Recognition reach*: {of(r.reached, r.members, 'member')} "
        f"recognised in the last {REACH_DAYS} days{_earlier(m, before_share)} · {givers}"
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
    if m.compare and then.enough and then.share is not None:
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
    if not now.base:
        line = head + "no commitments came due in these days"
        if m.compare and then.base:
            line += f" ({was(then.kept, then.base, before(m.window.days))})"
        return line
    line = head + f"kept {of(now.kept, now.base, 'commitment')} that came due"
    line += _was(m, then.kept, then.base)
    if now.dropped or now.overdue:
        line += f" ({now.dropped:,} dropped, {now.overdue:,} overdue)"
    late = now.median_late
    if late is not None:
        days = "day" if late == 1 else "days"
        line += " · on time (median)" if late == 0 else f" · median {late:g} {days} late"
    return line


def _closed(m: TeamMeasures, head: str, pair: Pair[Closed], noun: str, nouns: str) -> str:
    now, then = pair.current, pair.previous
    if not now.total:
        line = f"{head}no {nouns} old enough to tell"
        if m.compare and then.total:
            line += f" ({was(then.done, then.total, before(m.window.days))})"
        return line
    return f"{head}{of(now.done, now.total, noun, nouns)}{_was(m, then.done, then.total)}"


def experiments_line(m: TeamMeasures) -> str:
    head = ":test_tube: *Experiments closed* (a learning within 30 days): "
    return _closed(m, head, m.experiments, "pilot", "pilots")


def voice_line(m: TeamMeasures) -> str:
    head = ":speech_balloon: *Voice answered* (a reply from someone else within 7 days): "
    return _closed(m, head, m.voice, "idea or hope", "ideas and hopes")


def _rate(rate: Rate) -> str:
    name = catalogue.practice(rate.practice).name
    if rate.per_prompt is None:
        return f"{name}: no prompt posted"
    return f"{name}: {rate.per_prompt:.1f} ({rate.answers:,} to {plural(rate.prompts, 'prompt')})"


def balance_line(m: TeamMeasures) -> str:
    rates = " · ".join(_rate(r) for r in m.balance.current)
    if not any(r.prompts for r in m.balance.current):
        rates = f"no prompt posted in these {m.window.days} days (`/nudge now` posts one)"
    broad = m.broad
    return (
        f":balance_scale: *Answers per prompt*: {rates}\n"
        f":rainbow: *Breadth*: {plural(broad.people, 'person', 'people')} did something for "
        f"three or more practices in 90 days{_earlier(m, broad.previous)}"
    )


def values_line(m: TeamMeasures) -> str | None:
    named = [v for v in m.values if v.current or v.previous]
    if not any(v.current for v in named):
        return None
    shown = [
        f"{v.value} {v.current:,}" + (f" (was {v.previous:,})" if m.compare else "")
        for v in named[:6]
        if v.current or m.compare
    ]
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


def _short(done: int, base: int) -> str:
    """`3 of 5 (60%)`, or `2 of 3` when the base is too small for a percentage."""
    return f"{done:,} of {base:,}" + (f" ({percent(done / base)})" if base >= MIN_BASE else "")


def _then(m: TeamMeasures, done: int, base: int, when: str = "week before") -> str:
    """` (week before: 60%)` or ` (… 2 of 3)`, or nothing without history to compare."""
    if not m.compare:
        return ""
    if not base:
        return f" ({when}: none)"
    return f" ({when}: {percent(done / base) if base >= MIN_BASE else f'{done:,} of {base:,}'})"


def brief_lines(m: TeamMeasures) -> list[str]:
    """The digest's few words, one line a measure with its value the week before: reach
    (its 30 days said as such), commitments kept, ideas and hopes answered, pilots closed
    (each only when there is something to count), a warning when thanks go to a few, and
    the values named."""
    r, ft, voice, tried = m.reach, m.follow_through, m.voice, m.experiments
    lines = []
    if r.members:
        then = _then(m, r.previous_reached, r.members, ago(m.window.days))
        lines.append(
            f"{_short(r.reached, r.members)} members recognised in the last {REACH_DAYS} days{then}"
        )
    elif r.recognised:
        then = _earlier(m, r.previous_recognised)
        lines.append(f"{r.recognised:,} recognised in the last {REACH_DAYS} days{then}")
    if ft.current.base:
        lines.append(
            f"{_short(ft.current.kept, ft.current.base)} commitments due kept"
            f"{_then(m, ft.previous.kept, ft.previous.base)}"
        )
    if voice.current.total:
        lines.append(
            f"{_short(voice.current.done, voice.current.total)} ideas and hopes answered"
            f"{_then(m, voice.previous.done, voice.previous.total)}"
        )
    if tried.current.total:
        lines.append(
            f"{_short(tried.current.done, tried.current.total)} pilots closed with a learning"
            f"{_then(m, tried.previous.done, tried.previous.total)}"
        )
    if m.concentration.current.high:
        lines.append(
            ":warning: Most of the thanks went to a few. Who else did something worth naming?"
        )
    values = values_line(m)
    return lines + ([values] if values else [])


def blocks(lines: list[str], head: str) -> list[Block]:
    """A heading and the measures' lines, then what they are."""
    return [*sections([head, *lines], per_section=4), context(EXPLAINED)]
