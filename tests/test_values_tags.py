"""A kudos or a win naming one of the team's values: `+<value>` in the command, a choice in
the Respond form. The value is matched, stored as the team wrote it then and shown; an
unknown one is refused kindly and nothing is posted. A team without values has no tags: a
`+word` is just text, posted as typed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import UserError
from bot.values.parsing import ValueTag, resolve, split_value_tag
from models.tables import Prompt, Recognition, Response
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.helpers import assert_later_error, counts, said
from tests.test_prompt_flow import open_modal, post_prompt

NAMES = ("Ownership", "Curiosity", "Own the outcome", "R&amp;D in the open")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+Ownership for the fix", ValueTag("for the fix", "Ownership")),
        ("for the fix +Ownership", ValueTag("for the fix", "Ownership")),
        ("for the fix +Ownership!", ValueTag("for the fix!", "Ownership")),
        ("+Curiosity: we read the logs", ValueTag("we read the logs", "Curiosity")),
        (
            "for showing +Curiosity on the outage",
            ValueTag("for showing Curiosity on the outage", "Curiosity"),
        ),
        ('+"Own the outcome" for the fix', ValueTag("for the fix", "Own the outcome")),
        ("+“Own the outcome” for the fix", ValueTag("for the fix", "Own the outcome")),
        ("+1 for the fix, up 5% (+5%)", ValueTag("+1 for the fix, up 5% (+5%)", None, 0)),
        ("C++ and a + b", ValueTag("C++ and a + b", None, 0)),
        ("no tag at all", ValueTag("no tag at all", None, 0)),
    ],
)
def test_the_value_tag_is_read_off_the_text(text: str, expected: ValueTag) -> None:
    assert split_value_tag(text) == expected


def test_two_value_tags_are_refused_only_when_the_team_has_values() -> None:
    tag = split_value_tag("+Ownership and +Curiosity")
    assert tag == ValueTag("+Ownership and +Curiosity", "Ownership", 2)
    with pytest.raises(UserError, match="Name one value in your win, not 2"):
        resolve(NAMES, "Ownership", "your win", tag.count)
    assert resolve((), "Ownership", "your win", tag.count) is None


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("Ownership", "Ownership"),
        ("OWNERSHIP", "Ownership"),
        ("curio", "Curiosity"),
        ("OwnTheOutcome", "Own the outcome"),
        ("own-the-outcome", "Own the outcome"),
        ("Own the outcome", "Own the outcome"),
        ("ownt", "Own the outcome"),
        ("RDintheopen", "R&amp;D in the open"),
    ],
)
def test_a_tag_names_a_value_by_its_letters_or_their_unique_start(word: str, value: str) -> None:
    assert resolve(NAMES, word, "your kudos") == value


def test_unknown_and_ambiguous_are_refused_kindly_and_without_values_a_tag_is_text() -> None:
    with pytest.raises(UserError) as unknown:
        resolve(NAMES, "Teamwork", "your kudos")
    assert "*+Teamwork* isn't one of our values, so I didn't post your kudos" in str(unknown.value)
    assert '`+Ownership`, `+Curiosity`, `+"Own the outcome"`' in str(unknown.value)
    with pytest.raises(UserError, match="could be more than one of our values"):
        resolve(NAMES, "own", "your kudos")
    assert resolve((), "Ownership", "your win") is None


def set_values(bot: SlackDriver, text: str = "Ownership; Curiosity; Own the outcome") -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    _, key = bot.command("/nudge", f"values set {text}")
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"


def kudos_rows(sessions: sessionmaker[Session], team: str) -> list[Recognition]:
    with sessions() as s:
        return list(s.scalars(select(Recognition).where(Recognition.team_id == team)))


def win_rows(sessions: sessionmaker[Session], team: str) -> list[Response]:
    with sessions() as s:
        return list(s.scalars(select(Response).where(Response.team_id == team)))


def test_a_kudos_names_a_value_and_shows_it(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    set_values(bot)
    ana = slack_id("U")
    _, key = bot.command("/kudos", f"<@{ana}> +ownership for fixing the deploy script")
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "in_channel"
    text = said(message)
    assert "> for fixing the deploy script" in text and "+ownership" not in text
    assert ":gem: Shows our value *Ownership*" in text
    [row] = kudos_rows(sessions, bot.team)
    assert (row.reason, row.team_value) == ("for fixing the deploy script", "Ownership")


def test_a_win_names_a_value_and_shows_it(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    set_values(bot)
    _, key = bot.command("/win", '+"own the outcome" we closed the incident review #challenge')
    text = said(bot.slack.wait_response(key))
    assert "> we closed the incident review" in text
    assert ":gem: Shows our value *Own the outcome*" in text and "Challenge the Process" in text
    [row] = win_rows(sessions, bot.team)
    assert (row.text, row.team_value, row.practice) == (
        "we closed the incident review",
        "Own the outcome",
        "challenge",
    )


def test_the_value_stored_is_the_one_current_then(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    set_values(bot, "Curiosity")
    _, key = bot.command("/win", "+curiosity we read the logs first")
    bot.slack.wait_response(key)
    set_values(bot, "Curious minds; Ownership")
    _, key = bot.command("/win", "+curious we asked why twice")
    bot.slack.wait_response(key)
    assert [r.team_value for r in win_rows(sessions, bot.team)] == ["Curiosity", "Curious minds"]


@pytest.mark.parametrize(
    ("command", "text", "phrases"),
    [
        ("/kudos", "<@UANA01> +Teamwork for the demo", ["*+Teamwork* isn't one of our values"]),
        ("/win", "+own we shipped", ["could be more than one of our values"]),
        ("/win", "+Ownership and +Curiosity for the launch", ["Name one value in your win"]),
    ],
)
def test_bad_value_tags_are_refused_and_nothing_is_posted(
    bot: SlackDriver,
    sessions: sessionmaker[Session],
    command: str,
    text: str,
    phrases: list[str],
) -> None:
    set_values(bot)
    posted = len(bot.slack.calls_to("chat.postMessage"))
    before = counts(sessions, bot.team)
    reply, key = bot.command(command, text)
    if reply.body:  # refused in the ack
        assert reply.json["response_type"] == "ephemeral"
        for phrase in phrases:
            assert phrase in reply.text
    else:
        said_back = assert_later_error(bot, reply, key, *phrases)
        assert any(p in said_back for p in ("Our values: `+Ownership`", "could be", "Name one"))
        assert text.split()[-1] in said_back  # their words, given back
    assert counts(sessions, bot.team) == before
    assert len(bot.slack.calls_to("chat.postMessage")) == posted


def test_without_values_a_plus_word_is_just_text(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    """`/win shipped the API +docs today` in a team without values is a win, as typed."""
    _, key = bot.command("/win", "shipped the API +docs today")
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "in_channel"
    assert "> shipped the API +docs today" in said(message)
    _, key = bot.command("/kudos", f"<@{slack_id('U')}> +Ownership for the fix, +docs too")
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "in_channel" and "Shows our value" not in said(message)
    assert [r.text for r in win_rows(sessions, bot.team)] == ["shipped the API +docs today"]
    assert [(r.reason, r.team_value) for r in kudos_rows(sessions, bot.team)] == [
        ("+Ownership for the fix, +docs too", None)
    ]


def test_a_kudos_without_a_value_tag_needs_no_values(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _, key = bot.command("/kudos", f"<@{slack_id('U')}> for the careful review of my migration")
    assert "Shows our value" not in said(bot.slack.wait_response(key))
    [row] = kudos_rows(sessions, bot.team)
    assert row.team_value is None


# -- the Respond form --------------------------------------------------------------------


def select_block(view: dict[str, Any]) -> dict[str, Any] | None:
    return next((b for b in view["blocks"] if b.get("block_id") == "team_value"), None)


def submit(
    bot: SlackDriver, view: dict[str, Any], answer: str, value: str | None, people: list[str]
) -> None:
    values: dict[str, Any] = {
        "answer": {"answer": {"type": "plain_text_input", "value": answer}},
        "team_value": {
            "team_value": {
                "type": "static_select",
                "selected_option": {"value": value} if value else None,
            }
        },
    }
    if people:
        values["recipients"] = {
            "recipients": {"type": "multi_users_select", "selected_users": people}
        }
    reply = bot.interaction(
        {
            "type": "view_submission",
            "team": {"id": bot.team, "domain": "fake"},
            "user": {"id": bot.user, "team_id": bot.team},
            "api_app_id": "A0NUDGE",
            "trigger_id": "trigger-view",
            "view": {
                "id": slack_id("V"),
                "team_id": bot.team,
                "type": "modal",
                "callback_id": "respond_modal",
                "private_metadata": view["private_metadata"],
                "state": {"values": values},
                "hash": "1",
            },
        }
    )
    assert reply.status == 200 and reply.body == "", reply.body


def test_the_kudos_form_offers_the_values_and_stores_the_choice(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _, ts = post_prompt(bot, "heart")
    assert select_block(open_modal(bot, "heart.recognise.3", ts)) is None  # no values yet

    set_values(bot)
    view = open_modal(bot, "heart.recognise.3", ts)
    block = select_block(view)
    assert block is not None and block["optional"] is True
    options = [o["text"]["text"] for o in block["element"]["options"]]
    assert options == ["Ownership", "Curiosity", "Own the outcome"]

    ana = slack_id("U")
    submit(bot, view, "Rewrote the flaky test so the deploy could go out", "Curiosity", [ana])
    post = bot.slack.wait_for(
        lambda: [c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("thread_ts")]
    )[0]
    blocks = post.params["blocks"]
    shown = blocks_text(json.loads(blocks) if isinstance(blocks, str) else blocks)
    assert "Shows our value *Curiosity*" in shown
    [row] = kudos_rows(sessions, bot.team)
    assert row.team_value == "Curiosity"


def test_the_win_form_offers_the_values_and_no_choice_is_fine(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    set_values(bot)
    _, ts = post_prompt(bot, "heart")
    view = open_modal(bot, "heart.recognise.2", ts)  # a win prompt
    assert select_block(view) is not None
    submit(bot, view, "We shipped the export", None, [])
    row = bot.slack.wait_for(lambda: win_rows(sessions, bot.team))[0]
    assert (row.kind, row.team_value) == ("win", None)
    # Other kinds of answer name no value.
    view = open_modal(bot, "heart.community.2", ts)  # an idea
    assert select_block(view) is None


def test_a_value_gone_since_the_form_opened_is_refused_with_the_words(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    set_values(bot)
    _, ts = post_prompt(bot, "heart")
    view = open_modal(bot, "heart.recognise.2", ts)
    set_values(bot, "Candour")
    submit(bot, view, "We shipped the export", "Curiosity", [])
    note = bot.slack.wait_for(lambda: bot.slack.calls_to("chat.postEphemeral"))[-1]
    text = note.params["text"]
    assert "isn't one of our values" in text and "We shipped the export" in text
    assert win_rows(sessions, bot.team) == []


def test_a_thread_reply_names_a_value_or_keeps_its_tag_as_text(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    from tests.test_thread_replies import reply_event

    set_values(bot)
    _, ts = post_prompt(bot, "heart")
    with sessions.begin() as s:
        s.execute(
            Prompt.__table__.update()
            .where(Prompt.team_id == bot.team, Prompt.message_ts == ts)
            .values(response_kind="kudos", prompt_key="heart.recognise.3")
        )
    ana, ben = slack_id("U"), slack_id("U")
    reply_event(bot, ts, f"<@{ana}> +curiosity for reading the logs first", "1700000700.000100")
    reply_event(bot, ts, f"<@{ben}> +Teamwork for the demo", "1700000700.000200")
    rows = bot.slack.wait_for(
        lambda: len(kudos_rows(sessions, bot.team)) == 2 and kudos_rows(sessions, bot.team)
    )
    found = sorted((r.reason, r.team_value) for r in rows)
    assert found == [
        ("+Teamwork for the demo", None),  # not one of ours: left as typed, nothing refused
        ("for reading the logs first", "Curiosity"),
    ]
