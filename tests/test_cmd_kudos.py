"""/kudos over HTTP: what is written to the database and what the person reads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from models.queries import ensure_workspace
from models.tables import Recognition, RecognitionRecipient
from tests.driver import SlackDriver, slack_id
from tests.helpers import APOLOGY, NOTHING, counts
from tests.shown import assert_ack_error, assert_later_error, said


def kudos_rows(sessions: sessionmaker[Session], team: str) -> list[tuple[Recognition, list[str]]]:
    with sessions() as s:
        rows = s.scalars(
            select(Recognition).where(Recognition.team_id == team).order_by(Recognition.id)
        ).all()
        return [(r, [p.user_id for p in r.recipients]) for r in rows]


# -- happy paths -----------------------------------------------------------------------------


def test_kudos_to_one_person_is_logged_under_heart_and_shown_in_channel(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    ana = slack_id("U")
    reply, key = bot.command("/kudos", f"<@{ana}|ana> for running the retro")
    assert reply.status == 200 and reply.body == ""

    message = bot.slack.wait_response(key)
    assert message["response_type"] == "in_channel"
    text = said(message)
    assert f"Kudos to <@{ana}>!" in text
    assert "> for running the retro" in text
    assert f"From <@{bot.user}>" in text
    # Every untagged kudos counts under Encourage the Heart: saying so each time is noise.
    assert "Encourage the Heart" not in text and "Recognise individual excellence" not in text

    [(row, recipients)] = kudos_rows(sessions, bot.team)
    assert recipients == [ana]
    assert row.giver_id == bot.user
    assert row.channel_id == bot.channel
    assert row.reason == "for running the retro"
    assert (row.practice, row.commitment) == ("heart", "recognise")
    assert row.prompt_id is None
    assert abs(row.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert counts(sessions, bot.team) == {
        **NOTHING,
        "recognitions": 1,
        "recognition_recipients": 1,
    }


def test_kudos_to_several_people_with_separators(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    ana, ben, cy = slack_id("U"), slack_id("U"), slack_id("U")
    reply, key = bot.command(
        "/kudos", f"<@{ana}|ana> and <@{ben}>, &amp; <@{cy}|cy> <@{ana}> for the launch plan"
    )
    assert reply.status == 200 and reply.body == ""
    text = said(bot.slack.wait_response(key))
    assert f"Kudos to <@{ana}>, <@{ben}> and <@{cy}>!" in text
    assert "> for the launch plan" in text

    [(row, recipients)] = kudos_rows(sessions, bot.team)
    assert recipients == [ana, ben, cy]  # in the order typed, each once
    assert row.reason == "for the launch plan"
    assert counts(sessions, bot.team)["recognition_recipients"] == 3


def test_kudos_to_ten_people_is_the_most_allowed(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    people = [slack_id("U") for _ in range(10)]
    reply, key = bot.command("/kudos", " ".join(f"<@{p}>" for p in people) + " for the offsite")
    assert reply.status == 200 and reply.body == ""
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"
    [(_, recipients)] = kudos_rows(sessions, bot.team)
    assert recipients == people


@pytest.mark.parametrize(
    ("tag", "practice", "commitment", "label"),
    [
        ("#challenge", "challenge", "experiment", ":hammer_and_wrench: Challenge the Process"),
        ("<#C0CHALL1|challenge>", "challenge", "experiment", "Challenge the Process"),
        ("#Model", "model", "example", ":compass: Model the Way"),
        # Tagged with the practice every kudos counts under: nothing to add.
        ("#encourage-the-heart", "heart", "recognise", ""),
    ],
)
def test_kudos_practice_tag_is_stored_and_taken_off_the_reason(
    bot: SlackDriver,
    sessions: sessionmaker[Session],
    tag: str,
    practice: str,
    commitment: str,
    label: str,
) -> None:
    ana = slack_id("U")
    reply, key = bot.command("/kudos", f"<@{ana}> for trying the new deploy flow {tag}")
    assert reply.status == 200 and reply.body == ""
    text = said(bot.slack.wait_response(key))
    assert label in text
    assert catalogue.practice(practice).commitment(commitment).name not in text  # one idea
    assert "Encourage the Heart" not in text  # where every kudos counts anyway: not said
    assert "> for trying the new deploy flow\n" in text + "\n"
    assert "#" not in text.split("> for trying", 1)[1].split("\n", 1)[0]

    [(row, _)] = kudos_rows(sessions, bot.team)
    assert (row.practice, row.commitment) == (practice, commitment)
    assert row.reason == "for trying the new deploy flow"


@pytest.mark.parametrize(
    ("tag", "guess"),
    [
        ("#teamwork", ""),
        ("#hart", " Did you mean `#heart`?"),
        ("#modle", " Did you mean `#model`?"),
    ],
)
def test_a_tag_that_is_no_practice_is_kept_and_the_kudos_goes_out_untagged(
    bot: SlackDriver, sessions: sessionmaker[Session], tag: str, guess: str
) -> None:
    ben = slack_id("U")
    # Before: refused whole ("I don't know the practice"): a shy member never tries again.
    reply, key = bot.command("/kudos", f"<@{ben}|ben> for fixing the flaky login test {tag}")
    assert reply.status == 200 and reply.body == ""
    posted = bot.slack.wait_response(key)
    assert posted["response_type"] == "in_channel"
    text = said(posted)
    assert f"Kudos to <@{ben}>!" in text and f"> for fixing the flaky login test {tag}" in text
    note = bot.slack.wait_response(key, count=2)
    assert note["response_type"] == "ephemeral"
    assert (
        f":label: I posted your kudos as you wrote it, without a practice: *{tag}* isn't one "
        f"of the five.{guess}\nNext time you can end with one of `#model`, `#vision`, "
        "`#challenge`, `#enable`, `#heart` (`/nudge practices` says what they mean)."
    ) in said(note)
    [(row, recipients)] = kudos_rows(sessions, bot.team)
    assert recipients == [ben]
    assert (row.reason, row.practice) == (f"for fixing the flaky login test {tag}", "heart")
    assert len(bot.slack.responses[key]) == 2


def test_a_link_to_a_channel_at_the_end_is_just_text_and_needs_no_note(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    ben = slack_id("U")
    _, key = bot.command("/kudos", f"<@{ben}> for the answers in <#C0SUPPORT|support>")
    assert "> for the answers in <#C0SUPPORT|support>" in said(bot.slack.wait_response(key))
    bot.slack.wait_for(lambda: kudos_rows(sessions, bot.team))
    assert len(bot.slack.responses[key]) == 1


# -- refused in the ack ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("", ["Who are the kudos for? Start with an @mention."]),
        ("   ", ["Who are the kudos for?"]),
        ("for being great", ["Who are the kudos for?"]),
        ("<@UANA01>", ["Say what they did"]),
        ("<@UANA01|ana> for", ["Say what they did"]),
        ("<@UANA01> for !!! ...", ["Say what they did"]),
        ("<@UANA01> #challenge", ["Say what they did"]),
        ("<!here> for the great demo", ["Kudos go to people, not to groups"]),
        ("<!channel> for the great demo", ["not to groups or the whole channel"]),
        ("<!subteam^S0TEAM|@devs> for the demo", ["not to groups"]),
        ("@ana for the demo", ["I couldn't tell who *@ana* is", "turns blue"]),
        ("<@UANA01> #nope", ["Say what they did"]),  # a tag alone says nothing
    ],
)
def test_bad_kudos_are_refused_in_the_ack_and_nothing_is_written(
    bot: SlackDriver, sessions: sessionmaker[Session], text: str, phrases: list[str]
) -> None:
    reply, key = bot.command("/kudos", text)
    assert_ack_error(reply, *phrases, "Try: `/kudos @ana")
    assert counts(sessions, bot.team) == NOTHING
    assert bot.slack.responses[key] == []


def test_self_kudos_are_refused(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    other = slack_id("U")
    reply, _ = bot.command("/kudos", f"<@{other}> and <@{bot.user}|me> for the release")
    assert_ack_error(reply, "You can't give yourself kudos")
    assert counts(sessions, bot.team) == NOTHING
    asked = {c.params.get("user") for c in bot.slack.calls_to("users.info")}
    assert not asked & {other, bot.user}


def test_more_than_ten_recipients_are_refused(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    people = " ".join(f"<@{slack_id('U')}>" for _ in range(11))
    reply, _ = bot.command("/kudos", f"{people} for the offsite")
    assert_ack_error(reply, "That's 11 people; kudos go to at most 10 at once.")
    assert counts(sessions, bot.team) == NOTHING


def test_too_long_reason_is_refused(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    reason = "for " + "x" * 2997  # 3,001 characters
    reply, _ = bot.command("/kudos", f"<@{slack_id('U')}> {reason}")
    assert_ack_error(reply, "That is 3,001 characters; please keep it under 3,000.")
    assert counts(sessions, bot.team) == NOTHING


def test_reason_of_exactly_3000_characters_is_accepted(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reason = "for " + "y" * 2996
    reply, key = bot.command("/kudos", f"<@{slack_id('U')}> {reason}")
    assert reply.status == 200 and reply.body == ""
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"
    [(row, _)] = kudos_rows(sessions, bot.team)
    assert row.reason == reason


# -- refused after the ack -------------------------------------------------------------------


def test_kudos_to_a_bot_are_refused_and_nothing_is_written(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    person, robot = slack_id("U"), slack_id("U")
    bot.slack.add_user(robot, is_bot=True)
    reply, key = bot.command("/kudos", f"<@{person}> <@{robot}|deploybot> for the deploy")
    assert_later_error(bot, reply, key, f"<@{robot}> is a bot", "people on your team")
    assert counts(sessions, bot.team) == NOTHING
    asked = {c.params.get("user") for c in bot.slack.calls_to("users.info")}
    assert robot in asked


def test_kudos_to_slackbot_are_refused(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    def slackbot_lookups() -> int:
        return sum(
            1 for c in bot.slack.calls_to("users.info") if c.params.get("user") == "USLACKBOT"
        )

    before = slackbot_lookups()
    reply, key = bot.command("/kudos", "<@USLACKBOT> for the reminders")
    assert_later_error(bot, reply, key, "<@USLACKBOT> is a bot")
    assert counts(sessions, bot.team) == NOTHING
    assert slackbot_lookups() == before


def test_kudos_to_an_unknown_user_are_refused(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    ghost = slack_id("U")
    bot.slack.remove_user(ghost)
    reply, key = bot.command("/kudos", f"<@{ghost}> for the help")
    assert_later_error(bot, reply, key, f"I couldn't find <@{ghost}> in this workspace.")
    assert counts(sessions, bot.team) == NOTHING


def test_slack_failure_during_lookup_apologises_and_saves_nothing(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.fail("users.info", "internal_error")
    reply, key = bot.command("/kudos", f"<@{slack_id('U')}> for the help")
    assert reply.status == 200 and reply.body == ""
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "ephemeral"
    assert APOLOGY in said(message)
    assert counts(sessions, bot.team) == NOTHING


# -- daily cap -------------------------------------------------------------------------------


def test_daily_cap_counts_people_per_giver_per_day(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    bot = make_bot(kudos_daily_cap=2)
    ana, ben, cy = slack_id("U"), slack_id("U"), slack_id("U")

    reply, key = bot.command("/kudos", f"<@{ana}> for the notes")
    assert reply.body == ""
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"

    # Two more people would make three today: refused, nothing written.
    reply, key = bot.command("/kudos", f"<@{ben}> <@{cy}> for the demo")
    assert_later_error(
        bot, reply, key, "Your workspace allows 2 kudos a day and you have 1 left today."
    )
    assert counts(sessions, bot.team)["recognitions"] == 1
    assert counts(sessions, bot.team)["recognition_recipients"] == 1

    reply, key = bot.command("/kudos", f"<@{ben}> for the demo")
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"

    reply, key = bot.command("/kudos", f"<@{cy}> for the review")
    assert_later_error(bot, reply, key, "allows 2 kudos a day and you have 0 left today")
    assert counts(sessions, bot.team)["recognition_recipients"] == 2

    # Another giver in the same workspace has a cap of their own.
    other = slack_id("U")
    reply, key = bot.command("/kudos", f"<@{ana}> <@{cy}> for the pairing", user=other)
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"
    rows = kudos_rows(sessions, bot.team)
    assert [(r.giver_id, people) for r, people in rows] == [
        (bot.user, [ana]),
        (bot.user, [ben]),
        (other, [ana, cy]),
    ]


def test_daily_cap_starts_again_at_local_midnight(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    zone = "Pacific/Kiritimati"  # UTC+14: the local day differs from the UTC day
    bot = make_bot(kudos_daily_cap=2, timezone=zone)
    local_now = datetime.now(ZoneInfo(zone))
    midnight = datetime.combine(local_now.date(), clock_time(0), tzinfo=local_now.tzinfo)
    with sessions.begin() as s:
        ensure_workspace(s, bot.team)
        for when, people in ((midnight - timedelta(seconds=1), 5), (None, 1)):
            s.add(
                Recognition(
                    team_id=bot.team,
                    channel_id=bot.channel,
                    giver_id=bot.user,
                    reason="for earlier work",
                    practice="heart",
                    commitment="recognise",
                    created_at=when or datetime.now(UTC) - timedelta(seconds=1),
                    recipients=[
                        RecognitionRecipient(team_id=bot.team, user_id=slack_id("U"))
                        for _ in range(people)
                    ],
                )
            )

    # Yesterday's five don't count, today's one does: one left.
    reply, key = bot.command("/kudos", f"<@{slack_id('U')}> <@{slack_id('U')}> for the fix")
    assert_later_error(bot, reply, key, "allows 2 kudos a day and you have 1 left today")
    reply, key = bot.command("/kudos", f"<@{slack_id('U')}> for the fix")
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"
    assert counts(sessions, bot.team)["recognitions"] == 3


def test_daily_cap_is_per_workspace(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    bot = make_bot(kudos_daily_cap=1)
    _, key = bot.command("/kudos", f"<@{slack_id('U')}> for the notes")
    assert bot.slack.wait_response(key)["response_type"] == "in_channel"
    # The same user id in another workspace has a cap of its own ...
    twin = SlackDriver(
        url=bot.url, secret=bot.secret, slack=bot.slack, sessions=sessions, user=bot.user
    )
    _, key = twin.command("/kudos", f"<@{slack_id('U')}> for the notes")
    assert twin.slack.wait_response(key)["response_type"] == "in_channel"
    assert counts(sessions, twin.team)["recognitions"] == 1
    # ... while the cap still holds in the first.
    reply, key = bot.command("/kudos", f"<@{slack_id('U')}> for more notes")
    assert_later_error(bot, reply, key, "allows 1 kudos a day and you have 0 left today")
    assert counts(sessions, bot.team)["recognitions"] == 1


def test_daily_cap_holds_when_kudos_arrive_together(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    """Eight kudos arrive while the database is busy with another writer; the giver's cap
    is one a day, so exactly one may be logged and seven refused."""
    bot = make_bot(kudos_daily_cap=1)
    with sessions.begin() as s:
        ensure_workspace(s, bot.team)
    recipients = [slack_id("U") for _ in range(8)]
    keys: list[str] = []

    def give(recipient: str) -> None:
        reply, key = bot.command("/kudos", f"<@{recipient}> for the incident write-up")
        assert reply.status == 200 and reply.body == ""
        keys.append(key)

    busy = sessions()
    try:
        # Another writer holds the write lock: reads go on, the kudos inserts must wait.
        if busy.get_bind().dialect.name == "postgresql":
            busy.execute(text("LOCK TABLE recognitions IN SHARE MODE"))
        else:
            busy.execute(
                text("UPDATE workspaces SET inactive_reason = NULL WHERE team_id = :team"),
                {"team": bot.team},
            )
        threads = [threading.Thread(target=give, args=(r,)) for r in recipients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        bot.slack.wait_for(
            lambda: (
                {c.params.get("user") for c in bot.slack.calls_to("users.info")} >= set(recipients)
            )
        )
        time.sleep(0.3)  # let the eight reach the database; nothing to wait on but time
    finally:
        busy.rollback()
        busy.close()

    answers = [said(bot.slack.wait_response(key, timeout=20)) for key in keys]
    assert not [a for a in answers if APOLOGY in a]
    refused = [a for a in answers if "allows 1 kudos a day and you have 0 left today" in a]
    assert counts(sessions, bot.team)["recognitions"] == 1
    assert len(refused) == 7


def test_broadcast_mentions_in_the_reason_never_ping_the_channel(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    ana = slack_id("U")
    reply, key = bot.command("/kudos", f"<@{ana}> for rallying <!everyone> and <!here>")
    assert reply.body == ""
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "in_channel"
    text = said(message)
    assert "<!" not in text, text
    assert "> for rallying @everyone and @here" in text
    assert f"<@{ana}>" in text  # a person's mention stays a mention
    [(row, recipients)] = kudos_rows(sessions, bot.team)
    assert (row.reason, recipients) == ("for rallying <!everyone> and <!here>", [ana])


def test_a_trailing_channel_link_is_text_not_a_tag(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, key = bot.command("/kudos", "<@UANA01>,<@UBEN01> for helping in <#C0SUP01|support>")
    assert reply.status == 200 and reply.body == ""
    posted = bot.slack.wait_response(key)
    assert posted["response_type"] == "in_channel"
    assert "for helping in <#C0SUP01|support>" in said(posted)
    assert "<@UANA01> and <@UBEN01>" in said(posted)
    assert counts(sessions, bot.team)["recognition_recipients"] == 2


def test_control_characters_are_dropped_on_every_database(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, key = bot.command("/kudos", "<@UANA01> for the re\x00tro\x07")
    assert reply.status == 200 and reply.body == ""
    assert "for the retro" in said(bot.slack.wait_response(key))
    with sessions() as s:
        assert s.scalar(select(Recognition.reason).where(Recognition.team_id == bot.team)) == (
            "for the retro"
        )


def test_a_refused_kudos_gives_the_reason_back(bot: SlackDriver) -> None:
    typed = "@ben for staying late three nights to get the release out"
    reply, _ = bot.command("/kudos", typed)
    assert_ack_error(reply, "I couldn't tell who")
    assert "staying late three nights to get the release out" in reply.text


def test_a_refusal_of_a_few_words_is_not_echoed(bot: SlackDriver) -> None:
    reply, _ = bot.command("/kudos", "nobody")
    assert_ack_error(reply, "Who are the kudos for?")
    assert "nobody" not in reply.text.split("Who are the kudos for?")[1]


def test_a_kudos_that_says_payload_is_a_command_like_any_other(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    """Bolt alone takes a form body holding the word "payload" for a button click."""
    ana = slack_id("U")
    reply, key = bot.command("/kudos", f"<@{ana}|ana> for the payload docs #payload-team")
    assert reply.status == 200 and reply.body == ""
    assert "for the payload docs" in said(bot.slack.wait_response(key))
    [(row, recipients)] = kudos_rows(sessions, bot.team)
    assert recipients == [ana] and row.reason.startswith("for the payload docs")
