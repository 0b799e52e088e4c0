"""Every command nudgebot answers, as one table: `/nudge <name>` rows in the order help
lists them, and the slash commands of their own. Adding a subcommand is one row here and
one feature folder in bot/."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.command import Call, Command, plain
from bot.commitments.commands import COMMIT
from bot.digest.commands import DIGEST, MILESTONES
from bot.digest.commands import share as share_digest
from bot.habits.commands import HABITS, ME
from bot.help import render as help_render
from bot.privacy.commands import EXPORT, FORGET_ME
from bot.progress.commands import PROGRESS
from bot.progress.commands import share as share_progress
from bot.prompts.commands import LOGS, NOW, WIN
from bot.pulse.commands import PULSE
from bot.recognition.commands import KUDOS
from bot.reflection.commands import REFLECT
from bot.scheduling.commands import SCHEDULE
from bot.statements.commands import GUIDELINES, VISION
from bot.values.commands import VALUES


def _no_args(_rest: str) -> None:
    return None


PRACTICES = Command[Any](
    name="practices",
    usage="/nudge practices",
    summary="the five practices and their commitments",
    parse=plain(_no_args),
    instant=lambda _args: help_render.practices(),
)

HELP = Command[Any](
    name="help",
    usage="/nudge help",
    summary="this list",
    parse=plain(_no_args),
    instant=lambda _args: help_render.help_text(ALL),
    listed=False,
)

# /nudge subcommands, in the order help lists them within each group.
NUDGE_ROWS: tuple[Command[Any], ...] = (
    *LOGS,
    NOW,
    SCHEDULE,
    COMMIT,
    ME,
    HABITS,
    REFLECT,
    PROGRESS,
    PULSE,
    PRACTICES,
    GUIDELINES,
    VALUES,
    DIGEST,
    MILESTONES,
    EXPORT,
    FORGET_ME,
    HELP,
)
NUDGE: dict[str, Command[Any]] = {c.name: c for c in NUDGE_ROWS}

# Slash commands of their own; their whole text is what the parser reads.
SLASH: dict[str, Command[Any]] = {c.name: c for c in (KUDOS, WIN, VISION)}

ALL: tuple[Command[Any], ...] = (*SLASH.values(), *NUDGE.values())

# Reports shown privately with a Share to channel button (bot/sharing.py): kind -> the
# work that posts the report for everyone, given the button's arguments.
SHARES: dict[str, Callable[[Call, dict[str, Any]], None]] = {
    "progress": share_progress,
    "digest": share_digest,
}
