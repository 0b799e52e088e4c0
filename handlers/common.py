"""Helpers shared by the listeners."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NamedTuple

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot import render
from bot.errors import UserError
from bot.runtime import Runtime

log = logging.getLogger("nudgebot")

APOLOGY = (
    ":warning: Sorry, something went wrong on my side and nothing was saved. "
    "Please try again in a minute."
)

LEADERS_ONLY = (
    "Only workspace admins, owners and the team's leaders (NUDGEBOT_LEADERS) can publish "
    "this. Ask one of them, or share your idea with `/nudge idea <text>`."
)


class Call(NamedTuple):
    """One /nudge subcommand: what its listener received, handed on as one value."""

    rt: Runtime
    ack: Ack
    command: dict[str, Any]
    respond: Respond
    client: WebClient


def ack_error(ack: Ack, err: UserError) -> None:
    ack(response_type="ephemeral", **render.error(err).kwargs())


def report_failure(error: Exception, respond: Respond | None) -> None:
    """Log a listener failure with its traceback and apologise to the person, if we can."""
    log.error("listener failed: %s", error, exc_info=error)
    if respond is None or not respond.response_url:
        return
    try:
        respond(response_type="ephemeral", replace_original=False, text=APOLOGY)
    except Exception:  # the apology is best effort; the failure is logged above
        log.warning("could not tell the user about the failure", exc_info=True)


def later(rt: Runtime, respond: Respond | None, work: Callable[[], None]) -> None:
    """Run the slow part of a listener after the ack, on the app's own worker pool.

    Listeners run on the request thread (process_before_response), so the ack goes back as
    soon as the listener returns, whatever Slack or the database are doing. Here a UserError
    becomes an ephemeral reply; any other failure is logged and apologised for.
    """

    def run() -> None:
        try:
            work()
        except UserError as err:
            if respond is not None:
                respond(
                    response_type="ephemeral", replace_original=False, **render.error(err).kwargs()
                )
        except Exception as err:
            report_failure(err, respond)

    rt.background.submit(run)
