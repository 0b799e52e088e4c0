"""Block Kit rendering. Built with slack_sdk.models so Slack's limits are checked here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot import catalogue
from bot.errors import UserError
from bot.milestones import headline
from bot.progress import Progress
from bot.recognition import KudosGiven
from bot.responses import Logged
from bot.scheduling import ScheduleView
from bot.statements import Current
from bot.text import clip, join_names, quote
from bot.when import When

SECTION_LIMIT = 3000
RESPOND_ACTION = "respond"

KIND_LABEL = {
    "kudos": "kudos",
    "win": "win",
    "vision": "picture of the future",
    "hope": "hope",
    "fear": "worry",
    "goal": "goal",
    "pilot": "pilot idea",
    "idea": "idea",
    "learning": "learning",
    "reflection": "reflection",
}
KIND_EMOJI = {
    "win": ":trophy:",
    "vision": ":telescope:",
    "hope": ":sunrise:",
    "goal": ":dart:",
    "pilot": ":test_tube:",
    "idea": ":bulb:",
    "learning": ":books:",
    "reflection": ":thought_balloon:",
}


@dataclass(frozen=True)
class Message:
    """A message: fallback text for notifications plus validated blocks."""

    text: str
    blocks: list[dict[str, Any]]

    def kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def _message(text: str, blocks: list[Block]) -> Message:
    return Message(text=clip(text, SECTION_LIMIT), blocks=[b.to_dict() for b in blocks])


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)))


def _context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(t, 2000)) for t in texts[:10]])


def practice_label(key: str, commitment: str | None = None) -> str:
    practice = catalogue.practice(key)
    label = f"{practice.emoji} {practice.name}"
    if commitment:
        label += f" · {practice.commitment(commitment).name}"
    return label


def error(err: UserError) -> Message:
    blocks: list[Block] = [_section(f":warning: {err.message}")]
    if err.usage:
        blocks.append(_context(f"Try: `{err.usage}`"))
    return _message(err.message, blocks)


def notice(text: str) -> Message:
    return _message(text, [_section(text)])


def kudos(given: KudosGiven) -> Message:
    names = join_names(list(given.recipients))
    head = f":tada: *Kudos to {names}!*"
    blocks: list[Block] = [
        _section(f"{head}\n{quote(clip(given.reason, SECTION_LIMIT - len(head) - 50))}"),
        _context(
            f"From <@{given.giver_id}>",
            practice_label(given.practice, given.commitment),
        ),
    ]
    celebrate = [headline(m) for m in given.milestones if m.shown_now]
    if celebrate:
        blocks.append(_section("\n".join(celebrate)))
    return _message(f"Kudos to {names} from <@{given.giver_id}>", blocks)


def shared(logged: Logged) -> Message:
    """A win, hope, goal, pilot, idea or learning, shown to the channel with its author."""
    label = KIND_LABEL[logged.kind]
    emoji = KIND_EMOJI.get(logged.kind, ":speech_balloon:")
    article = "an" if label[0] in "aeiou" else "a"
    who = f"<@{logged.user_id}>" if logged.user_id else "Someone"
    head = f"{emoji} *{who} shared {article} {label}*"
    blocks: list[Block] = [
        _section(f"{head}\n{quote(clip(logged.text, SECTION_LIMIT - len(head) - 50))}"),
        _context(practice_label(logged.practice, logged.commitment)),
    ]
    celebrate = [headline(m) for m in logged.milestones if m.shown_now]
    if celebrate:
        blocks.append(_section("\n".join(celebrate)))
    return _message(f"{who} shared {article} {label}", blocks)


def fear_logged() -> Message:
    text = (
        ":lock: Thank you for saying it. Your worry is logged *without your name*: nobody, "
        "not even admins, can see who shared it. Worries help leaders see what to address."
    )
    return _message("Your worry was logged anonymously.", [_section(text)])


def statement(kind: str, found: Current | None, can_set: str) -> Message:
    """Show the current vision or guidelines, or say how to publish the first one."""
    title = "Our vision" if kind == "vision" else "Our guidelines"
    if found is None:
        body = (
            f":seedling: No {'vision' if kind == 'vision' else 'guidelines'} published yet. "
            f"{can_set}"
        )
        return _message(body, [_section(body)])
    return _message(
        f"{title}: {clip(found.text, 200)}",
        [
            HeaderBlock(text=title),
            _section(clip(found.text, SECTION_LIMIT)),
            _context(
                f"Version {found.version} · published by <@{found.author_id}> "
                f"on {found.created_at:%Y-%m-%d}"
            ),
        ],
    )


def statement_published(kind: str, found: Current) -> Message:
    what = "a new vision" if kind == "vision" else "new guidelines"
    head = f":loudspeaker: *<@{found.author_id}> published {what}*"
    show = "/vision" if kind == "vision" else "/nudge guidelines"
    return _message(
        f"<@{found.author_id}> published {what}",
        [
            _section(f"{head}\n{quote(clip(found.text, SECTION_LIMIT - len(head) - 50))}"),
            _context(f"Version {found.version} · see it any time with `{show}`"),
        ],
    )


HELP = """*nudgebot* helps this team live the Five Practices of Exemplary Leadership.
*Recognise and share*
• `/kudos @ana [@ben ...] for <what they did> [#practice]`: recognise people
• `/win <what went well> [#practice]`: share a win
• `/vision` shows the vision; `/vision set <text>` publishes a new one (admins and leaders)
*Log*
• `/nudge hope|goal|pilot|idea|learning <text>`: shared in the channel with your name
• `/nudge fear <text>`: logged anonymously, never with your name
*Practise*
• `/nudge now [practice]`: post a practice prompt here now
• `/nudge schedule add <practice|rotate> weekly mon 09:00 [tz Europe/Berlin]`: \
prompts on a rhythm; `/nudge schedule list|pause|resume|remove <id>`
• `/nudge commit <what you'll do> by <fri|tomorrow|in 2 weeks|2026-12-15>`: \
say it here; I'll ask you on the day how it went
• `/nudge progress [7d|30d|90d] [chart]`: how this channel is doing on each practice, \
and who took part
• `/nudge practices`: the five practices and their commitments
• `/nudge guidelines [set <text>]`: the workspace's guidelines and where to get help
• `/nudge digest on fri 16:00 [tz Europe/Berlin]`: a weekly recognition digest here; \
`/nudge digest off|now`
• `/nudge milestones now|digest|off`: how milestones are celebrated (admins and leaders)
*Your data*
• `/nudge export`: this workspace's log as a CSV file in your DMs (admins and leaders)
• `/nudge forget-me`: delete what I hold about you, after you confirm"""


def help_text(unknown: str | None = None) -> Message:
    blocks: list[Block] = []
    if unknown:
        blocks.append(
            _section(f":thinking_face: I don't know `{clip(unknown, 40)}`. Here's what I do:")
        )
    blocks.append(_section(HELP))
    blocks.append(_context(f"Practices: {', '.join(catalogue.PRACTICE_KEYS)}"))
    return _message("nudgebot commands", blocks)


def practices() -> Message:
    blocks: list[Block] = [HeaderBlock(text="The Five Practices")]
    for p in catalogue.PRACTICES:
        lines = "\n".join(f"• *{c.name}*: {c.summary}" for c in p.commitments)
        blocks.append(_section(f"{p.emoji} *{p.name}* (`{p.key}`)\n{p.summary}\n{lines}"))
    blocks.append(
        _context(
            "Tag kudos and wins with `#model`, `#vision`, `#challenge`, `#enable` or `#heart`."
        )
    )
    return _message("The Five Practices", blocks)


def prompt(
    practice_key: str,
    commitment_key: str,
    item: catalogue.Prompt,
    vision: Current | bool | None = False,
) -> Message:
    """A practice prompt with a Respond button; the button carries the prompt's key.

    Scheduled Inspire a Shared Vision prompts pass `vision` (the current one, or None when
    there is none yet) to show it above the question.
    """
    blocks: list[Block] = []
    if vision is None:
        blocks.append(
            _section(
                ":seedling: This team has no published vision yet. Leaders: publish one with "
                "`/vision set <text>` so everyone knows where we're heading."
            )
        )
    elif isinstance(vision, Current):
        blocks.append(
            _section(
                f"*Our vision*\n{quote(clip(vision.text, 2500))}\n"
                "How does this week's work bring us closer to it?"
            )
        )
    return _message(
        item.text,
        [
            *blocks,
            _section(f"*{practice_label(practice_key)}*\n{item.text}"),
            ActionsBlock(
                block_id="prompt_actions",
                elements=[
                    ButtonElement(
                        text="Respond",
                        action_id=RESPOND_ACTION,
                        value=item.key,
                        style="primary",
                    )
                ],
            ),
            _context(
                f"{catalogue.practice(practice_key).commitment(commitment_key).name} · "
                "answer with the Respond button or reply in this thread"
            ),
        ],
    )


def _trend(now: int, before: int) -> str:
    if now > before:
        return f":arrow_up: from {before}"
    if now < before:
        return f":arrow_down: from {before}"
    return f"= {before} before"


def progress(report: Progress) -> Message:
    lines = []
    for count in report.counts:
        practice = catalogue.practice(count.practice)
        trend = _trend(count.current, count.previous)
        lines.append(f"{practice.emoji} *{practice.name}*: {count.current} ({trend})")
    focus = catalogue.practice(report.focus)
    people = "1 person" if report.people == 1 else f"{report.people} people"
    summary = (
        f"*{report.total}* logged in all ({_trend(report.total, report.previous_total)}) "
        f"by *{people}*."
    )
    if report.members and report.participants is not None:
        members = "1 member" if report.members == 1 else f"{report.members:,} members"
        summary += (
            f"\n:busts_in_silhouette: *{report.participants:,} of {members}* of this channel "
            f"took part ({report.participation}%)."
        )
    blocks: list[Block] = [
        HeaderBlock(text=f"Practice progress, last {report.days} days"),
        _section("\n".join(lines)),
        _section(summary),
    ]
    if report.members_note:
        blocks.append(
            _context(f":information_source: No participation figure: {report.members_note}")
        )
    blocks += [
        DividerBlock(),
        _section(
            f":mag: *Needs attention: {focus.name}.* {focus.summary} "
            f"Try `/nudge now {focus.key}` to get people talking."
        ),
    ]
    if report.total == 0 and report.previous_total == 0:
        blocks[1] = _section(
            ":seedling: Nothing logged here yet. Start with `/kudos`, `/win` or `/nudge now`."
        )
    return _message(f"Practice progress, last {report.days} days", blocks)


def local_time(moment: datetime) -> str:
    """A time Slack shows in each reader's own zone ("the channel's words")."""
    fallback = f"{moment:%Y-%m-%d %H:%M %Z}"
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def schedule_paused(
    schedule_id: int, channel_id: str, code: str, when: When, kind: str = "prompt"
) -> Message:
    """A direct message to a schedule's creator: why it stopped and how to restart it."""
    why = {
        "channel_not_found": "the channel no longer exists or I can't see it",
        "is_archived": "the channel was archived",
        "not_in_channel": "I'm no longer a member of the channel",
    }.get(code, code)
    what = "the weekly digest" if kind == "digest" else f"schedule #{schedule_id}"
    resume = (
        "`/nudge digest on <day> <time>`"
        if kind == "digest"
        else f"`/nudge schedule resume {schedule_id}`"
    )
    text = (
        f":pause_button: I paused {what} ({when.describe()}, {when.zone}) "
        f"in <#{channel_id}> because {why}. Once that's fixed (for example "
        f"`/invite @nudgebot` in the channel), restart it there with {resume}."
    )
    return _message(f"Schedule #{schedule_id} is paused: {why}", [_section(text)])


def schedule_list(views: list[ScheduleView], channel_id: str) -> Message:
    if not views:
        text = (
            "No schedules in this channel yet. Add one with "
            "`/nudge schedule add rotate weekly mon 09:00`."
        )
        return _message(text, [_section(text)])
    lines = []
    for v in views:
        what = (
            "rotating practices" if v.practice == "rotate" else catalogue.practice(v.practice).name
        )
        if v.paused:
            state = f":double_vertical_bar: paused ({v.paused_reason or 'paused'})"
        elif v.next_run is not None:
            state = f"next {local_time(v.next_run)}"
        else:
            state = "no upcoming run"
        where = f"{v.when.describe()} ({v.when.zone})"
        by = f"<@{v.created_by}>" if v.created_by else "someone who left"
        lines.append(f"*#{v.id}* {what}, {where} · {state} · by {by}")
    blocks: list[Block] = [HeaderBlock(text="Schedules in this channel")]
    for start in range(0, len(lines), 10):
        blocks.append(_section("\n".join(lines[start : start + 10])))
    blocks.append(_context("Manage one with `/nudge schedule pause|resume|remove <id>`."))
    count = "1 schedule" if len(views) == 1 else f"{len(views)} schedules"
    return _message(f"{count} in <#{channel_id}>", blocks)


def schedule_added(view: ScheduleView) -> Message:
    what = (
        "rotating practices"
        if view.practice == "rotate"
        else catalogue.practice(view.practice).name
    )
    when = view.when.describe()
    nxt = f" First one {local_time(view.next_run)}." if view.next_run else ""
    text = f":calendar: Schedule *#{view.id}*: {what} prompts here {when} ({view.when.zone}).{nxt}"
    return _message(text, [_section(text)])


def schedule_changed(view: ScheduleView, action: str) -> Message:
    done = {"pause": "paused", "resume": "resumed", "remove": "removed"}[action]
    text = f":white_check_mark: Schedule *#{view.id}* ({view.when.describe()}) is {done}."
    return _message(text, [_section(text)])
