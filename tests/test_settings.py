"""Settings from the environment: defaults, and one clear error naming each bad variable."""

from __future__ import annotations

import pytest

from bot.settings import DEFAULT_DATABASE_URL, Settings, SettingsError, load_settings
from models.db import normalise_url

HTTP = {"SLACK_BOT_TOKEN": "xoxb-123-456-abc", "SLACK_SIGNING_SECRET": "s3cret"}
SOCKET = {"SLACK_BOT_TOKEN": "xoxb-123-456-abc", "SLACK_APP_TOKEN": "xapp-1-A1-abc"}


def fails(env: dict[str, str], *fragments: str) -> SettingsError:
    with pytest.raises(SettingsError) as info:
        load_settings(env)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert "\n" not in message
    return info.value


def test_defaults_in_http_mode() -> None:
    settings = load_settings(dict(HTTP))
    assert settings == Settings(
        bot_token="xoxb-123-456-abc",
        signing_secret="s3cret",
        app_token=None,
        api_url=None,
        database_url=DEFAULT_DATABASE_URL,
        port=3000,
        timezone="UTC",
        kudos_daily_cap=None,
        leaders=frozenset(),
    )
    assert settings.database_url == "sqlite:///nudgebot.db"
    assert settings.socket_mode is False


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = load_settings(dict(SOCKET))
    assert settings.socket_mode is True
    assert settings.app_token == "xapp-1-A1-abc"
    assert settings.signing_secret is None


def test_values_are_stripped_and_blank_means_unset() -> None:
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "  xoxb-1  ",
            "SLACK_SIGNING_SECRET": " s ",
            "SLACK_APP_TOKEN": "   ",
            "PORT": " ",
            "NUDGEBOT_TIMEZONE": "",
            "DATABASE_URL": "",
        }
    )
    assert settings.bot_token == "xoxb-1"
    assert settings.signing_secret == "s"
    assert settings.app_token is None and settings.socket_mode is False
    assert settings.port == 3000
    assert settings.timezone == "UTC"
    assert settings.database_url == DEFAULT_DATABASE_URL


def test_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_STATE_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "DATABASE_URL",
        "NUDGEBOT_TIMEZONE",
        "NUDGEBOT_KUDOS_DAILY_CAP",
        "NUDGEBOT_LEADERS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-env")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "env-secret")
    monkeypatch.setenv("PORT", "8123")
    settings = load_settings()
    assert settings.bot_token == "xoxb-from-env"
    assert settings.port == 8123


def test_all_settings_read() -> None:
    settings = load_settings(
        {
            **HTTP,
            "SLACK_API_URL": "http://127.0.0.1:9999/api",
            "DATABASE_URL": "postgresql+psycopg://bot:pw@db:5432/nudge",
            "PORT": "8080",
            "NUDGEBOT_TIMEZONE": "Europe/Berlin",
            "NUDGEBOT_KUDOS_DAILY_CAP": "5",
            "NUDGEBOT_LEADERS": "U012AB3CD, W0ABC  U999",
        }
    )
    assert settings.api_url == "http://127.0.0.1:9999/api/"
    assert settings.database_url == "postgresql+psycopg://bot:pw@db:5432/nudge"
    assert settings.port == 8080
    assert settings.timezone == "Europe/Berlin"
    assert settings.kudos_daily_cap == 5
    assert settings.leaders == frozenset({"U012AB3CD", "W0ABC", "U999"})


