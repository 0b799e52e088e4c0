"""/nudge help (from the real command table), did-you-mean and /nudge practices."""

from __future__ import annotations

from bot.blocks import Message
from bot.help import render
from handlers.command_table import ALL
from tests.snapshot_cases import case


@case(render.help_text, "all commands")
def help_all() -> Message:
    return render.help_text(ALL)


@case(render.help_text, "unknown word")
def help_unknown() -> Message:
    return render.help_text(ALL, "frobnicate")


@case(render.did_you_mean, "a command of its own")
def did_you_mean_own() -> Message:
    return render.did_you_mean("kudos", "/kudos", "<@UBEN> for the fix", own=True)


@case(render.did_you_mean, "a typo")
def did_you_mean_typo() -> Message:
    return render.did_you_mean("progres", "/nudge progress", "30d", own=False)


@case(render.did_you_mean, "long text quoted")
def did_you_mean_long() -> Message:
    rest = "for the fix\n" + "and for staying late to walk everyone through it. " * 6
    return render.did_you_mean("kudos", "/kudos", rest, own=True)


@case(render.practices)
def practices() -> Message:
    return render.practices()
