"""Tokens kept at rest: sealed with Fernet (the `cryptography` library), or, only when the
operator allows it, kept in plain text. Each stored value says which it is by its prefix:

    fernet:<Fernet token>     encrypted with one of NUDGEBOT_ENCRYPTION_KEY's keys
    plain:<token>             not encrypted (NUDGEBOT_ALLOW_PLAINTEXT_TOKENS=1 and no key)

NUDGEBOT_ENCRYPTION_KEY holds one key or several, newest first: the first encrypts, every
one decrypts (MultiFernet), so a new key can be put in front and the old ones dropped once
every stored token has been sealed again with the new one (`python app.py rotate-keys`).
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.settings import Settings

SEALED = "fernet:"
PLAIN = "plain:"


class TokenError(RuntimeError):
    """A stored token cannot be read: sealed with a key that is no longer configured, or
    plain text where only sealed tokens may be kept. The message names no token."""


class Sealer:
    """Seals and opens the tokens the app keeps. With no key, tokens are kept marked as
    plain text, which only `allow_plaintext` permits."""

    def __init__(self, keys: tuple[str, ...], *, allow_plaintext: bool = False) -> None:
        if not keys and not allow_plaintext:
            raise TokenError(
                "no encryption key: set NUDGEBOT_ENCRYPTION_KEY "
                "(or NUDGEBOT_ALLOW_PLAINTEXT_TOKENS=1 to keep tokens unencrypted)"
            )
        self._fernets = [Fernet(key.encode("ascii")) for key in keys]
        self._multi = MultiFernet(self._fernets) if self._fernets else None
        self.allow_plaintext = allow_plaintext

    @classmethod
    def from_settings(cls, settings: Settings) -> Sealer:
        return cls(settings.encryption_keys, allow_plaintext=settings.allow_plaintext_tokens)

    @property
    def encrypts(self) -> bool:
        return self._multi is not None

    def seal(self, value: str | None) -> str | None:
        """The stored form of `value`; None stays None, a stored form is returned as it is
        (sealing twice never happens)."""
        if value is None or is_stored_form(value):
            return value
        if self._multi is None:
            return PLAIN + value
        return SEALED + self._multi.encrypt(value.encode()).decode("ascii")

    def open(self, stored: str | None) -> str | None:
        """The token a stored value holds. A value with no prefix is taken as plain text
        (written by hand or by an older version): `rotate-keys` seals it."""
        if stored is None:
            return None
        if stored.startswith(SEALED):
            if self._multi is None:
                raise TokenError(
                    "a stored token is encrypted but NUDGEBOT_ENCRYPTION_KEY is not set"
                )
            try:
                return self._multi.decrypt(stored[len(SEALED) :].encode("ascii")).decode()
            except (InvalidToken, UnicodeError):
                raise TokenError(
                    "a stored token was encrypted with a key that NUDGEBOT_ENCRYPTION_KEY no "
                    "longer lists: put the old key back after the new one"
                ) from None
        return stored.removeprefix(PLAIN)

    def is_current(self, stored: str | None) -> bool:
        """Whether `stored` is kept as it should be now: sealed with the newest key (or,
        with no key, plain text)."""
        if stored is None:
            return True
        if self._multi is None:
            return stored.startswith(PLAIN)
        if not stored.startswith(SEALED):
            return False
        try:
            self._fernets[0].decrypt(stored[len(SEALED) :].encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True

    def reseal(self, stored: str | None) -> str | None:
        """`stored` sealed again with the newest key (plain text sealed for the first time)."""
        if stored is None or self.is_current(stored):
            return stored
        return self.seal(self.open(stored))


def is_stored_form(value: str) -> bool:
    return value.startswith(SEALED) or value.startswith(PLAIN)
