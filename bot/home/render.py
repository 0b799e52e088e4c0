"""Block Kit for App Home: each person's own page. Slack allows 100 blocks on a Home tab."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    DividerBlock,
    HeaderBlock,
)
from slack_sdk.models.views import View

from bot import catalogue
from bot.blocks import context, day, days, defused, local_time, plural, section, sections
from bot.home.habit import blocks as habit_blocks
from bot.home.measures import blocks as measures_blocks
from bot.home.pulse import blocks as pulse_blocks
from bot.home.schedules import ScheduleLine
from bot.home.service import HomePage
from bot.progress.parts import describe
from bot.statements.service import Current
from bot.text import clip, quote
from bot.values import render as values_render

MAX_BLOCKS = 100  # Slack's limit for a Home tab

START_COMMANDS = (
    "• `/kudos @someone for <what they did>`: recognise a teammate, for the whole channel "
    "to see\n"
    "• `/win <what went well>`: share a win, however small\n"
    "• `/nudge commit <what> by <date>`: say what you'll do, and I'll check in on the day"
)

# A step the person takes themselves, per practice: never a command that asks a channel.
NEXT_STEP = {
    "model": "say what you'll do and by when: `/nudge commit <what> by <date>`",
    "vision": "share a hope for the team: `/nudge hope <what you hope for>`",
    "challenge": "suggest a small experiment: `/nudge pilot <what to try>`",
    "enable": "share something you learned: `/nudge learning <what you learned>`",
    "heart": "thank someone for something specific: `/kudos @someone for <what they did>`",
}

COUNTED = (
    "Counted in every channel: kudos you gave, what you shared with your name, commitments "
    "you made and kept, and the vision, guidelines or values you published. Worries stay anonymous "
    "and never count here."
)


# -- App Home ------------------------------------------------------------------------------


def home_view(page: HomePage) -> dict[str, Any]:
    """The person's Home tab, validated (at most 100 blocks)."""
    blocks: list[Block] = []
    if page.is_new:
        blocks += _welcome(page)
    else:
        blocks += [HeaderBlock(text="Your leadership practice")]
        blocks += _recognition(page)
        blocks += [DividerBlock(), *_practices(page)]
        blocks += [DividerBlock(), *_commitments(page)]
    if page.habit is not None:
        blocks += [DividerBlock(), *habit_blocks(page.habit)]
    if page.pulse is not None:
        blocks += [DividerBlock(), *pulse_blocks(page.pulse)]
    if page.leading is not None:
        blocks += [DividerBlock(), *measures_blocks(page.leading)]
    blocks += [DividerBlock(), *_statements(page)]
    if page.schedules is not None:
        blocks += [DividerBlock(), *_schedules(page)]
    blocks.append(context(f"Updated {local_time(page.now)} · `/nudge help` lists every command"))
    if len(blocks) > MAX_BLOCKS:  # never with today's sections; a guard for tomorrow's
        blocks = [*blocks[: MAX_BLOCKS - 1], context("There is more than fits on this page.")]
    return defused(View(type="home", blocks=blocks).to_dict())  # no pings from user text


def _welcome(page: HomePage) -> list[Block]:
    return [
        HeaderBlock(text="Welcome to nudgebot"),
        section(
            f":wave: Hello <@{page.user_id}>, this page is yours. I help this team live the "
            "Five Practices of Exemplary Leadership, one small step at a time: recognising "
            "each other, sharing wins, saying where we're heading. There's nothing of yours "
            "here yet, so here are three easy ways to start:"
        ),
        section(START_COMMANDS),
        context(
            "The kudos you give and receive, your practices and your commitments will show up "
            "here as you go."
        ),
    ]


def _day(page: HomePage, moment: datetime) -> str:
    """A moment's calendar day in the team's zone, written the one way (`Fri 4 Dec`)."""
    return day(moment.astimezone(ZoneInfo(page.zone)).date(), page.today)


def _recognition(page: HomePage) -> list[Block]:
    if not page.given_total:
        given = "You haven't given kudos yet."
    else:
        given = (
            f"You gave *{plural(page.given_month, 'kudos', 'kudos')}* this month, "
            f"{page.given_total:,} in all."
        )
    if not page.received_total:
        got = "You haven't received kudos yet."
    else:
        got = f"You received *{page.received_month:,}* this month, {page.received_total:,} in all."
    blocks: list[Block] = [section(f":tada: *Recognition*\n{given}\n{got}")]
    if page.latest_received:
        items = []
        for item in page.latest_received:
            who = f"<@{item.giver_id}>" if item.giver_id else "someone"
            # The practice only where it says something: a kudos is Encourage the Heart.
            tag = "" if item.practice == "heart" else f" · {catalogue.practice(item.practice).name}"
            items.append(
                f"• From {who} on {_day(page, item.created_at)}{tag}\n"
                f"{quote(clip(item.reason, 300))}"
            )
        blocks.append(section("*Latest kudos for you*\n" + "\n".join(items)))
    else:
        blocks.append(
            context("No kudos for you yet. Recognising others is a fine way to get it going.")
        )
    return blocks


