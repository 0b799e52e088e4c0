"""Each workspace's own client when the app is installed through "Add to Slack": the bot
token of its installation (or of its Enterprise Grid org's), read from the installation
store, kept for a few seconds, and refreshed before it expires when Slack rotates tokens.

Refreshing is done once per installation at a time: a lock in this process and, on
PostgreSQL, an advisory lock shared by every process; whoever takes it second reads the
token the first one saved instead of refreshing again (a refresh ends the old token).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.token_rotation import TokenRotator
from slack_sdk.web.slack_response import SlackResponse
from sqlalchemy import Engine, text

from bot.settings import Settings, SettingsError
from bot.slack.cache import TTLCache
from bot.slack.client import Clients, make_client
from bot.slack.stores import SealedInstallationStore
from bot.slack.tokens import Sealer, TokenError

log = logging.getLogger("nudgebot.installs")

NOT_INSTALLED = "not_installed"
UNREADABLE = "token_unreadable"
CACHE_SECONDS = 30.0
# A rotating token is refreshed this long before it expires (Slack's tokens live 12 hours).
REFRESH_MINUTES = 120
RETRY_SECONDS = 60.0  # a refresh Slack refused is tried again after this long

# (enterprise_id, team_id, is_enterprise_install): where an installation is.
Where = tuple[str | None, str | None, bool]


@dataclass(frozen=True)
class Found:
    """What a request or a job needs of an installation: its bot and token."""

    enterprise_id: str | None
    team_id: str | None
    is_enterprise_install: bool
    bot_token: str
    bot_id: str | None
    bot_user_id: str | None
    bot_scopes: list[str]
    expires_at: int | None  # epoch seconds; None: the token does not expire

    def expiring(self, minutes: int) -> bool:
        return self.expires_at is not None and self.expires_at <= time.time() + minutes * 60


class Unavailable(WebClient):
    """A client for a workspace we have no usable token for: every call fails at once with
    a SlackApiError whose error is `error` (not_installed: the work of that workspace
    stops, as for a revoked token; nothing else is touched)."""

    def __init__(self, base: WebClient, error: str) -> None:
        super().__init__(token=None, base_url=base.base_url)
        self.error = error

    def api_call(self, api_method: str, **_kwargs: Any) -> SlackResponse:  # type: ignore[override]
        response = SlackResponse(
            client=self,
            http_verb="POST",
            api_url=self.base_url + api_method,
            req_args={},
            data={"ok": False, "error": self.error},
            headers={},
            status_code=200,
        )
        raise SlackApiError(f"no usable token for this workspace ({self.error})", response)


class InstalledClients(Clients):
    """`for_team(team_id)`: the workspace's own client. `default` has no token."""

    def __init__(
        self,
        settings: Settings,
        store: SealedInstallationStore,
        *,
        cache_seconds: float = CACHE_SECONDS,
        refresh_minutes: int = REFRESH_MINUTES,
    ) -> None:
        super().__init__(make_client(settings, token=None))
        self.settings = settings
        self.store = store
        self.refresh_minutes = refresh_minutes
        self.rotator = TokenRotator(
            client_id=settings.client_id or "",
            client_secret=settings.client_secret or "",
            client=make_client(settings),
        )
        self._where: TTLCache[str, Where] = TTLCache(cache_seconds, 100_000)
        self._found: TTLCache[Where, Found] = TTLCache(cache_seconds, 100_000)
        self._orgs_seen: set[tuple[str, str]] = set()
        self._locks: dict[Where, threading.Lock] = {}
        self._failed: dict[Where, float] = {}  # when a refresh last failed
        self._guard = threading.Lock()

    # -- Clients -------------------------------------------------------------------------

    def for_team(self, team_id: str) -> WebClient:
        try:
            where = self._where.get(team_id)
            if where is None:  # not known, or not installed: asked again (rare, cheap)
                where = self.store.installed_where(team_id)
                if where is not None:
                    self._where.put(team_id, where)
            found = self.find(*where) if where is not None else None
        except TokenError as err:
            log.error("workspace %s: %s", team_id, err)
            return Unavailable(self.default, UNREADABLE)
        if found is None:
            return Unavailable(self.default, NOT_INSTALLED)
        return make_client(self.settings, token=found.bot_token)

    def forget(self, team_id: str | None, enterprise_id: str | None = None) -> None:
        """Drop what is cached for the workspace (and for the org, when named)."""
        self._where.forget_where(lambda key, _v: key == team_id)
        self._found.forget_where(
            lambda key, _v: (
                (team_id is not None and key[1] == team_id)
                or (enterprise_id is not None and key[0] == enterprise_id)
            )
        )

    # -- finding an installation ---------------------------------------------------------

    def find(
        self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool
    ) -> Found | None:
        """The installation at `where`, its token refreshed if it was about to expire."""
        where: Where = (
            enterprise_id,
            None if is_enterprise_install else team_id,
            is_enterprise_install,
        )
        found = self._found.get(where)
        if found is None:  # a new installation is seen at once, by every process
            found = self._load(where)
            if found is not None:
                self._found.put(where, found)
        if found is not None and found.expiring(self.refresh_minutes):
            found = self._refresh(where)
            if found is not None:
                self._found.put(where, found)
        return found

    def find_for_request(
        self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool
    ) -> Found | None:
        """The installation that answers a request from (enterprise, team): the workspace's
        own, else its org's; a workspace first seen under an org-wide install is remembered
        (so its scheduled work finds the org's token too)."""
        if is_enterprise_install and enterprise_id:
            found = self.find(enterprise_id, None, True)
        else:
            found = self.find(enterprise_id, team_id, False)
            if found is None and enterprise_id:
                found = self.find(enterprise_id, None, True)
        if found is not None and found.is_enterprise_install and team_id and enterprise_id:
            self.note_org(team_id, enterprise_id)
        return found

    def note_org(self, team_id: str, enterprise_id: str) -> None:
        """Remember (once per process) that the workspace belongs to the org."""
        if (team_id, enterprise_id) in self._orgs_seen:
            return
        self.store.remember_org(team_id, enterprise_id)
        self._orgs_seen.add((team_id, enterprise_id))
        self._where.forget(team_id)

    def _load(self, where: Where) -> Found | None:
        installation = self.store.find_installation(
            enterprise_id=where[0], team_id=where[1], is_enterprise_install=where[2]
        )
        return _found(installation)

    # -- refreshing a rotating token -----------------------------------------------------

    def _refresh(self, where: Where) -> Found | None:
        with self._lock(where), self._shared_lock(where):
            installation = self.store.find_installation(
                enterprise_id=where[0], team_id=where[1], is_enterprise_install=where[2]
            )
            current = _found(installation)
            if (
                installation is None
                or current is None
                or not current.expiring(self.refresh_minutes)
            ):
                return current  # refreshed by another thread or process meanwhile
            if time.monotonic() - self._failed.get(where, -RETRY_SECONDS) < RETRY_SECONDS:
                return current  # Slack refused lately: not asked on every call
            try:
                refreshed = self.rotator.perform_token_rotation(
                    installation=installation, minutes_before_expiration=self.refresh_minutes
                )
            except (SlackTokenRotationError, SlackApiError, OSError) as err:
                log.warning(
                    "workspace %s: could not refresh its token (%s)",
                    where[1] or where[0],
                    type(err).__name__,
                )
                self._failed[where] = time.monotonic()
                return current
            if refreshed is None:
                return current
            self.store.save(refreshed)
            log.info("workspace %s: token refreshed", where[1] or where[0])
            return _found(refreshed)

    def _lock(self, where: Where) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(where, threading.Lock())

    @contextmanager
    def _shared_lock(self, where: Where) -> Iterator[None]:
        """On PostgreSQL, an advisory lock (held until the block ends) per installation."""
        engine = self.store.engine
        if engine.dialect.name != "postgresql":
            yield
            return
        key = f"nudgebot-token:{where[0] or ''}:{where[1] or ''}"
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
            yield


def _found(installation: Installation | None) -> Found | None:
    if installation is None or not installation.bot_token:
        return None
    scopes = installation.bot_scopes or []
    return Found(
        enterprise_id=installation.enterprise_id,
        team_id=installation.team_id,
        is_enterprise_install=bool(installation.is_enterprise_install),
        bot_token=installation.bot_token,
        bot_id=installation.bot_id,
        bot_user_id=installation.bot_user_id,
        bot_scopes=list(scopes) if not isinstance(scopes, str) else scopes.split(","),
        expires_at=installation.bot_token_expires_at,
    )


def build_clients(settings: Settings, engine: Engine, check: bool = False) -> InstalledClients:
    """The clients of every installed workspace, on the app's database (tokens sealed with
    the settings' keys). With `check`, SettingsError unless the stored tokens open with
    those keys (SealedInstallationStore.check_keys)."""
    store = SealedInstallationStore(
        settings.client_id or "", engine, Sealer.from_settings(settings)
    )
    if check:
        try:
            store.check_keys()
        except TokenError as err:
            raise SettingsError(str(err)) from None
    return InstalledClients(settings, store)
