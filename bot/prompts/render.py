"""Block Kit for practice prompts and the answers people share (wins, hopes, goals, ...)."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot import catalogue
from bot.blocks import SECTION_LIMIT, Message, context, message, practice_label, section
from bot.digest.milestones import headline
from bot.prompts.responses import Logged
from bot.statements.service import Current
from bot.text import clip, quote

RESPOND_ACTION = "respond"
ANSWER_HINT = "answer with the Respond button or reply in this thread"
# A worry prompt's only way in: a reply in its thread would be public and named.
ANONYMOUS_HINT = "answer with the Respond button: anonymous, your name is never stored"


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


def shared(logged: Logged) -> Message:
    """A win, hope, goal, pilot, idea or learning, shown to the channel with its author."""
    label = KIND_LABEL[logged.kind]
    emoji = KIND_EMOJI.get(logged.kind, ":speech_balloon:")
    article = "an" if label[0] in "aeiou" else "a"
    who = f"<@{logged.user_id}>" if logged.user_id else "Someone"
    head = f"{emoji} *{who} shared {article} {label}*"
    blocks: list[Block] = [
        section(f"{head}\n{quote(clip(logged.text, SECTION_LIMIT - len(head) - 50))}"),
        context(practice_label(logged.practice, logged.commitment)),
    ]
    celebrate = [headline(m) for m in logged.milestones if m.shown_now]
    if celebrate:
        blocks.append(section("\n".join(celebrate)))
    return message(f"{who} shared {article} {label}", blocks)


def fear_logged() -> Message:
    text = (
        ":lock: Thank you for saying it. Your worry is logged *without your name*: nobody, "
        "not even admins, can see who shared it. Worries help leaders see what to address."
    )
    return message("Your worry was logged anonymously.", [section(text)])


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
            section(
                ":seedling: This team has no published vision yet. Leaders: publish one with "
                "`/vision set <text>` so everyone knows where we're heading."
            )
        )
    elif isinstance(vision, Current):
        blocks.append(
            section(
                f"*Our vision*\n{quote(clip(vision.text, 2500))}\n"
                "How does this week's work bring us closer to it?"
            )
        )
    return message(
        item.text,
        [
            *blocks,
            section(f"*{practice_label(practice_key)}*\n{item.text}"),
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
            context(
                f"{catalogue.practice(practice_key).commitment(commitment_key).name} · "
                f"{ANONYMOUS_HINT if item.kind == 'fear' else ANSWER_HINT}"
            ),
        ],
    )


def worry_in_thread() -> Message:
    """Told privately to someone who answered a worry prompt in its thread: the reply is
    public and named, so it was not logged; the button is the anonymous way."""
    text = (
        ":lock: Replies in this thread are public and show your name, so I didn't log yours "
        "as a worry. To share a worry anonymously, use the *Respond* button on the prompt: "
        "your name is never stored. You can delete your reply if you'd rather it wasn't seen."
    )
    return message("Use the Respond button to share a worry anonymously.", [section(text)])
