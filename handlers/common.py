"""Helpers shared by the listeners."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from slack_bolt import Ack, Respond

from bot import render
from bot.errors import UserError

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
