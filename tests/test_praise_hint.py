"""The private hint for specific praise: which reasons name no action, given after the kudos
is posted (never instead of it), at most once a week per person (also when two kudos arrive
at once), the same from the command and the Respond form, and forgotten with the person."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.privacy import service as privacy
from bot.recognition import praise
from models.queries import ensure_workspace
from models.tables import PrivateHint, Prompt, Recognition
from tests.driver import SlackDriver, slack_id
from tests.helpers import said
from tests.test_prompt_flow import open_modal, post_prompt
from tests.test_thread_replies import reactions, reply_event

HINT = "praise lands best when it says what the person did and what it made possible"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("reason", "generic"),
    [
        ("thanks!", True),
        ("for the help", True),
        ("great job :tada:", True),
        ("Thank you so much for all your hard work!", True),
        ("you rock, well done, awesome stuff as always", True),
        ("for being an absolute legend <@U0BEN> <https://x.test|link>", True),
        ("+Ownership thanks a lot", True),
        ("for fixing the flaky login test", False),
        ("for pairing with me on the migration so we shipped Friday", False),
        ("thanks for reviewing my PR so fast", False),
        ("great job on the customer demo", False),
        ("for writing the on-call runbook", False),
    ],
)
def test_which_reasons_name_no_action(reason: str, generic: bool) -> None:
    assert praise.names_no_action(reason) is generic


def test_the_hint_is_claimed_at_most_once_a_week(sessions: sessionmaker[Session]) -> None:
    team, user = slack_id("T"), slack_id("U")

    def claim(at: datetime) -> bool:
        with sessions.begin() as s:
            return praise.claim(s, team_id=team, user_id=user, now=at)

    assert claim(NOW)
    assert not claim(NOW + timedelta(hours=1))
    assert not claim(NOW + timedelta(days=6, hours=23))
    assert claim(NOW + timedelta(days=7))
    assert not claim(NOW + timedelta(days=8))
    with sessions() as s:
        [row] = s.scalars(select(PrivateHint).where(PrivateHint.team_id == team))
    assert (row.kind, row.sent_at) == ("specific_praise", NOW + timedelta(days=7))
    assert claim(NOW + timedelta(days=8)) is False  # and another person is separate:
    with sessions.begin() as s:
        assert praise.claim(s, team_id=team, user_id=slack_id("U"), now=NOW)


def test_two_kudos_at_once_give_one_hint(sessions: sessionmaker[Session]) -> None:
    team, user = slack_id("T"), slack_id("U")
    with sessions.begin() as s:
        ensure_workspace(s, team)
    start = threading.Barrier(4)
    won: list[bool] = []

    def race() -> None:
        start.wait()
        for _ in range(20):
            try:
                with sessions.begin() as s:
                    won.append(praise.claim(s, team_id=team, user_id=user, now=NOW))
                return
            except Exception:  # SQLite's lock timeout: try again, as a person would
                continue

    threads = [threading.Thread(target=race) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won) == [False, False, False, True]


def hints_to(bot: SlackDriver, key: str) -> list[str]:
    return [said(m) for m in bot.slack.responses.get(key, []) if HINT in said(m)]


def kudos(bot: SlackDriver, reason: str) -> tuple[dict[str, Any], str]:
    _, key = bot.command("/kudos", f"<@{slack_id('U')}> {reason}")
    posted = bot.slack.wait_response(key)
    assert posted["response_type"] == "in_channel"  # the kudos went out as written
    return posted, key


def test_a_generic_kudos_brings_one_private_hint_a_week(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    posted, key = kudos(bot, "great job!")
    assert "> great job!" in said(posted)
    [hint] = bot.slack.wait_for(lambda: hints_to(bot, key))
    [answer] = [m for m in bot.slack.responses[key] if HINT in said(m)]
    assert answer["response_type"] == "ephemeral"
    assert "Only you see this" in hint

    _, again = kudos(bot, "thanks!")
    _, specific = kudos(bot, "for pairing on the flaky test, so we shipped on Friday")
    bot.slack.wait_for(lambda: len(bot.slack.responses.get(specific, [])) >= 1)
    assert hints_to(bot, again) == [] and hints_to(bot, specific) == []
    with sessions() as s:
        assert s.scalar(select(PrivateHint.user_id).where(PrivateHint.team_id == bot.team))
        assert (
            len(list(s.scalars(select(Recognition.id).where(Recognition.team_id == bot.team)))) == 3
        )


def test_specific_praise_brings_no_hint_and_keeps_no_row(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _, key = kudos(bot, "for writing the on-call runbook before the holidays")
    _, second = kudos(bot, "for pairing on the migration")
    bot.slack.wait_for(lambda: bot.slack.responses.get(second))
    assert hints_to(bot, key) == [] and hints_to(bot, second) == []
    with sessions() as s:
        assert s.scalars(select(PrivateHint).where(PrivateHint.team_id == bot.team)).all() == []


def test_the_hint_never_blocks_the_kudos(
    bot: SlackDriver, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> bool:
        raise RuntimeError("the hint's table is gone")

    monkeypatch.setattr(praise, "claim", broken)
    posted, key = kudos(bot, "thanks")
    assert "> thanks" in said(posted)
    assert hints_to(bot, key) == []
    assert not any("went wrong" in said(m) for m in bot.slack.responses[key])
    with sessions() as s:
        assert s.scalar(select(Recognition.reason).where(Recognition.team_id == bot.team))


def test_the_respond_form_gives_the_same_hint_once(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _, ts = post_prompt(bot, "heart")
    for n in range(2):
        view = open_modal(bot, "heart.recognise.3", ts)
        reply = bot.submit_view(view["private_metadata"], "thanks!", recipients=[slack_id("U")])
        assert reply.status == 200 and reply.body == ""
        bot.slack.wait_for(
            lambda n=n: (
                len(
                    [c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("thread_ts")]
                )
                >= n + 1
            )
        )
    notes = bot.slack.wait_for(
        lambda: [c for c in bot.slack.calls_to("chat.postEphemeral") if HINT in c.params["text"]]
    )
    assert len(notes) == 1 and notes[0].params["user"] == bot.user
    assert notes[0].params["channel"] == bot.channel


def test_forget_me_deletes_the_hints_record(sessions: sessionmaker[Session]) -> None:
    team, user = slack_id("T"), slack_id("U")
    with sessions.begin() as s:
        ensure_workspace(s, team)
        praise.claim(s, team_id=team, user_id=user, now=NOW)
        assert privacy.held(s, team_id=team, user_id=user).hints == 1
        done = privacy.forget(s, team_id=team, user_id=user)
    assert done.hints == 1
    with sessions() as s:
        assert s.scalars(select(PrivateHint).where(PrivateHint.team_id == team)).all() == []


def test_a_kudos_given_as_a_thread_reply_gets_the_hint_privately_once_a_week(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    """Not a note in the thread for everyone: an ephemeral message there, seen by the giver
    alone, under the same weekly limit as /kudos and the Respond form."""
    _, prompt_ts = post_prompt(bot, "heart")
    with sessions.begin() as s:  # a recognition prompt, whatever was drawn
        s.execute(
            Prompt.__table__.update()
            .where(Prompt.team_id == bot.team)
            .values(response_kind="kudos", prompt_key="heart.recognise.1")
        )

    def hinted() -> list[Any]:  # the fake is shared by the module: this test's thread only
        return [
            c
            for c in bot.slack.calls_to("chat.postEphemeral")
            if HINT in c.params["text"] and c.params.get("thread_ts") == prompt_ts
        ]

    first, second = "1700000900.000100", "1700000900.000200"
    assert reply_event(bot, prompt_ts, f"<@{slack_id('U')}> thanks!", first) == 200
    [hint] = bot.slack.wait_for(hinted)
    assert hint.params["user"] == bot.user and hint.params["channel"] == bot.channel
    assert hint.params["thread_ts"] == prompt_ts
    assert not [
        c for c in bot.slack.calls_to("chat.postMessage") if HINT in str(c.params.get("text"))
    ]  # nothing public
    assert reply_event(bot, prompt_ts, f"<@{slack_id('U')}> great job", second) == 200
    bot.slack.wait_for(lambda: reactions(bot, second))
    _, key = kudos(bot, "you rock")
    assert hints_to(bot, key) == [] and len(hinted()) == 1
    with sessions() as s:
        assert (
            len(s.scalars(select(Recognition.id).where(Recognition.team_id == bot.team)).all()) == 3
        )
