"""/nudge over HTTP: help, practices, now, progress, logging and guidelines."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from models.queries import ensure_workspace
from models.tables import Prompt, Recognition, RecognitionRecipient, Response, Statement
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.fake_slack import Scripted
from tests.helpers import APOLOGY, NOTHING, counts, posted
from tests.shown import (
    assert_ack_error,
    assert_later_error,
    assert_private_reply,
    said,
    shown,
    stray_controls,
)

LEADERS_ONLY = "Only admins and the team's leaders can publish this."


def posts_to(bot: SlackDriver, channel: str | None = None) -> list[dict[str, Any]]:
    """chat.postMessage calls to the driver's channel, blocks decoded."""
    found = []
    for call in bot.slack.calls_to("chat.postMessage"):
        if call.params.get("channel") == (channel or bot.channel):
            params = dict(call.params)
            if isinstance(params.get("blocks"), str):
                params["blocks"] = json.loads(params["blocks"])
            found.append(params)
    return found


def prompt_rows(sessions: sessionmaker[Session], team: str) -> list[Prompt]:
    with sessions() as s:
        return list(s.scalars(select(Prompt).where(Prompt.team_id == team).order_by(Prompt.id)))


def wait_prompts(bot: SlackDriver, sessions: sessionmaker[Session], n: int) -> list[Prompt]:
    """The team's prompt rows, once there are `n` of them (the row is written after the post)."""
    return bot.slack.wait_for(
        lambda: (rows := prompt_rows(sessions, bot.team)) and len(rows) >= n and rows
    )


def button(post: dict[str, Any]) -> dict[str, Any]:
    actions = [b for b in post["blocks"] if b["type"] == "actions"]
    assert len(actions) == 1, post["blocks"]
    [element] = actions[0]["elements"]
    return element


# -- help and practices ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
def test_help_lists_every_command(
    bot: SlackDriver, sessions: sessionmaker[Session], text: str
) -> None:
    reply, key = bot.command("/nudge", text)
    assert reply.status == 200
    assert reply.json["response_type"] == "ephemeral"
    for line in (
        "`/kudos @ana [@ben ...] [+value] for <what they did> [#practice]`",
        "`/win [+value] <what went well> [#practice]`",
        "`/vision set <text>`",
        "`/nudge fear <text>`: logged anonymously",
        "`/nudge now [practice]`",
        "`/nudge progress [7d|30d|90d] [chart]`",
        "`/nudge practices`",
        "`/nudge guidelines [set <text>]`",
        "Practices: model, vision, challenge, enable, heart",
    ):
        assert line in shown(reply.text), line
    assert stray_controls(reply.text) == []  # every <placeholder> is shown as written
    assert "I don't know" not in reply.text
    assert counts(sessions, bot.team) == NOTHING
    assert bot.slack.responses[key] == []


