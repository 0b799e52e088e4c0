"""Slash commands: `/kudos`, `/win`, `/vision` and every `/nudge` subcommand, dispatched
one way from the command table."""

from __future__ import annotations

import difflib
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks import Message, error
from bot.command import Call, Command, Request
from bot.errors import UserError
from bot.help import render as help_render
from bot.runtime import Runtime
from bot.text import clean
from handlers.command_table import ALL, NUDGE, SLASH
from handlers.common import busy, queue, runtime, with_text_back

# A refused command gives the person their text back when it had at least this many words.
FREE_TEXT_WORDS = 3
# How alike an unknown /nudge word and a command must be to suggest it (difflib's ratio:
# `progres` and `progress` 0.93, `comit` and `commit` 0.91, `bogus` and any command < 0.6).
SIMILAR = 0.75


def dispatch(
    rt: Runtime,
    spec: Command[Any],
    rest: str,
    ack: Ack,
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
) -> None:
    """Parse (a UserError is the ack's ephemeral answer and nothing changes), ack, then on
    the runtime's pool: the leaders-only check, then the command's work. When the pool is
    full, the ack says so and gives the person their text back."""
    req = Request.of(body)
    # Should the command be refused or fail, the person gets what they typed back when it
    # was words worth keeping (a kudos' reason, a win), not an id or an option.
    typed = f"{body.get('command', '')} {body.get('text', '')}" if rest.strip() else None
    worth_keeping = len(rest.split()) >= FREE_TEXT_WORDS
    try:
        args = spec.parse(rest, req, rt)
    except UserError as err:
        refusal = with_text_back(error(err), typed if worth_keeping else None)
        ack(response_type="ephemeral", **refusal.kwargs())
        return
    if spec.instant is not None:
        ack(response_type="ephemeral", **spec.instant(args).kwargs())
        return
    run = spec.run
    assert run is not None, f"{spec.name} has neither run nor instant"
    call = Call(rt=rt, req=req, client=client, respond=respond)

    def work() -> None:
        if spec.leaders(args) and not call.may_lead():
            raise UserError(spec.refusal)
        run(call, args)

    if queue(rt, respond, work, typed=typed, typed_on_refusal=worth_keeping):
        ack()
    else:  # the pool is full: say so in the ack, nothing is done
        ack(response_type="ephemeral", **busy(typed).kwargs())


def slash(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    """`/kudos`, `/win`, `/vision`: the whole text is the command's."""
    spec = SLASH[command["command"]]
    dispatch(runtime(context), spec, clean(command.get("text", "")), ack, command, respond, client)


def route(text: str) -> tuple[Command[Any] | None, str, str | None]:
    """`/nudge` text to (its table row, the rest); None and the unknown word, if any,
    for help."""
    words = clean(text).strip().split(maxsplit=1)
    if not words:
        return None, "", None
    spec = NUDGE.get(words[0].lower())
    if spec is None:
        return None, "", words[0]
    return spec, words[1].strip() if len(words) > 1 else "", None


def nudge(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    """`/nudge <subcommand> ...`; nothing shows help; a command of its own (`/nudge kudos
    ...`) or a typo close to a subcommand gets "did you mean", with the person's words; any
    other word shows help."""
    text = command.get("text", "")
    spec, rest, unknown = route(text)
    if spec is None:
        meant = did_you_mean(text) if unknown else None
        answer = meant or help_render.help_text(ALL, unknown)
        ack(response_type="ephemeral", **answer.kwargs())
        return
    dispatch(runtime(context), spec, rest, ack, command, respond, client)


def did_you_mean(text: str) -> Message | None:
    """The command someone probably meant by `/nudge <text>` whose first word we don't
    have: `/kudos <the rest>` for a command of its own typed after /nudge, `/nudge <nearest>
    <the rest>` for a typo; None when no command is close."""
    words = clean(text).strip().split(maxsplit=1)
    word = words[0].lower().lstrip("/")
    rest = words[1].strip() if len(words) > 1 else ""
    own = {name.lstrip("/"): name for name in SLASH}
    if word in own:
        return help_render.did_you_mean(words[0], own[word], rest, own=True)
    close = difflib.get_close_matches(word, [*NUDGE, *own], n=1, cutoff=SIMILAR)
    if not close:
        return None
    meant = own.get(close[0]) or f"/nudge {close[0]}"
    return help_render.did_you_mean(words[0], meant, rest, own=False)


def register(app: App) -> None:
    for name in SLASH:
        app.command(name)(slash)
    app.command("/nudge")(nudge)
