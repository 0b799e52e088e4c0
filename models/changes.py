"""The "schedules changed" signal: wake this process's scheduler when a change commits.

Whatever adds, changes, pauses or stops a schedule (or a workspace's standing) calls
`mark_changed(session)` and bumps `updated_at`. When that session commits, a scheduler in
this process re-reads the schedules at once; one in another process sees `updated_at` at its
next poll. A rollback forgets the mark. The session listeners are registered by the
scheduler when it is built (`listen()`): a process without a scheduler has nobody to wake.
"""

from __future__ import annotations

import threading

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "schedules_changed"

# Set when a marked session commits (or the scheduler stops); the sync loop waits on it.
_changed = threading.Event()
_registering = threading.Lock()


def mark_changed(session: Session) -> None:
    """Wake this process's scheduler when `session` commits."""
    session.info[_KEY] = True


def listen() -> None:
    """Register the session listeners that turn a committed mark into a wake-up. Idempotent:
    every scheduler built calls it."""
    with _registering:
        if not event.contains(Session, "after_commit", _wake_after_commit):
            event.listen(Session, "after_commit", _wake_after_commit)
            event.listen(Session, "after_rollback", _forget_after_rollback)


def wake() -> None:
    """Wake the scheduler's sync loop now (a committed change, or the scheduler stopping)."""
    _changed.set()


def wait_for_change(timeout: float) -> None:
    """Sleep until a change commits or `timeout` seconds pass, then reset the signal."""
    _changed.wait(timeout)
    _changed.clear()


def _wake_after_commit(session: Session) -> None:
    if session.info.pop(_KEY, False):
        _changed.set()


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)