def test_unknown_subcommand_says_so_and_shows_help(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, _ = bot.command("/nudge", "bogus please do things")
    assert reply.json["response_type"] == "ephemeral"
    assert "I don't know `bogus`. Here's what I do:" in reply.text
    assert "`/nudge now [practice]`" in reply.text
    assert counts(sessions, bot.team) == NOTHING


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("kudos <@{ben}|ben> for the fix", "/kudos <@{ben}|ben> for the fix"),
        ("Kudos <@{ben}> for the fix &amp; the docs", "/kudos <@{ben}> for the fix & the docs"),
        ("/kudos <@{ben}> for the fix", "/kudos <@{ben}> for the fix"),
        ("win shipped the beta", "/win shipped the beta"),
        ("vision set We ship calmly", "/vision set We ship calmly"),
        ("vision", "/vision"),
    ],
)
def test_a_command_of_its_own_typed_after_nudge_gets_did_you_mean_with_the_words(
    bot: SlackDriver, sessions: sessionmaker[Session], typed: str, meant: str
) -> None:
    ben = slack_id("U")
    reply, key = bot.command("/nudge", typed.format(ben=ben))
    own = meant.split()[0]
    # Before: the whole help, and their words were gone.
    assert_ack_error(
        reply,
        f"`{own}` is a command of its own, not part of `/nudge`.",
        f"Did you mean `{meant.format(ben=ben)}`?",
        "`/nudge help` lists everything I do.",
    )
    assert "*Recognise and share*" not in reply.text  # a pointer to help, not all of it
    assert counts(sessions, bot.team) == NOTHING
    assert bot.slack.responses[key] == []


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("progres 30d", "/nudge progress 30d"),
        ("shedule list", "/nudge schedule list"),
        ("comit ship the guide by fri", "/nudge commit ship the guide by fri"),
        ("ideas lunch and learn", "/nudge idea lunch and learn"),
        ("kudo <@{ben}> for the fix", "/kudos <@{ben}> for the fix"),
        ("HLP", "/nudge help"),
    ],
)
def test_a_typo_close_to_a_command_gets_the_nearest_with_the_words(
    bot: SlackDriver, sessions: sessionmaker[Session], typed: str, meant: str
) -> None:
    ben = slack_id("U")
    reply, _ = bot.command("/nudge", typed.format(ben=ben))
    word = typed.split()[0]
    assert_ack_error(
        reply,
        f"I don't know `/nudge {word}`. Did you mean `{meant.format(ben=ben)}`?",
        "`/nudge help` lists everything I do.",
    )
    assert "*Recognise and share*" not in reply.text
    assert counts(sessions, bot.team) == NOTHING


