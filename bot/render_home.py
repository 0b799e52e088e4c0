"""Block Kit for a person's own data: their App Home page, and the messages of
`/nudge export` and `/nudge forget-me`. Built with slack_sdk.models, so Slack's limits are
checked here."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot import catalogue
from bot.home import HomePage, ScheduleLine
from bot.privacy import Export, Forgotten
from bot.progress import PracticeCount, needs_attention
from bot.render import Message, local_time
from bot.statements import Current
from bot.text import clip, quote

SECTION_LIMIT = 3000
MAX_BLOCKS = 100  # Slack's limit for a Home tab
LINES_PER_SECTION = 10
FORGET_CONFIRM = "forget_me_confirm"
FORGET_CANCEL = "forget_me_cancel"

START_COMMANDS = (
    "• `/kudos @someone for <what they did>`: recognise a teammate, for the whole channel "
    "to see\n"
    "• `/win <what went well>`: share a win, however small\n"
    "• `/nudge now`: post a practice prompt in a channel and get people talking"
)


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)))


def _context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(t, 2000)) for t in texts[:10]])


def _message(text: str, blocks: list[Block]) -> Message:
    return Message(text=clip(text, SECTION_LIMIT), blocks=[b.to_dict() for b in blocks])


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _sections(lines: list[str]) -> list[Block]:
    return [
        _section("\n".join(lines[start : start + LINES_PER_SECTION]))
        for start in range(0, len(lines), LINES_PER_SECTION)
    ]


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
    blocks.append(_context(f"Updated {local_time(page.now)} · `/nudge help` lists every command"))
    if len(blocks) > MAX_BLOCKS:  # never with today's sections; a guard for tomorrow's
        blocks = [*blocks[: MAX_BLOCKS - 1], _context("There is more than fits on this page.")]
    return View(type="home", blocks=blocks).to_dict()


def _welcome(page: HomePage) -> list[Block]:
    return [
        HeaderBlock(text="Welcome to nudgebot"),
        _section(
            f":wave: Hello <@{page.user_id}>, this page is yours. I help this team live the "
            "Five Practices of Exemplary Leadership, one small step at a time: recognising "
            "each other, sharing wins, saying where we're heading. Nothing is logged for you "
            "yet, so here are three easy ways to start:"
        ),
        _section(START_COMMANDS),
        _context(
            "The kudos you give and receive, your practices and your commitments will show up "
            "here as you go."
        ),
    ]


def _recognition(page: HomePage) -> list[Block]:
    given = (
        f"You gave *{_plural(page.given_month, 'kudos', 'kudos')}* this month "
        f"({page.given_total} in all)"
    )
    got = f"received *{page.received_month}* this month ({page.received_total} in all)"
    blocks: list[Block] = [_section(f":tada: *Recognition*\n{given} and {got}.")]
    if page.latest_received:
        items = []
        for item in page.latest_received:
            who = f"<@{item.giver_id}>" if item.giver_id else "someone"
            emoji = catalogue.practice(item.practice).emoji
            items.append(
                f"• From {who} on {item.created_at:%d %b %Y} {emoji}\n"
                f"{quote(clip(item.reason, 300))}"
            )
        blocks.append(_section("*Latest kudos for you*\n" + "\n".join(items)))
    else:
        blocks.append(
            _context("No kudos for you yet. Recognising others is a fine way to get it going.")
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
                    _plural(month.kudos, "kudos", "kudos") + " given" if month.kudos else "",
                    _plural(month.answers, "item") + " shared" if month.answers else "",
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
        _section("\n".join(lines)),
        _context(
            f"Since {page.month_start:%d %B}: kudos you gave, and the wins, answers, hopes, "
            f"goals, ideas and learnings you shared. Next, try a little *{focus.name}*: "
            f"`/nudge now {focus.key}`."
        ),
    ]


def _commitments(page: HomePage) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text="Your open commitments")]
    if not page.commitments:
        blocks.append(
            _section(
                "No open commitments. Say what you'll do and by when with "
                "`/nudge commit <what> by <date>`, and I'll check in with you on the day."
            )
        )
        return blocks
    lines = []
    for c in page.commitments:
        late = " *(overdue)*" if c.due_on < page.today else ""
        lines.append(f"• {clip(c.text, 200)} · due {c.due_on:%a %d %b}{late} · <#{c.channel_id}>")
    blocks.append(_section("\n".join(lines)))
    more = page.commitments_open - len(page.commitments)
    if more > 0:
        blocks.append(_context(f"…and {_plural(more, 'more open commitment')}."))
    return blocks


def _statement(title: str, found: Current | None, hint: str) -> Block:
    if found is None:
        return _section(f"*{title}*\n:seedling: Nothing published yet. {hint}")
    by = f" by <@{found.author_id}>" if found.author_id else ""
    return _section(
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
            _section(
                "No prompts or digests scheduled in your channels yet. Start a rhythm in a "
                "channel with `/nudge schedule add rotate weekly mon 09:00`."
            )
        )
        return blocks
    blocks += _sections([_schedule_text(line) for line in page.schedules])
    more = page.schedules_total - len(page.schedules)
    if more > 0:
        blocks.append(
            _context(
                f"…and {_plural(more, 'more schedule')}. `/nudge schedule list` in a channel "
                "shows its own."
            )
        )
    return blocks


# -- /nudge export -------------------------------------------------------------------------

EXPORT_LEADERS_ONLY = (
    "Only workspace admins, owners and the team's leaders (NUDGEBOT_LEADERS) can export the "
    "log: it holds everyone's words. Ask one of them if you need it."
)


def export_comment(export: Export) -> str:
    """The comment that goes with the CSV file in the asker's DMs."""
    kinds = ", ".join(_plural(n, kind, kind) for kind, n in export.counts.items())
    return (
        f":inbox_tray: Here is this workspace's nudgebot log: {_plural(export.rows, 'item')} "
        f"({kinds}), up to {export.created:%Y-%m-%d %H:%M} UTC. It holds what people wrote, "
        "so please keep it safe and share it only with those who need it. Worries were "
        "logged without names, so they have none here either."
    )


