"""Settings read once from the environment; a bad value stops start-up with one clear line."""

from __future__ import annotations

import base64
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATABASE_URL = "sqlite:///nudgebot.db"
# Loopback unless HOST says otherwise: a laptop or a host behind a local proxy exposes
# nothing by accident. The container image sets HOST=0.0.0.0 (its network is its own).
DEFAULT_HOST = "127.0.0.1"
_HOSTNAME = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it and says how to fix it."""


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment, validated."""

    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    api_url: str | None = None
    database_url: str = DEFAULT_DATABASE_URL  # as given; models.db.make_engine normalises it
    port: int = 3000
    host: str = DEFAULT_HOST
    timezone: str = "UTC"
    kudos_daily_cap: int | None = None
    leaders: frozenset[str] = field(default_factory=frozenset)
    misfire_grace_seconds: int = 3600
    # The practice pulse shows results only from this many answers (at least 3).
    pulse_min_group: int = 5
    # NUDGEBOT_PULSE_KEY: the server-held key of who answered a pulse round (never stored).
    pulse_key: str | None = None
    # "Add to Slack" (several workspaces): all three set, or none (one workspace, one token).
    client_id: str | None = None
    client_secret: str | None = None
    state_secret: str | None = None
    # NUDGEBOT_ENCRYPTION_KEY: Fernet keys, newest first; the first encrypts, any decrypts.
    encryption_keys: tuple[str, ...] = ()
    # NUDGEBOT_ALLOW_PLAINTEXT_TOKENS=1: keep installations' tokens unencrypted (tests, trials).
    allow_plaintext_tokens: bool = False
    # An uninstalled workspace's data is purged this many days after it left.
    retention_days: int = 30
    # LOG_FORMAT: "text" (one readable line) or "json" (one JSON object per line).
    log_format: str = "text"

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    @property
    def oauth(self) -> bool:
        """Installed through "Add to Slack": each workspace has its own token."""
        return self.client_id is not None

    @property
    def pulse_secret(self) -> bytes:
        """The key of a pulse round's voter hashes, held only by the running processes:
        NUDGEBOT_PULSE_KEY, else the signing secret, else the bot token."""
        return (
            self.pulse_key or self.signing_secret or self.bot_token or self.client_secret or ""
        ).encode()


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _int(env: Mapping[str, str], name: str, low: int, high: int, hint: str) -> int | None:
    raw = _get(env, name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise SettingsError(f"{name}={raw!r} is not valid: {hint}")
    return int(raw)


def _is_host(value: str) -> bool:
    """An IPv4 or IPv6 address or a host name: no scheme, port or path."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return bool(_HOSTNAME.match(value))
    return True


def load_settings(env: Mapping[str, str] | None = None, role: str = "all") -> Settings:
    """Build Settings from `env` (default: os.environ) for a process of `role` ("all",
    "web" or "scheduler": the scheduler serves no Slack requests, so it needs no signing
    secret). Raises SettingsError naming the setting."""
    env = os.environ if env is None else env
    bot_token = _get(env, "SLACK_BOT_TOKEN")
    app_token = _get(env, "SLACK_APP_TOKEN")
    signing_secret = _get(env, "SLACK_SIGNING_SECRET")
    oauth = {
        name: _get(env, name)
        for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET")
    }

    if any(oauth.values()) and not all(oauth.values()):
        missing = ", ".join(name for name, value in oauth.items() if value is None)
        raise SettingsError(
            f'{missing} missing: "Add to Slack" needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET '
            "and SLACK_STATE_SECRET (from the app's Basic Information page; the state secret "
            "is any long random string); unset all three to run with one SLACK_BOT_TOKEN"
        )
    is_oauth = all(oauth.values())
    if is_oauth and bot_token is not None:
        raise SettingsError(
            "both SLACK_BOT_TOKEN and SLACK_CLIENT_ID are set: unset SLACK_BOT_TOKEN to let "
            'each workspace install the app ("Add to Slack"), or unset SLACK_CLIENT_ID, '
            "SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to serve one workspace"
        )
    if is_oauth and app_token is not None:
        raise SettingsError(
            "SLACK_APP_TOKEN (Socket Mode) cannot serve several workspaces: unset it and give "
            "Slack a public address, or unset SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and "
            "SLACK_STATE_SECRET"
        )
    if not is_oauth and bot_token is None:
        raise SettingsError(
            "SLACK_BOT_TOKEN is missing: set it to the app's Bot User OAuth Token (xoxb-...), "
            "or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to let "
            "workspaces install the app"
        )
    if bot_token is not None and not bot_token.startswith("xoxb-"):
        raise SettingsError("SLACK_BOT_TOKEN is malformed: a bot token starts with 'xoxb-'")
    keys = _encryption_keys(_get(env, "NUDGEBOT_ENCRYPTION_KEY"))
    plaintext = _flag(env, "NUDGEBOT_ALLOW_PLAINTEXT_TOKENS")
    if is_oauth and not keys and not plaintext:
        raise SettingsError(
            "NUDGEBOT_ENCRYPTION_KEY is missing: installations' tokens are kept encrypted. "
            'Make a key with `python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"` (or set '
            "NUDGEBOT_ALLOW_PLAINTEXT_TOKENS=1 to keep them unencrypted, for a trial)"
        )
    if app_token is not None and not app_token.startswith("xapp-"):
        raise SettingsError(
            "SLACK_APP_TOKEN is malformed: an app-level token starts with 'xapp-' "
            "(unset it to serve HTTP instead of Socket Mode)"
        )
    if role != "scheduler" and app_token is None and signing_secret is None:
        raise SettingsError(
            "SLACK_SIGNING_SECRET is missing: set it to the Signing Secret from the app's "
            "Basic Information page (or set SLACK_APP_TOKEN for Socket Mode)"
        )

    api_url = _get(env, "SLACK_API_URL")
    if api_url is not None:
        if not re.match(r"^https?://[^/\s]+", api_url):
            raise SettingsError(
                f"SLACK_API_URL={api_url!r} is malformed: use a URL such as https://slack.com/api/"
            )
        api_url = api_url.rstrip("/") + "/"

    database_url = _get(env, "DATABASE_URL") or DEFAULT_DATABASE_URL
    # Validated here, stored as given: the engine (models.db.make_engine) picks the driver,
    # psycopg 3 for postgresql:// and postgres://. Settings import nothing from the app.
    if not re.match(r"^((sqlite|postgresql)(\+\w+)?|postgres)://", database_url):
        raise SettingsError(
            "DATABASE_URL is malformed: use sqlite:///path.db or postgresql+psycopg://user@host/db"
        )

    port = _int(env, "PORT", 1, 65535, "use a port number between 1 and 65535")
    host = _get(env, "HOST") or DEFAULT_HOST
    if not _is_host(host):
        raise SettingsError(
            f"HOST={host!r} is not valid: use an address to listen on, such as 127.0.0.1 "
            "(this machine only) or 0.0.0.0 (every interface), without a port"
        )

    timezone = _get(env, "NUDGEBOT_TIMEZONE") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise SettingsError(
            f"NUDGEBOT_TIMEZONE={timezone!r} is not a known time zone: "
            "use an IANA name such as Europe/Berlin"
        ) from None

    cap = _int(
        env,
        "NUDGEBOT_KUDOS_DAILY_CAP",
        0,
        1000,
        "use a whole number of kudos (0 turns the cap off)",
    )

    grace = _int(
        env,
        "NUDGEBOT_MISFIRE_GRACE_SECONDS",
        0,
        7 * 24 * 3600,
        "use a number of seconds, such as 3600 (one hour)",
    )

    min_group = _int(
        env,
        "NUDGEBOT_PULSE_MIN_GROUP",
        0,
        100_000,
        "use a whole number of answers, 3 or more (default 5)",
    )
    if min_group is not None and min_group < 3:
        raise SettingsError(
            f"NUDGEBOT_PULSE_MIN_GROUP={min_group} is too small: with fewer than 3 answers "
            "people could tell who rated what. Use 3 or more (default 5)."
        )

    retention = _int(
        env,
        "NUDGEBOT_RETENTION_DAYS",
        1,
        3650,
        "use a whole number of days from 1 to 3650 (default 30)",
    )
    log_format = (_get(env, "LOG_FORMAT") or "text").lower()
    if log_format not in ("text", "json"):
        raise SettingsError(f"LOG_FORMAT={log_format!r} is not valid: use text or json")

    leaders_raw = _get(env, "NUDGEBOT_LEADERS") or ""
    leaders = frozenset(part for part in re.split(r"[\s,]+", leaders_raw) if part)
    for user_id in leaders:
        if not _USER_ID.match(user_id):
            raise SettingsError(
                f"NUDGEBOT_LEADERS has {user_id!r}, which is not a Slack user id: "
                "list ids such as U012AB3CD, separated by commas"
            )

    return Settings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=api_url,
        database_url=database_url,
        port=port or 3000,
        host=host,
        timezone=timezone,
        kudos_daily_cap=cap or None,
        leaders=leaders,
        misfire_grace_seconds=3600 if grace is None else grace,
        pulse_min_group=5 if min_group is None else min_group,
        pulse_key=_get(env, "NUDGEBOT_PULSE_KEY"),
        client_id=oauth["SLACK_CLIENT_ID"],
        client_secret=oauth["SLACK_CLIENT_SECRET"],
        state_secret=oauth["SLACK_STATE_SECRET"],
        encryption_keys=keys,
        allow_plaintext_tokens=plaintext,
        retention_days=30 if retention is None else retention,
        log_format=log_format,
    )


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (_get(env, name) or "0").lower()
    if raw not in ("0", "1", "true", "false", "yes", "no"):
        raise SettingsError(f"{name}={raw!r} is not valid: use 1 (on) or 0 (off)")
    return raw in ("1", "true", "yes")


def _encryption_keys(raw: str | None) -> tuple[str, ...]:
    """NUDGEBOT_ENCRYPTION_KEY: one Fernet key, or several separated by commas (newest
    first: it encrypts; every one decrypts, so old keys can be rotated out)."""
    if raw is None:
        return ()
    keys = tuple(part.strip() for part in raw.split(",") if part.strip())
    for number, key in enumerate(keys, start=1):
        try:
            ok = len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
        except (ValueError, UnicodeEncodeError):
            ok = False
        if not ok:
            raise SettingsError(
                f"NUDGEBOT_ENCRYPTION_KEY: key {number} is not a Fernet key (32 bytes, "
                'url-safe base64, 44 characters); make one with `python -c "from '
                'cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`'
            )
    return keys