def test_did_you_mean_keeps_a_long_text_whole_in_a_quote(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    story = "for staying late to fix the release, " * 12 + "thank you"
    reply, _ = bot.command("/nudge", f"kudos <@U0BEN>\n{story}")
    assert_ack_error(reply, "Did you mean `/kudos`? Here is what you wrote after it:")
    assert "> <@U0BEN>\n> " + story in reply.text
    assert counts(sessions, bot.team) == NOTHING


def test_practices_lists_the_five_practices_and_their_commitments(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, _ = bot.command("/nudge", "practices")
    assert reply.json["response_type"] == "ephemeral"
    assert "The Five Practices" in reply.text
    for practice in catalogue.PRACTICES:
        assert f"{practice.emoji} *{practice.name}* (`{practice.key}`)" in reply.text
        for commitment in practice.commitments:
            assert f"• *{commitment.name}*: {commitment.summary}" in reply.text
    assert "Tag kudos and wins with `#model`" in reply.text
    assert counts(sessions, bot.team) == NOTHING


# -- now -------------------------------------------------------------------------------------


def test_now_with_a_practice_posts_a_prompt_with_a_respond_button_and_records_it(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    ts = "1712345678.000100"
    bot.slack.script(
        "chat.postMessage", Scripted(body={"ok": True, "channel": bot.channel, "ts": ts})
    )
    reply, key = bot.command("/nudge", "now challenge")
    assert reply.status == 200 and reply.body == ""

    [post] = bot.slack.wait_for(lambda: posts_to(bot))
    element = button(post)
    assert element["action_id"] == "respond"
    assert element["text"]["text"] == "Respond"
    found = catalogue.find_prompt(element["value"])
    assert found is not None
    practice, commitment, item = found
    assert practice.key == "challenge"
    assert post["text"] == item.text
    shown = blocks_text(post["blocks"])
    assert "*:hammer_and_wrench: Challenge the Process*" in shown
    assert item.text in shown
    assert commitment.name in shown

    [row] = wait_prompts(bot, sessions, 1)
    assert row.message_ts == ts
    assert row.channel_id == bot.channel
    assert (row.practice, row.commitment, row.prompt_key) == (
        "challenge",
        commitment.key,
        item.key,
    )
    assert (row.response_kind, row.text, row.posted_by) == (item.kind, item.text, bot.user)
    assert counts(sessions, bot.team) == {**NOTHING, "prompts": 1}
    assert bot.slack.responses[key] == []


@pytest.mark.parametrize(
    ("words", "practice"),
    [("heart", "heart"), ("Encourage the Heart", "heart"), ("#model", "model"), ("mtw", "model")],
)
def test_now_understands_practice_names_and_aliases(
    bot: SlackDriver, sessions: sessionmaker[Session], words: str, practice: str
) -> None:
    reply, _ = bot.command("/nudge", f"now {words}")
    assert reply.body == ""
    [row] = wait_prompts(bot, sessions, 1)
    assert row.practice == practice
    [post] = posts_to(bot)
    assert button(post)["value"] == row.prompt_key
    assert catalogue.practice(practice).name in blocks_text(post["blocks"])


def test_now_never_repeats_the_prompt_the_channel_saw_last(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    for n in range(1, 7):
        bot.command("/nudge", "now heart")
        wait_prompts(bot, sessions, n)
    keys = [r.prompt_key for r in prompt_rows(sessions, bot.team)]
    assert all(k.startswith("heart.") for k in keys)
    assert all(a != b for a, b in itertools.pairwise(keys)), keys
    assert [button(p)["value"] for p in posts_to(bot)] == keys


def test_now_without_a_practice_prompts_the_one_needing_attention(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    now = datetime.now(UTC)
    with sessions.begin() as s:
        ensure_workspace(s, bot.team)
        for practice in ("model", "vision", "challenge", "heart"):
            s.add(response(bot, "idea", practice, "U0ANA", now - timedelta(days=2)))
        # Activity elsewhere doesn't count for this channel.
        s.add(response(bot, "idea", "enable", "U0ANA", now, channel=slack_id("C")))
    reply, key = bot.command("/nudge", "now")
    assert reply.body == ""
    # A prompt is posted, or else the person is told why not.
    bot.slack.wait_for(lambda: posts_to(bot) or bot.slack.responses[key])
    assert bot.slack.responses[key] == [], said(bot.slack.responses[key][0])
    [row] = wait_prompts(bot, sessions, 1)
    assert row.practice == "enable"
    [post] = posts_to(bot)
    assert "Enable Others to Act" in blocks_text(post["blocks"])


@pytest.mark.parametrize("rest", ["nonsense", "the heart", "hearts"])
def test_now_with_an_unknown_practice_is_refused(
    bot: SlackDriver, sessions: sessionmaker[Session], rest: str
) -> None:
    reply, _ = bot.command("/nudge", f"now {rest}")
    assert_ack_error(
        reply, f"I don't know the practice *{rest}*. Try one of:", "Try: `/nudge now [practice]`"
    )
    assert counts(sessions, bot.team) == NOTHING
    assert posts_to(bot) == []


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found", "is_archived"])
def test_now_where_the_bot_cannot_post_says_how_to_fix_it_and_records_nothing(
    bot: SlackDriver, sessions: sessionmaker[Session], error: str
) -> None:
    bot.slack.fail("chat.postMessage", error)
    reply, key = bot.command("/nudge", "now heart")
    assert reply.status == 200 and reply.body == ""
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "ephemeral"
    text = said(message)
    assert "I can only post prompts in channels I'm a member of" in text
    assert "`/invite @nudgebot`" in text
    assert counts(sessions, bot.team) == NOTHING


def test_now_when_slack_refuses_the_post_apologises_and_records_nothing(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.fail("chat.postMessage", "invalid_blocks")
    reply, key = bot.command("/nudge", "now heart")
    assert reply.status == 200, reply.body
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "ephemeral"
    assert APOLOGY in said(message)
    assert counts(sessions, bot.team) == NOTHING


# -- progress --------------------------------------------------------------------------------


def response(
    bot: SlackDriver,
    kind: str,
    practice: str,
    user: str | None,
    when: datetime,
    channel: str | None = None,
) -> Response:
    return Response(
        team_id=bot.team,
        channel_id=channel or bot.channel,
        user_id=None if kind == "fear" else user,
        kind=kind,
        practice=practice,
        commitment=catalogue.practice(practice).tag_commitment,
        text=f"a {kind}",
        source="command",
        created_at=when,
    )


def kudos(
    bot: SlackDriver, practice: str, giver: str, when: datetime, channel: str | None = None
) -> Recognition:
    return Recognition(
        team_id=bot.team,
        channel_id=channel or bot.channel,
        giver_id=giver,
        reason="for the work",
        practice=practice,
        commitment=catalogue.practice(practice).tag_commitment,
        created_at=when,
        recipients=[RecognitionRecipient(team_id=bot.team, user_id=slack_id("U"))],
    )


def seed_history(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    """A channel's history, 1 hour to 100 days old, with noise in another channel."""
    now = datetime.now(UTC)
    ago = lambda days: now - timedelta(days=days)  # noqa: E731
    a, b, c, d, e, f, g = (f"U0PERSON{i}" for i in "ABCDEFG")
    with sessions.begin() as s:
        ensure_workspace(s, bot.team)
        s.add_all(
            [
                # the last 7 days
                kudos(bot, "heart", a, ago(1)),
                kudos(bot, "heart", b, ago(2)),
                kudos(bot, "challenge", a, ago(3)),
                response(bot, "win", "heart", a, now - timedelta(hours=1)),
                response(bot, "hope", "vision", c, ago(5)),
                response(bot, "fear", "vision", None, ago(6)),
                # 7 to 14 days ago
                response(bot, "win", "heart", d, ago(8)),
                response(bot, "idea", "challenge", d, ago(9)),
                kudos(bot, "heart", e, ago(12)),
                response(bot, "reflection", "model", e, ago(13)),
                # 14 to 30 days ago
                response(bot, "goal", "enable", f, ago(20)),
                kudos(bot, "model", f, ago(25)),
                # 30 to 90 days ago, and older
                response(bot, "pilot", "challenge", g, ago(45)),
                kudos(bot, "heart", g, ago(70)),
                response(bot, "hope", "vision", g, ago(100)),
                # another channel: never counted here
                *[kudos(bot, "model", "U0OTHER", ago(1), channel="C0ELSEWHERE") for _ in range(5)],
                response(bot, "win", "enable", "U0OTHER", ago(1), channel="C0ELSEWHERE"),
            ]
        )
        s.add(
            Prompt(
                team_id=bot.team,
                channel_id=bot.channel,
                practice="enable",
                commitment="empower",
                prompt_key="enable.empower.1",
                response_kind="reflection",
                text="a prompt",
                created_at=ago(1),
            )
        )


PROGRESS = {
    7: (
        [
            ":compass: *Model the Way*: nothing · 1 reflection the week before",
            ":telescope: *Inspire a Shared Vision*: 2 (1 hope, 1 worry) · none the week before",
            ":hammer_and_wrench: *Challenge the Process*: 1 kudos · 1 idea the week before",
            ":handshake: *Enable Others to Act*: nothing · none the week before",
            ":tada: *Encourage the Heart*: 3 (2 kudos, 1 win) · 2 (1 kudos, 1 win) the week before",
        ],
        # A, B and C, and the three people their kudos named.
        ":busts_in_silhouette: *6 people* took part.",
        # No prompt posted but Enable Others to Act's (unanswered): the four never asked are
        # as much in need, and Model the Way is the one quiet longest (13 days).
        "Model the Way",
    ),
    30: (
        [
            ":compass: *Model the Way*: 2 (1 kudos, 1 reflection) · none the 30 days before",
            ":telescope: *Inspire a Shared Vision*: 2 (1 hope, 1 worry) · none the 30 days before",
            ":hammer_and_wrench: *Challenge the Process*: 2 (1 kudos, 1 idea) · 1 pilot the 30 "
            "days before",
            ":handshake: *Enable Others to Act*: 1 goal · none the 30 days before",
            ":tada: *Encourage the Heart*: 5 (3 kudos, 2 wins) · none the 30 days before",
        ],
        ":busts_in_silhouette: *11 people* took part.",
        "Model the Way",  # as over 7 days: needs attention reads prompts, not counts
    ),
    90: (
        [
            # The history begins 100 days ago, within the 90 days before: "new" for nothing.
            ":compass: *Model the Way*: 2 (1 kudos, 1 reflection) · new",
            ":telescope: *Inspire a Shared Vision*: 2 (1 hope, 1 worry) · 1 hope the 90 days "
            "before",
            ":hammer_and_wrench: *Challenge the Process*: 3 (1 kudos, 1 pilot, 1 idea) · new",
            ":handshake: *Enable Others to Act*: 1 goal · new",
            ":tada: *Encourage the Heart*: 6 (4 kudos, 2 wins) · new",
        ],
        ":busts_in_silhouette: *13 people* took part.",
        "Model the Way",
    ),
}


@pytest.mark.parametrize(
    ("rest", "days"), [("", 7), ("7d", 7), ("30d", 30), ("90D", 90), (" 30d ", 30)]
)
def test_progress_counts_trends_people_and_focus(
    bot: SlackDriver, sessions: sessionmaker[Session], rest: str, days: int
) -> None:
    seed_history(bot, sessions)
    before = counts(sessions, bot.team)
    reply, key = bot.command("/nudge", f"progress {rest}")
    assert reply.status == 200 and reply.body == ""
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "ephemeral"  # the asker's, until they share it
    text = said(message)
    lines, people, focus = PROGRESS[days]
    assert f"Practice progress, last {days} days" in text
    assert "\n".join(lines) in text, text
    assert people in text, text
    assert f":mag: *Needs attention: {focus}*" in text
    key = next(p.key for p in catalogue.PRACTICES if p.name == focus)
    assert f"Try `/nudge now {key}`" in text
    assert counts(sessions, bot.team) == before  # reading writes nothing


def test_progress_of_a_quiet_channel(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    reply, key = bot.command("/nudge", "progress")
    assert reply.body == ""
    text = said(bot.slack.wait_response(key))
    assert "Nothing done here yet. Start with `/kudos`, `/win` or `/nudge now`." in text
    assert ":busts_in_silhouette: *0 people* took part." in text
    assert "*Needs attention: Model the Way*" in text
    assert counts(sessions, bot.team) == NOTHING


def test_progress_counts_one_person_once(bot: SlackDriver, sessions: sessionmaker[Session]) -> None:
    for text in ("shipped it #model", "fixed the build #enable"):
        _, key = bot.command("/win", text)
        bot.slack.wait_response(key)
    _, key = bot.command("/kudos", f"<@{slack_id('U')}> for the review")
    bot.slack.wait_response(key)
    _, key = bot.command("/nudge", "fear we move too fast")
    bot.slack.wait_response(key)

    _, key = bot.command("/nudge", "progress 7d")
    text = said(bot.slack.wait_response(key))
    # The person once, however much they did, and the person they recognised.
    assert ":busts_in_silhouette: *2 people* took part." in text
    assert ":compass: *Model the Way*: 1 win · new" in text
    assert ":telescope: *Inspire a Shared Vision*: 1 worry · new" in text
    assert "*Needs attention: Challenge the Process*" in text


@pytest.mark.parametrize("rest", ["5y", "7", "week", "7d 30d", "-7d"])
def test_progress_with_an_unknown_period_is_refused(
    bot: SlackDriver, sessions: sessionmaker[Session], rest: str
) -> None:
    reply, key = bot.command("/nudge", f"progress {rest}")
    assert_ack_error(
        reply, f"*{rest}* isn't a period I know.", "Try: `/nudge progress [7d|30d|90d]`"
    )
    assert counts(sessions, bot.team) == NOTHING
    assert bot.slack.responses[key] == []


# -- hope, fear, goal, pilot, idea, learning -------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "shared", "practice", "commitment", "label"),
    [
        ("hope", ":sunrise: *<@{u}> shared a hope*", "vision", "enlist", "Enlist others"),
        ("goal", ":dart: *<@{u}> shared a goal for the team*", "enable", "buyin", "Fuel buy-in"),
        (
            "pilot",
            ":test_tube: *<@{u}> proposed a small experiment*",
            "challenge",
            "experiment",
            "Exp",
        ),
        ("idea", ":bulb: *<@{u}> shared an idea*", "challenge", "change", "Make room for"),
        ("learning", ":books: *<@{u}> shared what they learned*", "enable", "empower", "Empower"),
    ],
)
def test_logged_kinds_are_shared_in_channel_with_the_author(
    bot: SlackDriver,
    sessions: sessionmaker[Session],
    kind: str,
    shared: str,
    practice: str,
    commitment: str,
    label: str,
) -> None:
    reply, key = bot.command("/nudge", f"{kind.upper()}   we could pair on every incident ")
    assert reply.status == 200 and reply.body == ""
    if kind in ("hope", "pilot", "idea"):
        # A message of its own, so that replies in its thread can be read.
        message = posted(bot)
        assert bot.slack.responses[key] == []
    else:
        message = bot.slack.wait_response(key)
        assert message["response_type"] == "in_channel"
    text = said(message)
    assert shared.format(u=bot.user) + "\n> we could pair on every incident" in text
    # It counts where its kind always counts: naming the practice would be noise.
    assert catalogue.practice(practice).name not in text and label not in text

    with sessions() as s:
        [row] = s.scalars(select(Response).where(Response.team_id == bot.team)).all()
    assert (row.kind, row.user_id, row.channel_id) == (kind, bot.user, bot.channel)
    assert row.text == "we could pair on every incident"
    assert (row.practice, row.commitment, row.source) == (practice, commitment, "command")
    assert counts(sessions, bot.team) == {**NOTHING, "responses": 1}


def test_broadcast_mentions_in_a_shared_idea_never_ping_the_channel(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, _ = bot.command("/nudge", "idea <!channel> lunch and learn on fridays")
    assert reply.body == ""
    text = said(posted(bot))
    assert "<!" not in text, text
    assert "> @channel lunch and learn on fridays" in text
    with sessions() as s:
        [row] = s.scalars(select(Response).where(Response.team_id == bot.team)).all()
    assert row.text == "<!channel> lunch and learn on fridays"


def test_fear_is_stored_without_a_name_and_not_posted_in_channel(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, key = bot.command("/nudge", "fear the reorg will split the team")
    assert reply.status == 200 and reply.body == ""
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "ephemeral"
    text = said(message)
    assert "Your worry is logged *without your name*" in text
    assert bot.user not in text
    assert "the reorg" not in text

    with sessions() as s:
        [row] = s.scalars(select(Response).where(Response.team_id == bot.team)).all()
    assert row.kind == "fear"
    assert row.user_id is None
    assert row.text == "the reorg will split the team"
    assert (row.practice, row.commitment) == ("vision", "enlist")
    assert row.channel_id == bot.channel
    assert len(bot.slack.responses[key]) == 1
    assert posts_to(bot) == []


@pytest.mark.parametrize("kind", ["hope", "fear", "goal", "pilot", "idea", "learning"])
@pytest.mark.parametrize("rest", ["", "   ", "...!?"])
def test_empty_logs_are_refused(
    bot: SlackDriver, sessions: sessionmaker[Session], kind: str, rest: str
) -> None:
    reply, key = bot.command("/nudge", f"{kind} {rest}")
    assert_ack_error(
        reply, f"Write your {kind} after `/nudge {kind}`.", f"Try: `/nudge {kind} <text>`"
    )
    assert counts(sessions, bot.team) == NOTHING
    assert bot.slack.responses[key] == []


@pytest.mark.parametrize("kind", ["hope", "fear", "learning"])
def test_too_long_logs_are_refused(
    bot: SlackDriver, sessions: sessionmaker[Session], kind: str
) -> None:
    reply, _ = bot.command("/nudge", f"{kind} " + "z" * 3001)
    assert_ack_error(reply, "That is 3,001 characters; please keep it under 3,000.")
    assert counts(sessions, bot.team) == NOTHING


# -- guidelines ------------------------------------------------------------------------------


def statement_rows(sessions: sessionmaker[Session], team: str) -> list[Statement]:
    with sessions() as s:
        return list(
            s.scalars(select(Statement).where(Statement.team_id == team).order_by(Statement.id))
        )


def test_guidelines_before_any_are_set_say_how_to_set_them(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, key = bot.command("/nudge", "guidelines")
    assert_private_reply(
        bot, reply, key, "No guidelines published yet", "`/nudge guidelines set <text>`"
    )
    assert counts(sessions, bot.team) == NOTHING


def test_admin_sets_guidelines_and_everyone_reads_them(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    reply, key = bot.command("/nudge", "guidelines set Kudos weekly. Ask for help in #help.")
    assert reply.body == ""
    message = bot.slack.wait_response(key)
    assert message["response_type"] == "in_channel"
    text = said(message)
    assert f"<@{bot.user}> published new guidelines" in text
    assert "> Kudos weekly. Ask for help in #help." in text
    assert "Version 1 · see it any time with `/nudge guidelines`" in text
    [row] = statement_rows(sessions, bot.team)
    assert (row.kind, row.text, row.author_id) == (
        "guidelines",
        "Kudos weekly. Ask for help in #help.",
        bot.user,
    )
    assert counts(sessions, bot.team) == {**NOTHING, "statements": 1}

    reply, key = bot.command("/nudge", "guidelines", user=slack_id("U"))
    assert_private_reply(
        bot,
        reply,
        key,
        "Our guidelines",
        "Kudos weekly. Ask for help in #help.",
        f"Version 1 · published by <@{bot.user}>",
    )

    # Guidelines are not the vision.
    reply, key = bot.command("/vision")
    assert_private_reply(bot, reply, key, "No vision published yet")


def test_leader_from_settings_sets_guidelines(
    make_bot: Callable[..., SlackDriver], sessions: sessionmaker[Session]
) -> None:
    leader = slack_id("U")
    bot = make_bot(leaders=frozenset({leader}))
    reply, key = bot.command("/nudge", "guidelines set Be kind, be clear.", user=leader)
    assert reply.body == ""
    assert f"<@{leader}> published new guidelines" in said(bot.slack.wait_response(key))
    assert [(r.author_id, r.text) for r in statement_rows(sessions, bot.team)] == [
        (leader, "Be kind, be clear.")
    ]
    assert all(c.params.get("user") != leader for c in bot.slack.calls_to("users.info"))


def test_non_admin_may_not_set_guidelines(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    reply, key = bot.command("/nudge", "guidelines set no meetings ever")
    assert_later_error(bot, reply, key, LEADERS_ONLY)
    assert counts(sessions, bot.team) == NOTHING


@pytest.mark.parametrize(
    ("rest", "phrase"),
    [
        ("show", "`/nudge guidelines` doesn't take *show*."),
        ("set", "Write the guidelines after `set`."),
        ("set  --- ", "Write the guidelines after `set`."),
        ("set " + "g" * 3001, "That is 3,001 characters; please keep it under 3,000."),
    ],
)
def test_bad_guidelines_commands_are_refused(
    bot: SlackDriver, sessions: sessionmaker[Session], rest: str, phrase: str
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    reply, _ = bot.command("/nudge", f"guidelines {rest}")
    assert_ack_error(reply, phrase, "Try: `/nudge guidelines  or  /nudge guidelines set <text>`")
    assert counts(sessions, bot.team) == NOTHING
