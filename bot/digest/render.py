"""Block Kit for the weekly digest: a week a busy person reads in under a minute.

One line per thing, at most a few lines per section (`…and 4 more` says what is not shown),
the days covered in the heading, no tallies of people. Replies to `/nudge digest` and
`/nudge milestones`, and the private preview, are in bot.digest.replies.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from bot import catalogue
from bot.blocks import Message, context, day, days, message, plural, section
from bot.digest.milestones import headlines
from bot.digest.week import Digest, Item, Kudo, Promise
from bot.measures import lines as measure_lines
from bot.measures import why
from bot.progress.parts import describe
from bot.text import clip, defuse

MAX_BLOCKS = 50
KUDOS_LINES = 5  # kudos shown; the rest are counted in "…and N more"
LINES = 3  # lines shown in every other section
LINE_LIMIT = 160  # one reason, win, idea, hope or commitment
NAMES = 6  # people named in one kudos line; the rest are counted
VISION_LIMIT = 300
TITLE = "Weekly digest"

IDEA_WORDS = {
    "idea": "Idea",
    "pilot": "Pilot",
    "learning": "Learning",
    "goal": "Goal",
    "vision": "Picture of the future",
}

# Next week's focus: one small thing a person can do themselves, per practice.
STEPS = {
    "model": "Make one small promise and keep it: `/nudge commit [what you'll do] by fri`",
    "vision": "Say where you hope we're heading: `/nudge hope [your hope]`",
    "challenge": "Suggest one small experiment: `/nudge pilot [what to try]`",
    "enable": "Pass on something you learned: `/nudge learning [what you learned]`",
    "heart": "Thank someone by name: `/kudos @someone for [what they did]`",
}


def _line(text: str) -> str:
    """Text someone wrote, on one line, cut short, without broadcast pings."""
    return clip(defuse(" ".join(text.split())), LINE_LIMIT)


def _who(user_id: str | None, nobody: str = "someone") -> str:
    return f"<@{user_id}>" if user_id else nobody


def _names(user_ids: Sequence[str | None]) -> str:
    names = [_who(u) for u in user_ids[:NAMES]]
    if len(user_ids) > NAMES:
        names.append(f"{len(user_ids) - NAMES:,} more")
    return ", ".join(names)


def few(head: str, lines: Sequence[str], most: int = LINES) -> Block:
    """A section: its heading, at most `most` lines, and how many more there are."""
    shown = [head, *lines[:most]]
    if len(lines) > most:
        shown.append(f"_…and {len(lines) - most:,} more_")
    return section("\n".join(shown))


def span(d: Digest) -> str:
    """The days covered: `23–29 Nov`, or one day: `Thu 26 Nov`."""
    if d.first_day == d.last_day:
        return day(d.first_day, d.today)
    return days(d.first_day, d.last_day, d.today)


def _kudo(k: Kudo) -> str:
    return f"• {_who(k.giver_id, 'Someone')} → {_names(k.receivers)}: {_line(k.reason)}"


def _idea(i: Item) -> str:
    return f"• {IDEA_WORDS.get(i.kind, i.kind.title())} from {_who(i.user_id)}: {_line(i.text)}"


def _hope(i: Item) -> str:
    if i.kind == "fear":
        return f"• Worry: {_line(i.text)}"
    return f"• Hope from {_who(i.user_id)}: {_line(i.text)}"


def _kept(p: Promise) -> str:
    return f"• <@{p.user_id}> kept: {_line(p.text)}"


def _due(p: Promise, d: Digest) -> str:
    return f"• <@{p.user_id}>, due {day(p.due_on, d.today)}: {_line(p.text)}"


def _practices(d: Digest) -> Block | None:
    if d.progress is None:
        return None
    compare = d.progress.history == "full"
    lines = []
    for count in d.progress.counts:
        if not count.current and not (compare and count.previous):
            continue
        practice = catalogue.practice(count.practice)
        made_of = describe(count.parts) or "nothing this week"
        before = f" (the week before: {count.previous:,})" if compare else ""
        lines.append(f"{practice.emoji} {practice.name}: {made_of}{before}")
    if not lines:
        return None
    head = ":bar_chart: *By practice*"
    if not compare:
        head += " _(too little history yet to compare with the week before)_"
    return section("\n".join([head, *lines]))


def _vision(d: Digest) -> Block:
    if d.vision is None:
        return section(
            ":seedling: *No vision yet.* Admins and the team's leaders can publish where "
            "we're heading with `/vision set [the vision]`."
        )
    text = clip(defuse(" ".join(d.vision.text.split())), VISION_LIMIT)
    new = " (new this week)" if d.new_vision else ""
    return section(f":telescope: *Our vision*{new}\n> {text}")


def _measures(d: Digest) -> Block | None:
    """The team's measures in a few lines: how far thanks reached, promises kept, voices
    answered, experiments closed (never a person's tally)."""
    if d.measures is None or d.quiet:
        return None
    found = measure_lines.brief_lines(d.measures)
    if not found:
        return None
    return section("\n".join([":straight_ruler: *This week's measures*", *found]))


def _focus(d: Digest) -> Block | None:
    if d.focus is None:
        return None
    practice = catalogue.practice(d.focus)
    attention = d.progress.attention if d.progress else None
    because = "" if attention is None else f" _({why.basis_short(attention, d.zone, d.today)})_"
    return section(
        f":mag: *Next week, try a little {practice.name}.*{because} {STEPS[practice.key]}."
    )


def _summary(d: Digest) -> str:
    lead = f"New since the last digest, {span(d)}" if d.since else f"{TITLE}, {span(d)}"
    if d.quiet:
        return f"{lead}: a quiet week"
    found = [
        plural(len(d.kudos), "kudos", "kudos") if d.kudos else "",
        plural(len(d.wins), "win") if d.wins else "",
        plural(len(d.ideas), "idea or experiment", "ideas and experiments") if d.ideas else "",
        plural(len(d.hopes), "hope or worry", "hopes and worries") if d.hopes else "",
        plural(len(d.kept), "commitment kept", "commitments kept") if d.kept else "",
    ]
    return f"{lead}: " + (", ".join(f for f in found if f) or "milestones to celebrate")


def blocks(d: Digest, note: str | None = None) -> list[Block]:
    """The digest's blocks, with `note` (who shared it, how to stop it) at the end."""
    head = f"New since the last digest: {span(d)}" if d.since else f"{TITLE}: {span(d)}"
    out: list[Block] = [HeaderBlock(text=head)]
    if d.quiet:
        out.append(
            section(
                ":seedling: *A quiet week here.* Nothing was shared in these seven days, and "
                "that's okay: one thank-you is enough to start again. "
                "`/kudos @someone for [what they did]`, or share a `/win`."
            )
        )
    if d.milestones:
        out.append(section("\n".join(headlines(d.milestones))))
    if d.kudos:
        out.append(few(":star2: *Kudos*", [_kudo(k) for k in d.kudos], KUDOS_LINES))
    if d.wins:
        wins = [f"• {_who(w.user_id, 'Someone')}: {_line(w.text)}" for w in d.wins]
        out.append(few(":trophy: *Wins*", wins))
    if d.ideas:
        out.append(few(":bulb: *Ideas and experiments*", [_idea(i) for i in d.ideas]))
    if d.hopes:
        head = ":sunrise: *Hopes and worries*"
        if any(i.kind == "fear" for i in d.hopes):
            head += " _(worries come without a name)_"
        out.append(few(head, [_hope(i) for i in d.hopes]))
    promises = [_kept(p) for p in d.kept] + [_due(p, d) for p in d.due]
    if promises:
        out.append(few(":white_check_mark: *Commitments*", promises))
    if not d.since:
        practices = None if d.quiet else _practices(d)
        measures = _measures(d)
        out += [DividerBlock(), *([practices] if practices else [])]
        focus = _focus(d)
        out += [*([measures] if measures else []), _vision(d), *([focus] if focus else [])]
    if note:
        out.append(context(note))
    return out


def digest(d: Digest, note: str | None = None) -> Message:
    """The week in the channel, or a short, warm nudge when the week was quiet."""
    found = blocks(d, note)
    if len(found) > MAX_BLOCKS:  # pragma: no cover - the layout above stays well under
        raise ValueError(f"digest has {len(found)} blocks")
    return message(_summary(d), found)
