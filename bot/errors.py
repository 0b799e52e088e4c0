"""Errors a person caused and can fix; shown to them as an ephemeral message."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action. `usage` shows the right form when there is one."""

    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage
