"""Block Kit rendering. Built with slack_sdk.models so Slack's limits are checked here."""

from __future__ import annotations

from dataclasses import dataclass
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
from bot.progress import Progress
from bot.recognition import KudosGiven
from bot.responses import Logged
from bot.statements import Current
from bot.text import clip, join_names, quote

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
    return _message(
        f"Kudos to {names} from <@{given.giver_id}>",
        [
            _section(f"{head}\n{quote(clip(given.reason, SECTION_LIMIT - len(head) - 50))}"),
            _context(
                f"From <@{given.giver_id}>",
                practice_label(given.practice, given.commitment),
            ),
        ],
    )


def shared(logged: Logged) -> Message:
    """A win, hope, goal, pilot, idea or learning, shown to the channel with its author."""
    label = KIND_LABEL[logged.kind]
    emoji = KIND_EMOJI.get(logged.kind, ":speech_balloon:")
    article = "an" if label[0] in "aeiou" else "a"
    who = f"<@{logged.user_id}>" if logged.user_id else "Someone"
    head = f"{emoji} *{who} shared {article} {label}*"
    return _message(
        f"{who} shared {article} {label}",
        [
            _section(f"{head}\n{quote(clip(logged.text, SECTION_LIMIT - len(head) - 50))}"),
            _context(practice_label(logged.practice, logged.commitment)),
        ],
    )


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
• `/nudge progress [7d|30d|90d]`: how this channel is doing on each practice
• `/nudge practices`: the five practices and their commitments
• `/nudge guidelines [set <text>]`: the workspace's guidelines and where to get help"""


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


def prompt(practice_key: str, commitment_key: str, item: catalogue.Prompt) -> Message:
    """A practice prompt with a Respond button; the button carries the prompt's key."""
    return _message(
        item.text,
        [
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
                "answer with the button or reply in this thread"
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
    blocks: list[Block] = [
        HeaderBlock(text=f"Practice progress, last {report.days} days"),
        _section("\n".join(lines)),
        _section(
            f"*{report.total}* logged in all ({_trend(report.total, report.previous_total)}) "
            f"by *{people}*."
        ),
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
