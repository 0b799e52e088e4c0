"""Block Kit for App Home: each person's own page. Slack allows 100 blocks on a Home tab."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    DividerBlock,
    HeaderBlock,
)
from slack_sdk.models.views import View

from bot import catalogue
from bot.blocks import context, defused, local_time, plural, section, sections
from bot.home.service import HomePage, ScheduleLine
from bot.progress.service import PracticeCount, needs_attention
from bot.statements.service import Current
from bot.text import clip, quote

MAX_BLOCKS = 100  # Slack's limit for a Home tab

START_COMMANDS = (
    "• `/kudos @someone for <what they did>`: recognise a teammate, for the whole channel "
    "to see\n"
    "• `/win <what went well>`: share a win, however small\n"
    "• `/nudge now`: post a practice prompt in a channel and get people talking"
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
    blocks += [DividerBlock(), *_statements(page.vision, page.guidelines)]
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
            "each other, sharing wins, saying where we're heading. Nothing is logged for you "
            "yet, so here are three easy ways to start:"
        ),
        section(START_COMMANDS),
        context(
            "The kudos you give and receive, your practices and your commitments will show up "
            "here as you go."
        ),
    ]


def _recognition(page: HomePage) -> list[Block]:
    given = (
        f"You gave *{plural(page.given_month, 'kudos', 'kudos')}* this month "
        f"({page.given_total} in all)"
    )
    got = f"received *{page.received_month}* this month ({page.received_total} in all)"
    blocks: list[Block] = [section(f":tada: *Recognition*\n{given} and {got}.")]
    if page.latest_received:
        items = []
        for item in page.latest_received:
            who = f"<@{item.giver_id}>" if item.giver_id else "someone"
            emoji = catalogue.practice(item.practice).emoji
            items.append(
                f"• From {who} on {item.created_at:%d %b %Y} {emoji}\n"
                f"{quote(clip(item.reason, 300))}"
            )
        blocks.append(section("*Latest kudos for you*\n" + "\n".join(items)))
    else:
        blocks.append(
            context("No kudos for you yet. Recognising others is a fine way to get it going.")
        )
    return blocks


def _practices(page: HomePage) -> list[Block]:
    lines = []
    for month in page.practices:
        practice = catalogue.practice(month.practice)
        if month.total:
            what = ", ".join(
                part
                for part in (
                    plural(month.kudos, "kudos", "kudos") + " given" if month.kudos else "",
                    plural(month.answers, "item") + " shared" if month.answers else "",
                )
                if part
            )
        else:
            what = "nothing yet"
        lines.append(f"{practice.emoji} *{practice.name}*: {what}")
    focus = catalogue.practice(
        needs_attention(tuple(PracticeCount(m.practice, m.total, 0) for m in page.practices))
    )
    return [
        HeaderBlock(text="Your practices this month"),
        section("\n".join(lines)),
        context(
            f"Since {page.month_start:%d %B}: kudos you gave, and the wins, answers, hopes, "
            f"goals, ideas and learnings you shared. Next, try a little *{focus.name}*: "
            f"`/nudge now {focus.key}`."
        ),
    ]


def _commitments(page: HomePage) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text="Your open commitments")]
    if not page.commitments:
        blocks.append(
            section(
                "No open commitments. Say what you'll do and by when with "
                "`/nudge commit <what> by <date>`, and I'll check in with you on the day."
            )
        )
        return blocks
    lines = []
    for c in page.commitments:
        late = " *(overdue)*" if c.due_on < page.today else ""
        lines.append(f"• {clip(c.text, 200)} · due {c.due_on:%a %d %b}{late} · <#{c.channel_id}>")
    blocks.append(section("\n".join(lines)))
    more = page.commitments_open - len(page.commitments)
    if more > 0:
        blocks.append(context(f"…and {plural(more, 'more open commitment')}."))
    return blocks


def _statement(title: str, found: Current | None, hint: str) -> Block:
    if found is None:
        return section(f"*{title}*\n:seedling: Nothing published yet. {hint}")
    by = f" by <@{found.author_id}>" if found.author_id else ""
    return section(
        f"*{title}*\n{quote(clip(found.text, 1300))}\n"
        f"_Version {found.version}, published{by} on {found.created_at:%d %b %Y}_"
    )


def _statements(vision: Current | None, guidelines: Current | None) -> list[Block]:
    return [
        _statement(
            ":telescope: Our vision",
            vision,
            "Admins and leaders can publish one with `/vision set <text>`.",
        ),
        _statement(
            ":scroll: Our guidelines",
            guidelines,
            "Admins and leaders can set them with `/nudge guidelines set <text>`.",
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
