"""Block Kit for practice prompts and the answers people share (wins, hopes, goals, ...)."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot import catalogue, tags
from bot.blocks import (
    SECTION_LIMIT,
    Message,
    context,
    message,
    notice,
    practice_label,
    section,
)
from bot.digest.milestones import headline
from bot.prompts.pilots import LEARNED_ACTION
from bot.prompts.responses import Logged
from bot.statements.service import Current
from bot.text import clip, join_names, quote
from bot.values.render import value_label

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
    "pilot": "experiment to try",
    "idea": "idea",
    "learning": "learning",
    "reflection": "reflection",
}


# What the channel reads above a shared answer: `:trophy: @Ana shared a win`.
SHARED_HEAD = {
    "win": (":trophy:", "shared a win"),
    "vision": (":telescope:", "shared a picture of the future"),
    "hope": (":sunrise:", "shared a hope"),
    "goal": (":dart:", "shared a goal for the team"),
    "pilot": (":test_tube:", "proposed a small experiment"),
    "idea": (":bulb:", "shared an idea"),
    "learning": (":books:", "shared what they learned"),
    "reflection": (":thought_balloon:", "shared a reflection"),
}


def shared(logged: Logged, learn: bool = False) -> Message:
    """A win, hope, goal, pilot, idea or learning, shown to the channel with its author. The
    practice is named only when it isn't where this kind counts anyway (a tagged win, an
    answer to a prompt of another practice). With `learn`, a pilot shown as a message of its
    own carries a **Log what we learned** button."""
    emoji, did = SHARED_HEAD.get(logged.kind, (":speech_balloon:", "shared an answer"))
    who = f"<@{logged.user_id}>" if logged.user_id else "Someone"
    head = f"{emoji} *{who} {did}*"
    blocks: list[Block] = [
        section(f"{head}\n{quote(clip(logged.text, SECTION_LIMIT - len(head) - 50))}"),
    ]
    labels = [value_label(logged.team_value)] if logged.team_value else []
    if logged.practice != catalogue.KIND_HOME[logged.kind][0]:
        labels.append(practice_label(logged.practice))
    if labels:
        blocks.append(context(*labels))
    celebrate = [headline(m) for m in logged.milestones if m.shown_now]
    if celebrate:
        blocks.append(section("\n".join(celebrate)))
    if learn and logged.kind == "pilot":
        button = ButtonElement(
            text="Log what we learned", action_id=LEARNED_ACTION, value=str(logged.id)
        )
        blocks.append(ActionsBlock(block_id="pilot_actions", elements=[button]))
    return message(f"{who} {did}", blocks)


def unknown_tag(word: str) -> Message:
    """Told privately after a win whose #tag names no practice: it was posted anyway."""
    return notice(tags.not_a_practice(word, "your win"))


def counted_not_kudos(kind: str, named: list[str]) -> Message:
    """Told privately, once, to someone whose reply in a prompt's thread names people (user
    ids in `named`): it counted as an answer to the prompt, not as kudos, and how kudos are
    given."""
    label = KIND_LABEL[kind]
    article = "an" if label[0] in "aeiou" else "a"
    text = (
        f":speech_balloon: Thanks! I counted your reply as {article} *{label}* for this "
        "prompt. Naming someone here doesn't give them kudos.\n"
        f"To recognise {join_names(named)}, use "
        f"`/kudos {' '.join(f'<@{u}>' for u in named)} for <what they did>`."
    )
    return message(f"I counted your reply as {article} {label}, not as kudos.", [section(text)])


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
    text: str | None = None,
) -> Message:
    """A practice prompt with a Respond button; the button carries the prompt's key.

    Inspire a Shared Vision prompts pass `vision` (the current one, or None when there is
    none yet) to show it above the question; `text` is the question as chosen to be posted
    (naming one of the team's values), the prompt's own wording when not given.
    """
    question = text or item.text
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
        question,
        [
            *blocks,
            section(f"*{practice_label(practice_key)}*\n{question}"),
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
