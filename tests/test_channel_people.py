"""A channel's members are its people: other apps' bots, app users and deactivated accounts
are left out at the source (bot.slack.members, through the people directory, users.list), so
reach, a leader's "not recognised" list and the pulse never count them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.home.measures import by_name
from bot.settings import Settings
from bot.slack.client import make_client
from bot.slack.members import NO_DIRECTORY, MemberCache
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.fake_slack import FakeSlack
from tests.test_home import home
from tests.test_measures_views import PEOPLE, MembersSlack, a_team, progress_text, slack_of


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    return MembersSlack


def not_people(bot: SlackDriver) -> list[str]:
    """An integration bot, an app user and a deactivated account, known to users.list."""
    helper, app_user, gone = slack_id("U"), slack_id("U"), slack_id("U")
    bot.slack.add_user(helper, is_bot=True)
    bot.slack.add_user(app_user, is_app_user=True)
    bot.slack.add_user(gone, deleted=True)
    return [helper, app_user, gone]


def test_members_are_people_only(bot: SlackDriver) -> None:
    others = not_people(bot)
    ana = slack_id("U")
    bot.slack.add_user(ana, real_name="Ana")
    slack_of(bot).channel_members[bot.channel] = [ana, "USLACKBOT", *others]
    client = make_client(
        Settings(bot_token="xoxb-t", signing_secret="s", api_url=bot.slack.api_url)
    )
    found = MemberCache().members(client, bot.team, bot.channel)
    assert found.ids == frozenset({ana}) and found.problem is None


def test_when_slack_wont_say_who_is_a_person_members_are_unknown(bot: SlackDriver) -> None:
    slack_of(bot).channel_members[bot.channel] = ["UANA", "UBEN"]
    bot.slack.fail("users.list", "ratelimited")
    client = make_client(
        Settings(bot_token="xoxb-t", signing_secret="s", api_url=bot.slack.api_url)
    )
    found = MemberCache().members(client, bot.team, bot.channel)
    assert found.ids is None and found.problem == NO_DIRECTORY


def test_reach_and_the_leaders_home_leave_bots_out(
    make_bot: Any, sessions: sessionmaker[Session]
) -> None:
    leader = slack_id("U")
    bot = make_bot(leaders=frozenset({leader}))
    a_team(bot, sessions)
    others = not_people(bot)
    slack_of(bot).channel_members[bot.channel] = [*PEOPLE, *others]
    assert "3 of 6 members (50%) recognised in the last 30 days" in progress_text(bot)
    slack_of(bot).memberships[leader] = [bot.channel]
    text = blocks_text(home(bot, leader)["blocks"])
    assert "3 of 6 members (50%) recognised in the last 30 days" in text
    assert not any(f"<@{other}>" in text for other in others)


def test_who_was_not_recognised_is_sorted_by_the_name_slack_shows(
    make_bot: Any, sessions: sessionmaker[Session]
) -> None:
    """Dev, Eva and Fay were not recognised: listed by their shown names (display name,
    else full name), case aside, never by id or by how much anyone got."""
    leader = slack_id("U")
    bot = make_bot(leaders=frozenset({leader}))
    a_team(bot, sessions)
    bot.slack.add_user("UDEV", profile={"display_name": "zoe", "real_name": "Dev Adams"})
    bot.slack.add_user("UEVA", profile={"display_name": "", "real_name": "Mo Eva"})
    bot.slack.add_user("UFAY", profile={"display_name": "Abby"})
    slack_of(bot).memberships[leader] = [bot.channel]
    text = blocks_text(home(bot, leader)["blocks"])
    assert "<@UFAY>, <@UEVA>, <@UDEV>" in text


def test_ids_without_a_name_come_last() -> None:
    names = {"UB": "bea", "UC": "Al"}
    assert by_name(("UZ", "UB", "UA", "UC"), names) == ("UC", "UB", "UA", "UZ")
