"""Database errors in log lines: what they may say.

A database's own message can quote the row it refused (PostgreSQL's "Failing row contains
(...)"), which holds what people wrote; SQLAlchemy's `hide_parameters` hides only the bound
values. So a log line names an error's class, SQLSTATE and statement, never its message.
"""

from __future__ import annotations

import logging
import traceback

from sqlalchemy.exc import DBAPIError


def describe_error(err: DBAPIError) -> str:
    """A database error as a log line may say it: its class, SQLSTATE and statement, never
    its message. The server's message can quote the row (PostgreSQL's "Failing row
    contains (...)"), which holds what people wrote; `hide_parameters` does not cover it."""
    orig = err.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
    statement = (err.statement or "").strip().splitlines()[0][:200] if err.statement else ""
    return (
        f"{type(orig).__name__ if orig else type(err).__name__} ({state or 'no code'}) {statement}"
    )


class DatabaseErrorsWithoutValues(logging.Filter):
    """On a handler: a record carrying a database error (as its exception or an argument)
    keeps its traceback's frames but loses the error's message (see `describe_error`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, DBAPIError) for a in record.args):
            record.args = tuple(
                describe_error(a) if isinstance(a, DBAPIError) else a for a in record.args
            )
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, DBAPIError):
            frames = "".join(traceback.format_tb(exc.__traceback__))
            record.msg = f"{record.getMessage()}\ndatabase error {describe_error(exc)}\n{frames}"
            record.args, record.exc_info, record.exc_text = (), None, None
        return True
