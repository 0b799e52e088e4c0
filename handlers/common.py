"""What every listener shares: the runtime, the slow part after the ack, failure reports."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, Respond

from bot.blocks import error
from bot.errors import UserError
from bot.runtime import Runtime

log = logging.getLogger("nudgebot")

RUNTIME_KEY = "nudgebot_runtime"

APOLOGY = (
    ":warning: Sorry, something went wrong on my side and nothing was saved. "
    "Please try again in a minute."
)


def attach_runtime(app: App, rt: Runtime) -> None:
    """Hand `rt` to every listener through Bolt's context, so listeners stay plain
    module-level functions (a test can call one with a context of its own)."""

    @app.middleware
    def with_runtime(context: BoltContext, next: Callable[[], Any]) -> None:
        context[RUNTIME_KEY] = rt
        next()


def runtime(context: BoltContext) -> Runtime:
    rt = context.get(RUNTIME_KEY)
    assert isinstance(rt, Runtime), "create_app attaches the runtime to every request"
    return rt


def report_failure(error_: Exception, respond: Respond | None) -> None:
    """Log a listener failure with its traceback and apologise to the person, if we can."""
    log.error("listener failed: %s", error_, exc_info=error_)
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
                respond(response_type="ephemeral", replace_original=False, **error(err).kwargs())
        except Exception as err:
            report_failure(err, respond)

    rt.background.submit(run)