def test_bot_token_missing() -> None:
    fails({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN is missing", "xoxb-")
    fails({"SLACK_BOT_TOKEN": "  ", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN is missing")


@pytest.mark.parametrize("token", ["xoxp-123", "xapp-1", "abc", "XOXB-1"])
def test_bot_token_malformed(token: str) -> None:
    fails({**HTTP, "SLACK_BOT_TOKEN": token}, "SLACK_BOT_TOKEN is malformed", "xoxb-")


def test_signing_secret_missing_in_http_mode() -> None:
    fails({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is missing", "SLACK_APP_TOKEN")
    fails({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": " "}, "SLACK_SIGNING_SECRET")


@pytest.mark.parametrize("token", ["xoxb-1", "abc", "xapp"])
def test_app_token_malformed(token: str) -> None:
    fails({**HTTP, "SLACK_APP_TOKEN": token}, "SLACK_APP_TOKEN is malformed", "xapp-")


@pytest.mark.parametrize("port", ["abc", "0", "65536", "-1", "80.5", "3000x", "1e3"])
def test_port_malformed(port: str) -> None:
    fails({**HTTP, "PORT": port}, f"PORT={port!r} is not valid", "between 1 and 65535")


@pytest.mark.parametrize("port", ["1", "65535"])
def test_port_bounds(port: str) -> None:
    assert load_settings({**HTTP, "PORT": port}).port == int(port)


@pytest.mark.parametrize(("name", "value"), [("PORT", "²"), ("NUDGEBOT_KUDOS_DAILY_CAP", "³")])
def test_unicode_digits_are_a_settings_error(name: str, value: str) -> None:
    # str.isdigit() accepts superscripts that int() refuses: still one clear SettingsError.
    fails({**HTTP, name: value}, name)


@pytest.mark.parametrize(
    "url",
    [
        "mysql://u@h/db",
        "postgresx://u@h/db",
        "sqlite:/nudgebot.db",
        "nudgebot.db",
        "http://example.com",
    ],
)
def test_database_url_malformed(url: str) -> None:
    fails({**HTTP, "DATABASE_URL": url}, "DATABASE_URL is malformed")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # Stored as given; models.db.normalise_url picks the driver wherever an engine is made.
        ("postgresql://bot@db/nudge", "postgresql://bot@db/nudge"),
        ("postgres://bot@db/nudge", "postgres://bot@db/nudge"),
        ("postgresql+psycopg://bot@db/nudge", "postgresql+psycopg://bot@db/nudge"),
        ("sqlite:////var/lib/nudgebot.db", "sqlite:////var/lib/nudgebot.db"),
        ("sqlite+pysqlite:///x.db", "sqlite+pysqlite:///x.db"),
    ],
)
def test_database_url_accepted(url: str, expected: str) -> None:
    assert load_settings({**HTTP, "DATABASE_URL": url}).database_url == expected


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus", "Europe", "../etc/passwd", "utc+2", "/etc/localtime"]
)
def test_timezone_malformed(zone: str) -> None:
    fails({**HTTP, "NUDGEBOT_TIMEZONE": zone}, "NUDGEBOT_TIMEZONE", "IANA")


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata", "UTC"])
def test_timezone_accepted(zone: str) -> None:
    assert load_settings({**HTTP, "NUDGEBOT_TIMEZONE": zone}).timezone == zone


@pytest.mark.parametrize("cap", ["-1", "many", "1001", "2.5"])
def test_kudos_cap_malformed(cap: str) -> None:
    fails(
        {**HTTP, "NUDGEBOT_KUDOS_DAILY_CAP": cap}, "NUDGEBOT_KUDOS_DAILY_CAP", "0 turns the cap off"
    )


@pytest.mark.parametrize(("cap", "expected"), [("0", None), ("1", 1), ("1000", 1000), ("", None)])
def test_kudos_cap_accepted(cap: str, expected: int | None) -> None:
    assert load_settings({**HTTP, "NUDGEBOT_KUDOS_DAILY_CAP": cap}).kudos_daily_cap == expected


@pytest.mark.parametrize("leaders", ["ana", "U1", "u012ab3cd", "U012AB3CD,@ana", "<@U012AB3CD>"])
def test_leaders_malformed(leaders: str) -> None:
    fails({**HTTP, "NUDGEBOT_LEADERS": leaders}, "NUDGEBOT_LEADERS", "not a Slack user id")


OAUTH = {
    "SLACK_CLIENT_ID": "123.456",
    "SLACK_CLIENT_SECRET": "c1ient",
    "SLACK_STATE_SECRET": "st4te",
    "SLACK_SIGNING_SECRET": "s3cret",
}
KEY_1 = "x" * 43 + "="  # 32 bytes in url-safe base64, as Fernet.generate_key() makes
KEY_2 = "y" * 43 + "="


@pytest.mark.parametrize("name", ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"])
def test_oauth_needs_all_three(name: str) -> None:
    env = {**OAUTH, "NUDGEBOT_ENCRYPTION_KEY": KEY_1}
    del env[name]
    err = fails(env, f"{name} missing", "Add to Slack", "SLACK_BOT_TOKEN")
    assert str(err).startswith(name)


def test_oauth_settings_with_keys_newest_first() -> None:
    settings = load_settings({**OAUTH, "NUDGEBOT_ENCRYPTION_KEY": f" {KEY_1} , {KEY_2} "})
    assert settings.oauth and settings.bot_token is None
    assert (settings.client_id, settings.client_secret, settings.state_secret) == (
        "123.456",
        "c1ient",
        "st4te",
    )
    assert settings.encryption_keys == (KEY_1, KEY_2)
    assert not settings.allow_plaintext_tokens


def test_oauth_refuses_to_start_without_a_key() -> None:
    fails(dict(OAUTH), "NUDGEBOT_ENCRYPTION_KEY is missing", "NUDGEBOT_ALLOW_PLAINTEXT_TOKENS=1")


def test_oauth_plaintext_tokens_only_when_asked() -> None:
    settings = load_settings({**OAUTH, "NUDGEBOT_ALLOW_PLAINTEXT_TOKENS": "1"})
    assert settings.allow_plaintext_tokens and settings.encryption_keys == ()
    fails({**OAUTH, "NUDGEBOT_ALLOW_PLAINTEXT_TOKENS": "maybe"}, "use 1 (on) or 0 (off)")


@pytest.mark.parametrize("key", ["short", "x" * 44, "é" * 44, KEY_1 + ",nope"])
def test_malformed_encryption_key(key: str) -> None:
    fails({**OAUTH, "NUDGEBOT_ENCRYPTION_KEY": key}, "NUDGEBOT_ENCRYPTION_KEY", "Fernet key")


def test_oauth_with_a_bot_token_too_is_refused() -> None:
    env = {**OAUTH, **HTTP, "NUDGEBOT_ENCRYPTION_KEY": KEY_1}
    fails(env, "both SLACK_BOT_TOKEN and SLACK_CLIENT_ID")


def test_oauth_with_socket_mode_is_refused() -> None:
    env = {**OAUTH, "SLACK_APP_TOKEN": "xapp-1-A1-abc", "NUDGEBOT_ENCRYPTION_KEY": KEY_1}
    fails(env, "SLACK_APP_TOKEN", "several workspaces")


def test_no_token_and_no_oauth_names_both_ways() -> None:
    fails({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN is missing", "SLACK_CLIENT_ID")


@pytest.mark.parametrize(("raw", "days"), [(None, 30), ("1", 1), ("365", 365)])
def test_retention_days(raw: str | None, days: int) -> None:
    env = dict(HTTP) if raw is None else {**HTTP, "NUDGEBOT_RETENTION_DAYS": raw}
    assert load_settings(env).retention_days == days


@pytest.mark.parametrize("raw", ["0", "-3", "thirty", "4000"])
def test_retention_days_malformed(raw: str) -> None:
    fails({**HTTP, "NUDGEBOT_RETENTION_DAYS": raw}, "NUDGEBOT_RETENTION_DAYS", "days")


def test_log_format() -> None:
    assert load_settings(dict(HTTP)).log_format == "text"
    assert load_settings({**HTTP, "LOG_FORMAT": "JSON"}).log_format == "json"
    fails({**HTTP, "LOG_FORMAT": "xml"}, "LOG_FORMAT", "text or json")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://slack.com/api", "https://slack.com/api/"),
        ("https://slack.com/api/", "https://slack.com/api/"),
        ("https://slack.com/api///", "https://slack.com/api/"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
    ],
)
def test_api_url_gets_a_trailing_slash(url: str, expected: str) -> None:
    assert load_settings({**HTTP, "SLACK_API_URL": url}).api_url == expected


@pytest.mark.parametrize("url", ["slack.com/api", "ftp://slack.com/api", "https:///api"])
def test_api_url_malformed(url: str) -> None:
    fails({**HTTP, "SLACK_API_URL": url}, "SLACK_API_URL", "malformed")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://bot@db/nudge", "postgresql+psycopg://bot@db/nudge"),
        ("postgres://bot@db/nudge", "postgresql+psycopg://bot@db/nudge"),
        ("postgresql+psycopg://bot@db/nudge", "postgresql+psycopg://bot@db/nudge"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_normalised_once_for_every_engine(url: str, expected: str) -> None:
    assert normalise_url(url) == expected
