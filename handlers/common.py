"""Helpers shared by the listeners."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from slack_bolt import Ack, Respond

from bot import render
from bot.errors import UserError

log = logging.getLogger("nudgebot")
F = TypeVar("F", bound=Callable[..., None])

APOLOGY = (
    ":warning: Sorry, something went wrong on my side and nothing was saved. "
    "Please try again in a minute."
)

LEADERS_ONLY = (
    "Only workspace admins, owners and the team's leaders (NUDGEBOT_LEADERS) can publish "
    "this. Ask one of them, or share your idea with `/nudge idea <text>`."
)


@contextmanager
def replies(respond: Respond) -> Iterator[None]:
    """After the ack: a UserError becomes an ephemeral reply to the person who typed."""
    try:
        yield
    except UserError as err:
        respond(response_type="ephemeral", replace_original=False, **render.error(err).kwargs())


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


def guarded(listener: F) -> F:
    """Route a failure after ack() to report_failure instead of Bolt.

    When a listener raises after acknowledging, Bolt's thread runner resets the
    acknowledgement and the HTTP reply to Slack can become a 404. Catching here keeps the
    ack intact; errors before ack() still reach the app's error handler.
    """

    @functools.wraps(listener)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        ack = kwargs.get("ack")
        try:
            listener(*args, **kwargs)
        except Exception as err:
            if ack is None or ack.response is None:
                raise
            report_failure(err, kwargs.get("respond"))

    return wrapper  # type: ignore[return-value]
