"""Telling a double submit of a worry from a new one without storing anything that points
at its author.

Slack's view ids and message timestamps belong to one person, so a worry is stored with no
dedupe key at all (a database rule). Double submits are caught here instead, in this
process's memory, for a few minutes: only an HMAC of the key is kept, under a secret drawn
at random when the process starts and never written anywhere, so neither the database nor
a look at this process's memory can turn it back into a view id. A claim made in a
transaction that rolls back is released, so a failed save never swallows the retry.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

WINDOW_SECONDS = 600.0  # a double submit arrives within seconds; ten minutes is ample
MAX_KEYS = 50_000  # a bound on memory, whatever arrives


class RecentKeys:
    """Keyed digests seen in the last `window` seconds, oldest first."""

    def __init__(self, window: float = WINDOW_SECONDS, limit: int = MAX_KEYS) -> None:
        self._secret = secrets.token_bytes(32)
        self._window = window
        self._limit = limit
        self._seen: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def _digest(self, key: str) -> bytes:
        return hmac.new(self._secret, key.encode(), hashlib.sha256).digest()

    def claim(self, key: str) -> bytes | None:
        """The digest of `key` if it is new (now taken), None if it was seen recently."""
        digest, now = self._digest(key), time.monotonic()
        with self._lock:
            while self._seen and (
                next(iter(self._seen.values())) <= now or len(self._seen) >= self._limit
            ):
                self._seen.popitem(last=False)
            if digest in self._seen:
                return None
            self._seen[digest] = now + self._window
            return digest

    def release(self, digest: bytes) -> None:
        with self._lock:
            self._seen.pop(digest, None)


WORRIES = RecentKeys()


def first_time(session: Session, key: str, keys: RecentKeys = WORRIES) -> bool:
    """Whether `key` is new in the last few minutes; the claim lasts only if `session`'s
    transaction commits."""
    digest = keys.claim(key)
    if digest is None:
        return False
    # Release the claim if the transaction it was made in rolls back. Listen for the end of
    # that very transaction: savepoints commit inside it, and the session may live on after.
    claimed_in = session.get_transaction()
    pending = True

    def on_rollback(_session: Session) -> None:
        if pending:
            keys.release(digest)

    def on_end(_session: Session, transaction: SessionTransaction) -> None:
        nonlocal pending
        if transaction is claimed_in:
            pending = False

    event.listen(session, "after_rollback", on_rollback)
    event.listen(session, "after_transaction_end", on_end)
    return True
