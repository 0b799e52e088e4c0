"""Arbitrary text into every slash command over HTTP: always a 200, never a crash.

A command either answers in the ack (an ephemeral message with text), or acks empty and
then answers: through response_url, or, for `/nudge now`, by posting a prompt. Whatever
the answer, it is never the "something went wrong" apology.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.driver import SlackDriver, blocks_text, slack_id

APOLOGY = "something went wrong on my side"
PREFIXES = [
    "",
    "set ",
    "SET ",
    "<@U1> ",
    "<@UFUZZ1|ana> for ",
    "<@UFUZZ1> and <@UFUZZ2>, ",
    "<!here> ",
    "<#C1|challenge> ",
    "now ",
    "progress ",
    "fear ",
    "hope ",
    "learning ",
    "guidelines ",
    "guidelines set ",
    "practices ",
    "schedule ",
    "schedule add ",
    "schedule add heart weekly ",
    "help ",
    "#",
    "for ",
    "&amp; ",
]
TEXTS = st.one_of(
    st.text(),
    st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(PREFIXES), st.text()),
    st.builds(
        lambda prefix, rest, tag: f"{prefix}{rest} {tag}",
        st.sampled_from(PREFIXES),
        st.text(max_size=20),
        st.sampled_from(["#heart", "#nope", "#", "<#C2|model>", "<#C3|>", "#MODEL"]),
    ),
)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def answered(driver: SlackDriver, key: str, channel: str) -> dict[str, Any]:
    """Whatever the app said after an empty ack: a response_url message or a posted prompt."""

    def found() -> dict[str, Any] | None:
        if driver.slack.responses[key]:
            return driver.slack.responses[key][0]
        for call in driver.slack.calls_to("chat.postMessage"):
            if call.params.get("channel") == channel:
                return call.params
        return None

    return driver.slack.wait_for(found)


def check(driver: SlackDriver, command: str, text: str) -> None:
    channel = slack_id("C")  # one per example, to tell its prompt from the others'
    reply, key = driver.command(command, text, channel=channel)
    assert reply.status == 200, (command, text, reply)
    if reply.body:
        assert reply.json["response_type"] == "ephemeral", reply.body
        assert reply.text.strip(), reply.body
        assert APOLOGY not in reply.text
        return
    message = answered(driver, key, channel)
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):  # chat.postMessage sends blocks as JSON text
        blocks = json.loads(blocks)
    shown = str(message.get("text", "")) + "\n" + blocks_text(blocks)
    assert shown.strip(), message
    assert APOLOGY not in shown, (command, text, shown)


@FUZZ
@given(text=TEXTS)
@example(text="<@UFUZZ1|ana> for the review #heart")
@example(text="<@USLACKBOT> for the reminders")
@example(text="<@UFUZZ1> for a\x00b")
def test_fuzz_kudos(bot: SlackDriver, text: str) -> None:
    check(bot, "/kudos", text)


@FUZZ
@given(text=TEXTS)
@example(text="we shipped it <#C1|challenge>")
@example(text="a\x00b")
def test_fuzz_win(bot: SlackDriver, text: str) -> None:
    check(bot, "/win", text)


@FUZZ
@given(text=TEXTS)
@example(text="")
@example(text="set a vision")
def test_fuzz_vision(bot: SlackDriver, text: str) -> None:
    check(bot, "/vision", text)


@FUZZ
@given(text=TEXTS)
@example(text="now")
@example(text="now heart")
@example(text="progress")
@example(text="progress 90d")
@example(text="fear a\x00b")
@example(text="guidelines")
def test_fuzz_nudge(bot: SlackDriver, text: str) -> None:
    check(bot, "/nudge", text)
