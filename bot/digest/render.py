"""Block Kit for the weekly digest and for /nudge digest and /nudge milestones replies.

A digest stays inside Slack's limits however big the week: at most 50 blocks and 3,000
characters a section. What doesn't fit is summarised with counts, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from bot import catalogue
from bot.blocks import SECTION_LIMIT, Message, context, local_time, message, plural, section
from bot.digest.milestones import headline
from bot.digest.service import Digest, DigestSchedule, Hero, Promise, Shared
from bot.text import clip, defuse

MAX_BLOCKS = 50
MAX_HERO_SECTIONS = 20  # each hero gets a section; the rest are counted in one line
LINE_LIMIT = 280  # one quoted reason, win, hope or commitment
TITLE = "Weekly recognition digest"
MODE_WORDS = {
    "now": "celebrated at once, in the message that reaches them",
    "digest": "celebrated in the channel's weekly digest",
    "off": "not celebrated (they are still recorded)",
}


def _line(text: str) -> str:
    """User text on one line, cut short, without broadcast pings."""
    return clip(defuse(" ".join(text.split())), LINE_LIMIT)


def _who(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "someone"


def fit(head: str, lines: Sequence[str], more: Callable[[int], str]) -> str:
    """`head` and as many `lines` as fit in one section; the rest summarised by `more(n)`."""
    text, shown = head, 0
    for line in lines:
        reserve = len(more(len(lines))) + 2 if shown < len(lines) - 1 else 0
        if len(text) + 1 + len(line) + reserve > SECTION_LIMIT:
            break
        text += "\n" + line
        shown += 1
    if shown < len(lines):
        text += "\n" + more(len(lines) - shown)
    return text


def _dates(d: Digest) -> str:
    zone = ZoneInfo(d.zone)
    start, end = d.start.astimezone(zone), d.end.astimezone(zone)
    return f"{start:%a %d %b} – {end:%a %d %b %Y}"


def _hero(hero: Hero) -> str:
    lines = [
        f"• {_who(k.giver_id)}: {_line(k.reason)}"
        + ("" if k.practice == "heart" else f" {catalogue.practice(k.practice).emoji}")
        for k in hero.kudos
    ]
    head = f"*<@{hero.user_id}>*: {plural(len(hero.kudos), 'kudos', 'kudos')}"
    return fit(head, lines, lambda n: f"_…and {n} more for <@{hero.user_id}>_")


def _heroes(d: Digest) -> list[Block]:
    people = plural(len(d.heroes), "person", "people")
    blocks: list[Block] = [
        section(
            f":star2: *This week's heroes*: {plural(d.recognitions, 'recognition')} for {people}"
        )
    ]
    blocks += [section(_hero(h)) for h in d.heroes[:MAX_HERO_SECTIONS]]
    rest = d.heroes[MAX_HERO_SECTIONS:]
    if rest:
        count = sum(len(h.kudos) for h in rest)
        blocks.append(
            context(
                f"…and {plural(count, 'more recognition')} for "
                f"{plural(len(rest), 'more person', 'more people')}. Thank you all!"
            )
        )
    return blocks


def _items(head: str, items: Sequence[Shared], one: str, many: str) -> str:
    lines = [f"• {_who(i.user_id)}: {_line(i.text)}" for i in items]
    return fit(head, lines, lambda n: f"_…and {plural(n, 'more ' + one, 'more ' + many)}_")


def _versus(now: int, before: int) -> str:
    if now > before:
        return f":arrow_up: from {before}"
    if now < before:
        return f":arrow_down: from {before}"
    return "same as the week before"


def _practices(d: Digest) -> str:
    lines = [":bar_chart: *The practices this week*, against the week before"]
    for count in d.progress.counts:
        practice = catalogue.practice(count.practice)
        lines.append(
            f"{practice.emoji} {practice.name}: *{count.current}* "
            f"({_versus(count.current, count.previous)})"
        )
    return "\n".join(lines)


def _promises(head: str, promises: Sequence[Promise], show_due: bool) -> str:
    lines = [
        f"• <@{p.user_id}>: {_line(p.text)}" + (f" (due {p.due_on:%a %d %b})" if show_due else "")
        for p in promises
    ]
    return fit(head, lines, lambda n: f"_…and {plural(n, 'more commitment')}_")


def _vision(d: Digest) -> Block:
    if d.vision is None:
        return section(
            ":seedling: *No vision published yet.* Leaders can share where we're heading "
            "with `/vision set <the vision>`."
        )
    text = clip(defuse(d.vision.text), 1500)
    quoted = "\n".join("> " + line if line else ">" for line in text.splitlines() or [""])
    return section(f":telescope: *Our vision*\n{quoted}")


def _focus(d: Digest, quiet: bool) -> Block:
    practice = catalogue.practice(d.focus)
    lead = "A suggestion for next week" if quiet else "Next week's focus"
    return section(
        f":mag: *{lead}: {practice.emoji} {practice.name}.* {practice.summary} "
        f"Try `/nudge now {practice.key}` to get people talking."
    )


def _milestones(d: Digest) -> Block:
    lines = [headline(m) for m in d.milestones]
    return section(
        fit(
            ":confetti_ball: *Milestones to celebrate*",
            lines,
            lambda n: f"_…and {plural(n, 'more milestone')}_",
        )
    )


def digest(d: Digest) -> Message:
    """The week in the channel, or a short, warm nudge when the week was quiet."""
    blocks: list[Block] = [HeaderBlock(text=TITLE), context(f"<#{d.channel_id}> · {_dates(d)}")]
    if d.quiet:
        blocks += [
            section(
                ":seedling: *A quiet week here.* Nothing was logged in the last seven days, "
                "and that's okay: habits grow from small steps. One thank-you is enough to "
                "start again: `/kudos @someone for <what they did>`, or share a `/win`."
            ),
            _vision(d),
            _focus(d, quiet=True),
        ]
        if d.due:
            blocks.append(section(_promises(":calendar: *Due in the coming week*", d.due, True)))
        return _finish(f"A quiet week in <#{d.channel_id}>: a nudge to start again", blocks)

    if d.milestones:
        blocks.append(_milestones(d))
    if d.heroes:
        blocks += _heroes(d)
    if d.wins:
        blocks.append(section(_items(":trophy: *Wins*", d.wins, "win", "wins")))
    blocks += [DividerBlock(), section(_practices(d))]
    if d.hopes:
        blocks.append(section(_items(":sunrise: *Hopes shared*", d.hopes, "hope", "hopes")))
    if d.fears:
        lines = [f"• {_line(text)}" for text in d.fears]
        blocks.append(
            section(
                fit(
                    ":cloud: *Worries shared* (anonymously)",
                    lines,
                    lambda n: f"_…and {plural(n, 'more worry', 'more worries')}_",
                )
            )
        )
    if d.kept:
        blocks.append(section(_promises(":white_check_mark: *Commitments kept*", d.kept, False)))
    if d.due:
        blocks.append(section(_promises(":calendar: *Due in the coming week*", d.due, True)))
    blocks += [DividerBlock(), _vision(d), _focus(d, quiet=False)]
    blocks.append(
        context(
            "Recognise someone any time with `/kudos`. "
            "`/nudge digest off` stops this digest in this channel."
        )
    )
    summary = (
        f"{TITLE} for <#{d.channel_id}>: {plural(d.recognitions, 'recognition')}, "
        f"{plural(len(d.heroes), 'person', 'people')} recognised, {plural(len(d.wins), 'win')}"
    )
    return _finish(summary, blocks)


def _finish(text: str, blocks: list[Block]) -> Message:
    if len(blocks) > MAX_BLOCKS:  # pragma: no cover - the layout above stays well under
        raise ValueError(f"digest has {len(blocks)} blocks")
    return message(text, blocks)


# -- replies to /nudge digest and /nudge milestones -----------------------------------------


def _state(view: DigestSchedule) -> str:
    if view.paused:
        return f"paused ({view.paused_reason or 'paused'})"
    if view.next_run is not None:
        return f"next one {local_time(view.next_run)}"
    return "no upcoming run"


def digest_on(view: DigestSchedule, user_id: str) -> Message:
    nxt = f" The first one comes {local_time(view.next_run)}." if view.next_run else ""
    text = (
        f":newspaper: <@{user_id}> set up the weekly recognition digest here: "
        f"{view.when.describe()} ({view.when.zone}).{nxt} It names the week's heroes and "
        "why, the wins, and how each practice is doing."
    )
    return message(text, [section(text)])


def digest_off(user_id: str) -> Message:
    text = (
        f":white_check_mark: <@{user_id}> turned off the weekly digest in this channel. "
        "`/nudge digest on <day> HH:MM` brings it back."
    )
    return message(text, [section(text)])


def digest_status(view: DigestSchedule | None) -> Message:
    if view is None:
        text = (
            ":newspaper: This channel has no weekly digest yet. Start one with "
            "`/nudge digest on fri 16:00` (add `tz Europe/Berlin` for another zone), "
            "or see this week's with `/nudge digest now`."
        )
    else:
        by = f" · set up by <@{view.created_by}>" if view.created_by else ""
        text = (
            f":newspaper: The weekly digest comes {view.when.describe()} ({view.when.zone}) · "
            f"{_state(view)}{by}. Change it with `/nudge digest on <day> HH:MM`, stop it with "
            "`/nudge digest off`."
        )
    return message(text, [section(text)])


def milestones_mode(mode: str, changed: bool) -> Message:
    if changed:
        text = f":white_check_mark: Done: milestones are now {MODE_WORDS[mode]}."
    else:
        text = (
            f":trophy: Milestones (a channel's 10th, 50th, 100th ... recognition, someone's "
            f"first recognition, the first pilot) are {MODE_WORDS[mode]}. Admins and leaders "
            "can change this with `/nudge milestones now|digest|off`."
        )
    return message(text, [section(text)])
