"""What every listener shares: the runtime, the slow part after the ack, failure reports."""

from __future__ import annotations

import contextvars
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.blocks import Message, context, error, message, section
from bot.errors import UserError
from bot.metrics import watch_items
from bot.runtime import Runtime
from bot.text import quote
from models.errors import describe_error

log = logging.getLogger("nudgebot")

RUNTIME_KEY = "nudgebot_runtime"

APOLOGY = (
    ":warning: Sorry, something went wrong on my side and nothing was saved. "
    "Please try again in a minute."
)
NOT_SAVED = (
    ":warning: Sorry, I couldn't reach my database, so that wasn't saved. "
    "Please try again in a minute."
)
BUSY = ":hourglass: I'm very busy right now, so I didn't take that. Please try again in a minute."
# The same, on a form's field (a submission the pool had no room for).
BUSY_IN_FORM = "I'm very busy right now and didn't take this. Please send it again in a minute."
GIVEN_BACK = "Here is what you wrote, so nothing is lost:"
QUOTE_CHUNK = 2800  # characters of quoted text per section (Slack allows 3,000)

# Replies to the person: a Bolt `respond`, or anything taking its keyword arguments.
Reply = Callable[..., Any]


@dataclass(frozen=True)
class DirectReply:
    """A Reply for when a form has closed (a view has no response_url): a message in
    `channel`, the direct message the form came from, or the person's user id (Slack opens
    the DM with them)."""

    client: WebClient
    channel: str

    def __call__(self, *, text: str, blocks: list[Any] | None = None, **_: Any) -> None:
        self.client.chat_postMessage(channel=self.channel, text=text, blocks=blocks)


def attach_runtime(app: App, rt: Runtime) -> None:
    """Hand `rt` to every listener through Bolt's context, so listeners stay plain
    module-level functions (a test can call one with a context of its own). The items
    requests log are counted (bot.metrics.watch_items)."""
    watch_items()

    @app.middleware
    def with_runtime(context: BoltContext, next: Callable[[], Any]) -> None:
        context[RUNTIME_KEY] = rt
        next()


def runtime(context: BoltContext) -> Runtime:
    rt = context.get(RUNTIME_KEY)
    assert isinstance(rt, Runtime), "create_app attaches the runtime to every request"
    return rt


def with_text_back(what: Message, typed: str | None) -> Message:
    """`what`, followed by the person's own text (mrkdwn), quoted, when there is any."""
    if not typed or not typed.strip():
        return what
    head = [b for b in map(Block.parse, what.blocks) if b is not None]
    quoted = [section(chunk) for chunk in _chunks(quote(typed).split("\n"))]
    return message(
        f"{what.text}\n{GIVEN_BACK}\n{quote(typed)}", [*head, context(GIVEN_BACK), *quoted]
    )


def _chunks(lines: list[str]) -> list[str]:
    """Lines joined into pieces of at most QUOTE_CHUNK characters (a longer line is cut)."""
    pieces: list[str] = []
    for line in lines:
        while len(line) > QUOTE_CHUNK:
            pieces.append(line[:QUOTE_CHUNK])
            line = "> " + line[QUOTE_CHUNK:]
        if pieces and len(pieces[-1]) + 1 + len(line) <= QUOTE_CHUNK:
            pieces[-1] += "\n" + line
        else:
            pieces.append(line)
    return pieces


def busy(typed: str | None) -> Message:
    """The pool is full: try again, with the person's text."""
    return with_text_back(message(BUSY, [section(BUSY)]), typed)


def failure_message(error_: Exception, typed: str | None = None) -> Message:
    """What the person reads when their request failed after the ack."""
    if isinstance(error_, UserError):
        return with_text_back(error(error_), typed)
    said = NOT_SAVED if isinstance(error_, DBAPIError | PoolTimeout) else APOLOGY
    return with_text_back(message(said, [section(said)]), typed)


class Busy(RuntimeError):
    """The pool is full and the request is one Slack sends again when refused (an event):
    refusing it (Bolt answers 500) is how nothing is lost."""


def report_failure(error_: Exception, respond: Reply | None, typed: str | None = None) -> None:
    """Log a listener failure with its traceback and apologise to the person, if we can,
    giving them back what they typed."""
    if isinstance(error_, Busy):
        log.warning("turned an event away for Slack to send again: %s", error_)
        return
    if isinstance(error_, DBAPIError):
        # The database's message can quote what people wrote: its class and where, only.
        where = "".join(traceback.format_tb(error_.__traceback__))
        log.error("listener failed: database error %s\n%s", describe_error(error_), where)
    else:
        log.error("listener failed: %s", error_, exc_info=error_)
    if respond is None or not getattr(respond, "response_url", True):
        return
    try:
        reply = failure_message(error_, typed)
        respond(response_type="ephemeral", replace_original=False, **reply.kwargs())
    except Exception:  # the apology is best effort; the failure is logged above
        log.warning("could not tell the user about the failure", exc_info=True)


def queue(
    rt: Runtime,
    respond: Reply | None,
    work: Callable[[], None],
    *,
    typed: str | None = None,
    typed_on_refusal: bool = True,
) -> bool:
    """Run `work` after the ack on the runtime's bounded pool; False, running nothing, when
    the pool is full (the caller says so, best in its ack: see `busy`).

    Listeners run on the request thread (process_before_response), so the ack goes back as
    soon as the listener returns, whatever Slack or the database are doing. Here a UserError
    becomes an ephemeral reply; any other failure is logged and apologised for. Either way
    the person gets `typed`, their own text, back, so nothing they wrote is lost (for a
    refusal, unless `typed_on_refusal` is False: "there is no schedule #12" needs no echo).
    """

    def run() -> None:
        try:
            work()
        except UserError as err:
            if respond is None:
                return
            try:
                reply = failure_message(err, typed if typed_on_refusal else None)
                respond(response_type="ephemeral", replace_original=False, **reply.kwargs())
            except Exception:  # the refusal could not be shown: say so, never silently
                log.warning("could not show a refusal to the person", exc_info=True)
        except Exception as err:
            report_failure(err, respond, typed)

    # The pool's thread logs with the request's ids (bot/logs.py).
    ids = contextvars.copy_context()
    taken = rt.background.submit(lambda: ids.run(run))
    if not taken:
        log.warning("the worker pool is full: a request was turned away")
    return taken


def later(
    rt: Runtime, respond: Reply | None, work: Callable[[], None], *, typed: str | None = None
) -> bool:
    """`queue`, for a listener that has acked already: when the pool is full the person is
    told through `respond`, if there is one."""
    taken = queue(rt, respond, work, typed=typed)
    if not taken and respond is not None:
        try:
            respond(response_type="ephemeral", replace_original=False, **busy(typed).kwargs())
        except Exception:
            log.warning("could not tell the user the pool is full", exc_info=True)
    return taken
