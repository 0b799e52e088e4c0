"""GET /metrics over HTTP, next to the app's /slack/events: signed requests are counted and
timed by command, logged items by kind, Slack's errors by method and code, its 429s (those
retried too) and the database pool. Counters belong to the process, so each test compares
a scrape before with one after."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from bot import metrics
from bot.settings import Settings
from handlers.http import make_wsgi
from tests.conftest import SECRET, serve
from tests.driver import SlackDriver, slack_id
from tests.fake_slack import FakeSlack
from tests.helpers import said

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(bot: SlackDriver) -> Samples:
    reply = bot.get(metrics.METRICS_PATH)
    assert reply.status == 200, reply.body
    found: Samples = {}
    for family in text_string_to_metric_families(reply.body):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


class Served:
    def __init__(self, url: str, fake: FakeSlack, sessions: sessionmaker[Session]) -> None:
        self.url, self.fake, self.sessions = url, fake, sessions

    def driver(self) -> SlackDriver:
        self.fake.reset()
        return SlackDriver(url=self.url, secret=SECRET, slack=self.fake, sessions=self.sessions)


@pytest.fixture(scope="module")
def served(engine: Engine, sessions: sessionmaker[Session]) -> Iterator[Served]:
    """The app over waitress with /metrics routed as app.run routes it."""
    fake = FakeSlack().start()
    settings = Settings(
        bot_token="xoxb-metrics",
        signing_secret=SECRET,
        api_url=fake.api_url,
        database_url=str(engine.url),
    )
    app = create_app(settings, sessions=sessions)
    metrics.watch_pool(engine)
    url, stop = serve(make_wsgi(app, routes={metrics.METRICS_PATH: metrics.wsgi_app()}))
    yield Served(url, fake, sessions)
    stop()
    fake.stop()


@pytest.fixture
def bot(served: Served) -> SlackDriver:
    return served.driver()


def changed(bot: SlackDriver, act: Callable[[], Any]) -> Callable[..., float]:
    """Run `act`; then a function giving how much a sample grew meanwhile."""
    before = scrape(bot)
    act()
    after = scrape(bot)
    return lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)


def test_a_slash_command_is_counted_and_timed_and_its_kudos_logged(bot: SlackDriver) -> None:
    ana = slack_id("U")

    def kudos() -> None:
        reply, key = bot.command("/kudos", f"<@{ana}> for the release notes")
        assert reply.status == 200
        assert "Kudos" in said(bot.slack.wait_response(key))

    grew = changed(bot, kudos)
    assert grew("nudgebot_requests_total", surface="command", command="/kudos") == 1
    assert grew("nudgebot_ack_seconds_count", command="/kudos") == 1
    assert grew("nudgebot_ack_seconds_bucket", command="/kudos", le="+Inf") == 1
    assert grew("nudgebot_items_logged_total", kind="recognition") == 1
    assert grew("nudgebot_items_logged_total", kind="win") == 0


def test_nudge_subcommands_are_named_by_their_table_row_never_by_what_was_typed(
    bot: SlackDriver,
) -> None:
    def commands() -> None:
        for text in ("help", "bogus-word-typed", "", "schedule list"):
            assert bot.command("/nudge", text)[0].status == 200

    grew = changed(bot, commands)
    assert grew("nudgebot_requests_total", surface="command", command="/nudge") == 2
    assert grew("nudgebot_requests_total", surface="command", command="/nudge help") == 1
    assert grew("nudgebot_requests_total", surface="command", command="/nudge schedule") == 1
    body = bot.get(metrics.METRICS_PATH).body
    assert "bogus-word-typed" not in body


def test_a_win_is_logged_by_its_kind(bot: SlackDriver) -> None:
    def win() -> None:
        reply, key = bot.command("/win", "shipped the onboarding guide")
        assert reply.status == 200
        bot.slack.wait_response(key)

    grew = changed(bot, win)
    assert grew("nudgebot_items_logged_total", kind="win") == 1
    assert grew("nudgebot_requests_total", surface="command", command="/win") == 1


def test_a_refused_command_logs_no_item(bot: SlackDriver) -> None:
    grew = changed(bot, lambda: bot.command("/kudos", "for nothing in particular"))
    assert grew("nudgebot_requests_total", surface="command", command="/kudos") == 1
    assert grew("nudgebot_items_logged_total", kind="recognition") == 0


def test_a_slack_error_is_counted_by_method_and_code(bot: SlackDriver) -> None:
    bot.slack.fail("users.info", "user_not_found")

    def kudos() -> None:
        reply, key = bot.command("/kudos", f"<@{slack_id('U')}> for the demo")
        assert reply.status == 200
        assert "couldn't find" in said(bot.slack.wait_response(key))

    grew = changed(bot, kudos)
    assert grew("nudgebot_slack_errors_total", method="users.info", code="user_not_found") == 1
    assert grew("nudgebot_items_logged_total", kind="recognition") == 0


def test_every_429_is_counted_those_retried_too_and_the_last_one_as_an_error(
    bot: SlackDriver,
) -> None:
    bot.slack.rate_limit("users.info", retry_after=0, times=1)

    def retried() -> None:
        reply, key = bot.command("/kudos", f"<@{slack_id('U')}> for pairing")
        assert reply.status == 200
        assert "Kudos" in said(bot.slack.wait_response(key, timeout=10))

    grew = changed(bot, retried)
    assert grew("nudgebot_slack_ratelimited_total", method="users.info") == 1
    assert grew("nudgebot_slack_errors_total", method="users.info", code="ratelimited") == 0

    bot.slack.rate_limit("users.info", retry_after=0, times=3)

    def gave_up() -> None:
        reply, key = bot.command("/kudos", f"<@{slack_id('U')}> for the review")
        assert reply.status == 200
        bot.slack.wait_response(key, timeout=15)

    grew = changed(bot, gave_up)
    assert grew("nudgebot_slack_ratelimited_total", method="users.info") == 3
    assert grew("nudgebot_slack_errors_total", method="users.info", code="ratelimited") == 1


def test_button_clicks_are_counted_by_action_id(bot: SlackDriver) -> None:
    grew = changed(bot, lambda: bot.click_respond("no-such-prompt", "1700000000.000100"))
    assert grew("nudgebot_requests_total", surface="action", command="respond") == 1
    assert grew("nudgebot_ack_seconds_count", command="respond") == 1


def test_what_is_anonymous_is_never_counted_by_name(bot: SlackDriver) -> None:
    """A worry (`/nudge fear`) and a pulse answer's buttons count as "other", and a worry
    is no logged item: a live count next to the time could tell who shared it."""

    def anonymous() -> None:
        reply, key = bot.command("/nudge", "fear the launch date slips again")
        assert reply.status == 200
        assert "without your name" in said(bot.slack.wait_response(key))
        for action in ("pulse_answer", "pulse_not_for_me"):
            payload = {
                "type": "block_actions",
                "team": {"id": bot.team},
                "user": {"id": bot.user, "team_id": bot.team},
                "api_app_id": "A0NUDGE",
                "trigger_id": "trigger-pulse",
                "actions": [{"action_id": action, "type": "button", "value": "0"}],
            }
            assert bot.interaction(payload).status == 200

    grew = changed(bot, anonymous)
    assert grew("nudgebot_requests_total", surface="other", command="other") == 3
    assert grew("nudgebot_requests_total", surface="command", command="/nudge fear") == 0
    assert grew("nudgebot_items_logged_total", kind="fear") == 0
    body = bot.get(metrics.METRICS_PATH).body
    assert "fear" not in body and "pulse_answer" not in body and "pulse_not_for_me" not in body


def test_the_database_pool_is_reported(bot: SlackDriver, engine: Engine) -> None:
    samples = scrape(bot)
    name = engine.dialect.name
    assert value(samples, "nudgebot_db_pool_size", database=name) == engine.pool.size()  # type: ignore[attr-defined]
    assert ("nudgebot_db_pool_checked_out", frozenset({("database", name)})) in samples
    assert ("nudgebot_db_pool_overflow", frozenset({("database", name)})) in samples
    with engine.connect():
        held = scrape(bot)
    assert value(held, "nudgebot_db_pool_checked_out", database=name) >= 1


def test_labels_are_bounded() -> None:
    assert metrics.bounded("test-label", "chat.postMessage") == "chat.postMessage"
    assert metrics.bounded("test-label", "a phrase with ünïcode") == metrics.OTHER
    assert metrics.bounded("test-label", "x" * 65) == metrics.OTHER
    assert metrics.bounded("test-label", None) == metrics.OTHER
    for number in range(metrics.MAX_VALUES + 5):
        metrics.bounded("test-many", f"value{number}")
    assert metrics.bounded("test-many", "one-more") == metrics.OTHER
    assert metrics.bounded("test-many", "value0") == "value0"
