"""What Slack shows for the text we send: its three escapes turned back into characters,
and a check that no `<`, `>` or `&` in our text is one Slack would read as markup we don't
mean (a `<placeholder>` shown as a broken link, or vanishing)."""

from __future__ import annotations

import re
from typing import Any

from tests import helpers
from tests.driver import Reply, SlackDriver

# Markup we mean: people, channels, special commands (dates), links; escapes; quote marks.
MEANT = re.compile(
    r"<(?:@[UWB][A-Z0-9]+|#[CG][A-Z0-9]+)(?:\|[^<>\n]*)?>"
    r"|<![a-z][^<>\n]*>"
    r"|<(?:https?|mailto):[^<>\s|]+(?:\|[^<>\n]*)?>"
    r"|&(?:amp|lt|gt);"
    r"|^(?:>>>|>)",
    re.MULTILINE,
)


def shown(text: str) -> str:
    """The text as a person reads it in Slack (markup left as it is)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def stray_controls(text: str) -> list[str]:
    """Every `<`, `>` or `&` that Slack would take as a control character we didn't mean,
    with a little context; empty when the text is safe to send."""
    rest = MEANT.sub(lambda m: " " * len(m.group()), text)
    return [text[max(0, i - 15) : i + 15] for i, ch in enumerate(rest) if ch in "<>&"]


# -- tests.helpers' assertions, on the text as a person reads it in Slack -------------------
# Each also checks that the text sent has no stray control characters, so every command
# test that uses them proves item 8 for the messages it sees.


def said(message: dict[str, Any]) -> str:
    """What a person reads in a response_url message, as Slack shows it."""
    text = helpers.said(message)
    assert stray_controls(text) == [], stray_controls(text)
    return shown(text)


def assert_ack_error(reply: Reply, *phrases: str) -> None:
    """Refused in the ack, saying why (see tests.helpers.assert_ack_error)."""
    helpers.assert_ack_error(reply)
    assert stray_controls(reply.text) == [], stray_controls(reply.text)
    for phrase in phrases:
        assert phrase in shown(reply.text), reply.text


def assert_later_error(bot: SlackDriver, reply: Reply, key: str, *phrases: str) -> str:
    """Acked, then refused privately, saying why (see tests.helpers.assert_later_error)."""
    text = helpers.assert_later_error(bot, reply, key)
    assert stray_controls(text) == [], stray_controls(text)
    for phrase in phrases:
        assert phrase in shown(text), text
    return shown(text)


def assert_private_reply(bot: SlackDriver, reply: Reply, key: str, *phrases: str) -> str:
    """Acked, then answered privately (see tests.helpers.assert_private_reply)."""
    text = helpers.assert_private_reply(bot, reply, key)
    assert stray_controls(text) == [], stray_controls(text)
    for phrase in phrases:
        assert phrase in shown(text), text
    return shown(text)
