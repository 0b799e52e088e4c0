"""/win over HTTP: what is written to the database and what the person reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from models.tables import Response
from tests.driver import SlackDriver
from tests.helpers import NOTHING, counts
from tests.shown import assert_ack_error, said


def win_rows(sessions: sessionmaker[Session], team: str) -> list[Response]:
    with sessions() as s:
        return list(
            s.scalars(select(Response).where(Response.team_id == team).order_by(Response.id))
        )


def test_win_is_logged_under_heart_and_shown_in_channel(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, key = bot.command("/win", "We shipped the beta to *all* customers")
    assert reply.status == 200 and reply.body == ""

    message = bot.slack.wait_response(key)
    assert message["response_type"] == "in_channel"
    text = said(message)
    assert f"<@{bot.user}> shared a win" in text
    assert "> We shipped the beta to *all* customers" in text
    # Every untagged win counts under Encourage the Heart: saying so each time is noise.
    assert "Encourage the Heart" not in text and "Recognise individual excellence" not in text

    [row] = win_rows(sessions, bot.team)
    assert row.kind == "win"
    assert row.user_id == bot.user
    assert row.channel_id == bot.channel
    assert row.text == "We shipped the beta to *all* customers"
    assert (row.practice, row.commitment) == ("heart", "recognise")
    assert row.source == "command"
    assert abs(row.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert counts(sessions, bot.team) == {**NOTHING, "responses": 1}


@pytest.mark.parametrize(
    ("tag", "practice", "commitment", "label"),
    [
        ("#challenge", "challenge", "experiment", ":hammer_and_wrench: Challenge the Process"),
        ("<#C0CHALL1|challenge>", "challenge", "experiment", "Challenge the Process"),
        ("#VISION", "vision", "imagine", ":telescope: Inspire a Shared Vision"),
        ("#enable", "enable", "empower", "Enable Others to Act"),
    ],
)
def test_win_practice_tag_is_stored_and_taken_off_the_text(
    bot: SlackDriver,
    sessions: sessionmaker[Session],
    tag: str,
    practice: str,
    commitment: str,
    label: str,
) -> None:
    reply, key = bot.command("/win", f"first canary deploy went fine {tag}")
    assert reply.status == 200 and reply.body == ""
    text = said(bot.slack.wait_response(key))
    assert label in text
    assert catalogue.practice(practice).commitment(commitment).name not in text  # one idea
    assert "> first canary deploy went fine\n" in text
    [row] = win_rows(sessions, bot.team)
    assert row.text == "first canary deploy went fine"
    assert (row.practice, row.commitment) == (practice, commitment)


def test_hash_inside_the_text_is_kept(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    reply, key = bot.command("/win", "closed #42 and the flaky test #heart")
    assert reply.status == 200 and reply.body == ""
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"
    [row] = win_rows(sessions, bot.team)
    assert (row.text, row.practice) == ("closed #42 and the flaky test", "heart")


def test_win_of_exactly_3000_characters_is_accepted(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, key = bot.command("/win", "w" * 3000)
    assert reply.status == 200 and reply.body == ""
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "in_channel"
    assert "…" in said(message)  # clipped for display, stored whole
    [row] = win_rows(sessions, bot.team)
    assert row.text == "w" * 3000


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("", ["Tell us what the win was."]),
        ("   ", ["Tell us what the win was."]),
        ("!!! ...", ["Tell us what the win was."]),
        ("#challenge", ["Tell us what the win was."]),
        ("<#C0CHALL1|challenge>", ["Tell us what the win was."]),
        ("x" * 3001, ["That is 3,001 characters; please keep it under 3,000."]),
    ],
)
def test_bad_wins_are_refused_in_the_ack_and_nothing_is_written(
    bot: SlackDriver, sessions: sessionmaker[Session], text: str, phrases: list[str]
) -> None:
    reply, key = bot.command("/win", text)
    assert_ack_error(reply, *phrases, "Try: `/win [+value] <what went well> [#practice]`")
    assert counts(sessions, bot.team) == NOTHING
    assert bot.slack.responses[key] == []


@pytest.mark.parametrize(
    ("tag", "guess"),
    [("#teamwork", ""), ("#hart", " Did you mean `#heart`?"), ("#Chalenge", " Did you mean")],
)
def test_a_tag_that_is_no_practice_is_kept_and_the_win_is_shared_untagged(
    bot: SlackDriver, sessions: sessionmaker[Session], tag: str, guess: str
) -> None:
    # Before: refused whole ("I don't know the practice"), and the win was never shared.
    reply, key = bot.command("/win", f"we shipped the beta {tag}")
    assert reply.status == 200 and reply.body == ""
    posted = bot.slack.wait_response(key)
    assert posted["response_type"] == "in_channel"
    assert f"> we shipped the beta {tag}" in said(posted)  # as they wrote it
    note = bot.slack.wait_response(key, count=2)
    assert note["response_type"] == "ephemeral"
    text = said(note)
    assert (
        f"I posted your win as you wrote it, without a practice: *{tag}* isn't one of the "
        f"five.{guess}"
    ) in text
    assert "`#model`, `#vision`, `#challenge`, `#enable`, `#heart`" in text
    [row] = win_rows(sessions, bot.team)
    assert (row.text, row.practice) == (f"we shipped the beta {tag}", "heart")


def test_only_a_tag_that_is_no_practice_is_not_a_win(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, _ = bot.command("/win", "#teamwork")
    assert_ack_error(reply, "Tell us what the win was.")
    assert counts(sessions, bot.team) == NOTHING


def test_each_win_is_its_own_row(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    for n in range(3):
        _, key = bot.command("/win", f"win number {n}")
        assert bot.slack.wait_response(key)["response_type"] == "in_channel"
    assert [r.text for r in win_rows(sessions, bot.team)] == [
        "win number 0",
        "win number 1",
        "win number 2",
    ]


def test_broadcast_mentions_in_a_win_never_ping_the_channel(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    typed = "<!channel> we shipped, thanks <!subteam^S0DEVS|@devs> and <!here|here>"
    reply, key = bot.command("/win", typed)
    assert reply.body == ""
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "in_channel"
    text = said(message)
    assert "<!" not in text, text
    assert "> @channel we shipped, thanks @devs and @here" in text
    [row] = win_rows(sessions, bot.team)
    assert row.text == typed  # stored as typed; only the display is defused