def export_sent(export: Export) -> Message:
    text = (
        f":incoming_envelope: Done: I sent the export ({_plural(export.rows, 'item')}) to "
        "your DMs as a CSV file."
    )
    return _message(text, [_section(text)])


def export_empty() -> Message:
    text = (
        ":seedling: Nothing is logged in this workspace yet, so there's nothing to export. "
        "Start with `/kudos`, `/win` or `/nudge now`."
    )
    return _message(text, [_section(text)])


# -- /nudge forget-me ----------------------------------------------------------------------


def _held_lines(held: Forgotten) -> list[str]:
    lines = []
    if held.answers:
        lines.append(
            f"• *delete* your {_plural(held.answers, 'answer')} (wins, hopes, goals, ideas "
            "and the rest)"
        )
    if held.kudos_given or held.kudos_received:
        parts = []
        if held.kudos_given:
            parts.append(f"the {_plural(held.kudos_given, 'kudos', 'kudos')} you gave")
        if held.kudos_received:
            parts.append(f"the {_plural(held.kudos_received, 'kudos', 'kudos')} you received")
        lines.append(f"• keep {' and '.join(parts)} in the team's counts, *without your name*")
    if held.commitments:
        lines.append(f"• *delete* your {_plural(held.commitments, 'commitment')}")
    named = _named(held)
    if named:
        lines.append(f"• take your name off {named} (they stay as they are)")
    if held.milestones:
        lines.append(f"• *delete* {_plural(held.milestones, 'milestone')} about you")
    return lines


def _named(held: Forgotten) -> str:
    parts = []
    if held.statements:
        parts.append(
            _plural(
                held.statements, "published vision or guidelines", "published visions or guidelines"
            )
        )
    if held.prompts:
        parts.append(_plural(held.prompts, "prompt") + " you posted")
    if held.schedules:
        parts.append(_plural(held.schedules, "schedule") + " you made")
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def forget_confirm(user_id: str, held: Forgotten) -> Message:
    """What forget-me will do, exactly, with a Forget me (confirmed) and a Cancel button."""
    if not held.total:
        text = (
            ":sparkles: I hold nothing linked to you in this workspace, so there's nothing to "
            "forget. Worries (`/nudge fear`) are never linked to anyone."
        )
        return _message(text, [_section(text)])
    lines = "\n".join(_held_lines(held))
    body = (
        ":warning: *Forget me?* Here is exactly what I will do in this workspace, all at once:\n"
        f"{lines}\n"
        "Worries (`/nudge fear`) were never linked to you, so they stay as they are, and what "
        "other people wrote stays as they wrote it. *This can't be undone.*"
    )
    return _message(
        "Forget me? Here is exactly what would happen.",
        [
            _section(body),
            ActionsBlock(
                block_id="forget_me",
                elements=[
                    ButtonElement(
                        text="Forget me",
                        action_id=FORGET_CONFIRM,
                        value=user_id,
                        style="danger",
                        confirm=ConfirmObject(
                            title="Forget you for good?",
                            text="Everything listed is deleted or made anonymous at once. "
                            "It can't be undone.",
                            confirm="Forget me",
                            deny="Keep my data",
                            style="danger",
                        ),
                    ),
                    ButtonElement(text="Cancel", action_id=FORGET_CANCEL, value=user_id),
                ],
            ),
        ],
    )


def forget_done(done: Forgotten) -> Message:
    """What was removed, with counts."""
    if not done.total:
        text = ":white_check_mark: Done: nothing about you was left to remove in this workspace."
        return _message(text, [_section(text)])
    parts = []
    if done.answers:
        parts.append(_plural(done.answers, "answer") + " deleted")
    if done.kudos_given and done.kudos_received:
        parts.append(
            f"{_plural(done.kudos_given, 'kudos', 'kudos')} you gave and {done.kudos_received} "
            "you received made anonymous"
        )
    elif done.kudos_given:
        parts.append(f"{_plural(done.kudos_given, 'kudos', 'kudos')} you gave made anonymous")
    elif done.kudos_received:
        parts.append(
            f"{_plural(done.kudos_received, 'kudos', 'kudos')} you received made anonymous"
        )
    if done.commitments:
        parts.append(_plural(done.commitments, "commitment") + " deleted")
    named = _named(done)
    if named:
        parts.append(f"your name taken off {named}")
    if done.milestones:
        parts.append(_plural(done.milestones, "milestone") + " deleted")
    text = f":white_check_mark: Done, I forgot you in this workspace: {', '.join(parts)}."
    return _message(text, [_section(text), _context("Thank you for the time you gave the team.")])


def forget_cancelled() -> Message:
    text = ":ok_hand: Cancelled. Nothing was deleted or changed."
    return _message(text, [_section(text)])


def not_your_button(owner: str) -> Message:
    text = f"This button belongs to <@{owner}>. To be forgotten yourself, use `/nudge forget-me`."
    return _message(text, [_section(text)])
