"""The fake Slack's side of "Add to Slack" (playground/fake_slack.py asks it first).

- `oauth.v2.access` with a `code` from `approve(...)` answers the installation planned for
  it (a workspace, or an Enterprise Grid org-wide install), with a refresh token and
  `expires_in` when rotation is on; each code works once. With
  `grant_type=refresh_token` it answers a new access token (and refresh token), and the
  old access token stops working.
- Every token it issued knows its workspace: `auth.test` answers with that token's team,
  and a call with a token that was refreshed away or revoked fails with `invalid_auth`.
- `token_of(call)` says which token a recorded call used, so a test can prove that each
  workspace's work went out with its own token.

Tokens it did not issue (the tests' `xoxb-test`) are left to the fake's usual answers.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar
from urllib.parse import parse_qs, urlparse

Answer = TypeVar("Answer")


class Recorded(Protocol):
    """A call the fake recorded (playground.fake_slack.Call)."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]


class Fake(Protocol):
    delays: dict[str, float]


APP_ID = "A0NUDGE"
LIFETIME = 43_200  # seconds: Slack's rotating tokens live 12 hours


@dataclass
class Grant:
    """An installation as Slack knows it."""

    team_id: str | None
    enterprise_id: str | None = None
    org_wide: bool = False
    team_name: str = "Fake workspace"
    enterprise_name: str = "Fake org"
    rotation: bool = False
    expires_in: int = LIFETIME
    installer: str = "UINSTALLER"
    bot_user_id: str = field(default_factory=lambda: f"UB{secrets.token_hex(3).upper()}")
    bot_id: str = field(default_factory=lambda: f"B{secrets.token_hex(3).upper()}")


class FakeOAuth:
    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self.client_id = "fake-client-id"
        self.client_secret = "fake-client-secret"
        self._codes: dict[str, Grant] = {}
        self._live: dict[str, Grant] = {}  # access token -> its installation
        self._dead: set[str] = set()
        self._refresh: dict[str, tuple[Grant, str]] = {}  # refresh token -> (grant, access)
        self._refreshes: list[str] = []
        self._seq = itertools.count(1)
        self._lock = threading.Lock()

    # -- what a test sets up -------------------------------------------------------------

    def approve(self, authorize_url: str, grant: Grant) -> tuple[str, str]:
        """What Slack does when a person allows the install on `authorize_url`: (code,
        state) for the app's redirect URL; the code installs `grant`."""
        state = parse_qs(urlparse(authorize_url).query).get("state", [""])[0]
        return self.code_for(grant), state

    def code_for(self, grant: Grant) -> str:
        code = f"code-{next(self._seq)}-{secrets.token_hex(4)}"
        with self._lock:
            self._codes[code] = grant
        return code

    def revoke(self, token: str) -> None:
        """The token stops working (uninstalled, or revoked in Slack)."""
        with self._lock:
            self._live.pop(token, None)
            self._dead.add(token)

    def expire(self, token: str) -> None:
        """As `revoke`, for a token whose time ran out."""
        self.revoke(token)

    # -- reading what happened -----------------------------------------------------------

    @staticmethod
    def token_of(call: Recorded) -> str | None:
        """The bearer token a recorded call used (None: none, or client credentials)."""
        auth = next((v for k, v in call.headers.items() if k.lower() == "authorization"), "")
        if auth.startswith("Bearer "):
            return auth[len("Bearer ") :]
        token = call.params.get("token")
        return str(token) if token else None

    def team_of(self, token: str | None) -> str | None:
        with self._lock:
            grant = self._live.get(token or "")
        return grant.team_id if grant is not None else None

    def live_tokens(self) -> list[str]:
        with self._lock:
            return list(self._live)

    def refresh_tokens(self) -> list[str]:
        """Every refresh token handed out (used ones too)."""
        with self._lock:
            return list(self._refreshes)

    # -- answering -----------------------------------------------------------------------

    def answer(self, call: Recorded, scripted: Callable[..., Answer]) -> Answer | None:
        """The answer to `call` (made with `scripted`, the fake's Scripted) when it is about
        installs or a token issued here; None leaves it to the fake's usual answers."""
        body = self._body(call)
        if body is None:
            return None
        return scripted(body=body, delay=self.fake.delays.get(call.method, 0))

    def _body(self, call: Recorded) -> dict[str, Any] | None:
        if call.method == "oauth.v2.access":
            return self._access(call.params)
        token = self.token_of(call)
        with self._lock:
            if token in self._dead:
                return {"ok": False, "error": "invalid_auth"}
            grant = self._live.get(token or "")
        if grant is None or call.method != "auth.test":
            return None
        return {
            "ok": True,
            "url": "https://fake.slack.com/",
            "team": grant.team_name,
            "user": "nudgebot",
            "team_id": grant.team_id,
            "user_id": grant.bot_user_id,
            "bot_id": grant.bot_id,
            "enterprise_id": grant.enterprise_id,
            "is_enterprise_install": grant.org_wide,
        }

    def _access(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if params.get("grant_type") == "refresh_token":
                held = self._refresh.pop(str(params.get("refresh_token")), None)
                if held is None:
                    return {"ok": False, "error": "invalid_refresh_token"}
                grant, old = held
                self._live.pop(old, None)
                self._dead.add(old)
            else:
                found = self._codes.pop(str(params.get("code")), None)
                if found is None:
                    return {"ok": False, "error": "invalid_code"}
                grant = found
            return self._issue(grant)

    def _issue(self, grant: Grant) -> dict[str, Any]:
        """A new access token for `grant` (the lock is held)."""
        n = next(self._seq)
        prefix = "xoxe.xoxb-" if grant.rotation else "xoxb-"
        token = f"{prefix}{n}-{secrets.token_hex(12)}"
        self._live[token] = grant
        body: dict[str, Any] = {
            "ok": True,
            "app_id": APP_ID,
            "authed_user": {"id": grant.installer},
            "scope": "commands,chat:write",
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": grant.bot_user_id,
            "team": None if grant.org_wide else {"id": grant.team_id, "name": grant.team_name},
            "enterprise": (
                {"id": grant.enterprise_id, "name": grant.enterprise_name}
                if grant.enterprise_id
                else None
            ),
            "is_enterprise_install": grant.org_wide,
        }
        if grant.rotation:
            refresh = f"xoxe-1-{secrets.token_hex(16)}"
            self._refresh[refresh] = (grant, token)
            self._refreshes.append(refresh)
            body.update(refresh_token=refresh, expires_in=grant.expires_in)
        return body