def next_step(page: HomePage) -> str:
    """One thing the person can do next, in the practice they did least this month."""
    focus = catalogue.practice(page.focus)
    step = NEXT_STEP[focus.key]
    if focus.key == "model" and page.commitments:
        first = page.commitments[0]
        due = day(first.due_on, page.today)
        step = f"keep your word on _{clip(first.text, 80)}_, due {due}"
    return f":point_right: *Next, a little {focus.name}*: {step}."


def _practices(page: HomePage) -> list[Block]:
    lines = []
    for month in page.practices:
        practice = catalogue.practice(month.practice)
        what = describe(month.parts, given=True) or "nothing this month"
        lines.append(f"{practice.emoji} *{practice.name}*: {what}")
    return [
        HeaderBlock(text="Your practices this month"),
        context(f"{days(page.month_start, page.today, page.today)}"),
        section("\n".join(lines)),
        context(COUNTED),
        section(next_step(page)),
    ]


def _commitments(page: HomePage) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text="Your commitments")]
    if not page.commitments:
        blocks.append(
            section(
                "No open commitments. Say what you'll do and by when with "
                "`/nudge commit <what> by <date>`, and I'll check in with you on the day."
            )
        )
    else:
        lines = []
        for c in page.commitments:
            late = " *(overdue)*" if c.due_on < page.today else ""
            due = day(c.due_on, page.today)
            lines.append(f"• {clip(c.text, 200)} · due {due}{late} · <#{c.channel_id}>")
        blocks.append(section("*Open*\n" + "\n".join(lines)))
        more = page.commitments_open - len(page.commitments)
        if more > 0:
            blocks.append(context(f"…and {plural(more, 'more open commitment')}."))
    if page.kept_total:
        kept = [f"• {clip(k.text, 200)} · kept {_day(page, k.kept_at)}" for k in page.kept]
        head = (
            f":white_check_mark: *Kept*: {plural(page.kept_month, 'commitment')} this month, "
            f"{page.kept_total:,} in all."
        )
        blocks.append(section("\n".join([head, *kept])))
    return blocks


def _statement(page: HomePage, title: str, found: Current | None, hint: str) -> Block:
    if found is None:
        return section(f"*{title}*\n:seedling: Nothing published yet. {hint}")
    by = f" by <@{found.author_id}>" if found.author_id else ""
    return section(
        f"*{title}*\n{quote(clip(found.text, 1300))}\n"
        f"_Version {found.version}, published{by} on {_day(page, found.created_at)}_"
    )


def _values(page: HomePage) -> Block:
    found = page.values
    if found is None:
        hint = values_render.HOW_TO_SET
        return section(f"*:gem: Our values*\n:seedling: Nothing published yet. {hint}")
    by = f" by <@{found.author_id}>" if found.author_id else ""
    return section(
        f"*:gem: Our values*\n{values_render.listed(found)}\n"
        f"_Version {found.version}, published{by} on {_day(page, found.created_at)}_"
    )


def _statements(page: HomePage) -> list[Block]:
    return [
        _statement(
            page,
            ":telescope: Our vision",
            page.vision,
            "Admins and the team's leaders can publish one with `/vision set <text>`.",
        ),
        _values(page),
        _statement(
            page,
            ":scroll: Our guidelines",
            page.guidelines,
            "Admins and the team's leaders can set them with `/nudge guidelines set <text>`.",
        ),
    ]


def _schedule_text(line: ScheduleLine) -> str:
    if line.kind == "digest":
        what = "the weekly recognition digest"
    elif line.practice == "rotate":
        what = "prompts on rotating practices"
    else:
        what = f"{catalogue.practice(line.practice).name} prompts"
    if line.paused:
        state = "paused"
    elif line.next_run is not None:
        state = f"next {local_time(line.next_run)}"
    else:
        state = "no upcoming run"
    return f"• <#{line.channel_id}>: {what}, {line.when.describe()} ({line.when.zone}) · {state}"


def _schedules(page: HomePage) -> list[Block]:
    assert page.schedules is not None
    blocks: list[Block] = [HeaderBlock(text="Schedules in your channels")]
    if not page.schedules:
        blocks.append(
            section(
                "No prompts or digests scheduled in your channels yet. Start a rhythm in a "
                "channel with `/nudge schedule add rotate weekly mon 09:00`."
            )
        )
        return blocks
    blocks += sections([_schedule_text(line) for line in page.schedules])
    more = page.schedules_total - len(page.schedules)
    if more > 0:
        blocks.append(
            context(
                f"…and {plural(more, 'more schedule')}. `/nudge schedule list` in a channel "
                "shows its own."
            )
        )
    return blocks
