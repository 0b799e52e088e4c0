"""What every feature shares: a refused command, a notice, a failure after the ack (with
the person's own text given back), the leaders-only refusal and a Share to channel button."""

from __future__ import annotations

from bot.blocks import Message, error, message, notice, section
from bot.command import everyone
from bot.errors import UserError
from bot.sharing import Shared, share_button
from handlers import common
from handlers.command_table import ALL
from tests.snapshot_cases import case

TYPED = "/kudos <@UBEN> for the fix & the calm write-up\nand the follow-up"


@case(error, "with the right form")
def refused() -> Message:
    return error(
        UserError(
            "Who is the kudos for? Name someone with @.", "/kudos @someone for <what they did>"
        )
    )


@case(error, "alone")
def refused_alone() -> Message:
    return error(UserError("That schedule number isn't one of this channel's."))


@case(notice)
def a_notice() -> Message:
    return notice(":white_check_mark: Done.")


def _refusals() -> None:
    """How each command that only admins and the team's leaders may run says no, as the
    person reads it (one case per distinct wording, named after its first command)."""
    seen: set[str] = set()
    for command in ALL:
        if command.refusal in seen or command.leaders is everyone:
            continue
        seen.add(command.refusal)
        name = command.name.replace("/", "")
        case("handlers.commands.refusal", name)(lambda r=command.refusal: error(UserError(r)))


_refusals()


@case(common.busy, "with the text back")
def busy() -> Message:
    return common.busy(TYPED)


@case(common.failure_message, "database down, with the text back")
def database_down() -> Message:
    from sqlalchemy.exc import OperationalError

    return common.failure_message(OperationalError("SELECT 1", {}, Exception("down")), TYPED)


@case(common.failure_message, "a bug")
def a_bug() -> Message:
    return common.failure_message(RuntimeError("boom"))


@case(common.failure_message, "refused after the ack, with the text back")
def refused_later() -> Message:
    return common.failure_message(
        UserError("You've given 10 kudos today, the most a day here."), TYPED
    )


@case(share_button, "under a private report")
def share() -> Message:
    return message("A report", [section("A report."), share_button(Shared("progress", {"d": 7}))])
