"""The log: one readable line per event (LOG_FORMAT=text, the default) or one JSON object
per line (LOG_FORMAT=json) with `time`, `level`, `logger`, `message`, and `request_id` and
`team_id` when known.

A Slack request gets a request id when it arrives (handlers/telemetry.py); it and the
workspace's id stay with the work done after the ack (handlers.common.queue carries them
to the pool's thread) and a scheduled job names the workspace it posts for (`bound`).
What a log line says is ids and counts, never what people wrote, tokens or secrets: the
JSON form adds nothing to a line but these ids.
"""

from __future__ import annotations

import json
import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from models.errors import DatabaseErrorsWithoutValues

TEXT = "%(asctime)s %(levelname)s %(name)s %(message)s"

REQUEST_ID: ContextVar[str | None] = ContextVar("nudgebot_request_id", default=None)
TEAM_ID: ContextVar[str | None] = ContextVar("nudgebot_team_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


@contextmanager
def bound(*, team_id: str | None = None, request_id: str | None = None) -> Iterator[None]:
    """Log lines within name this workspace and request (those given; the others stay)."""
    tokens = []
    if request_id is not None:
        tokens.append((REQUEST_ID, REQUEST_ID.set(request_id)))
    if team_id is not None:
        tokens.append((TEAM_ID, TEAM_ID.set(team_id)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


class WithIds(logging.Filter):
    """On a handler: stamps each record with the request and workspace ids of the code
    that logged it (filters run on the logging thread)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        if not hasattr(record, "team_id"):
            record.team_id = TEAM_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id
    and team_id when known, and a traceback as `exception` (one line, escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "team_id"):
            value = getattr(record, key, None)
            if value is None:
                value = (REQUEST_ID if key == "request_id" else TEAM_ID).get()
            if value:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def formatter(log_format: str) -> logging.Formatter:
    """The formatter for LOG_FORMAT (`json`, else text)."""
    return JsonFormatter() if log_format.lower() == "json" else logging.Formatter(TEXT)


def make_handler(log_format: str = "text", stream: TextIO | None = None) -> logging.Handler:
    """A handler writing to `stream` (stderr) in `log_format`, with the ids and without
    database errors' values."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(log_format))
    _filtered(handler)
    return handler


def _filtered(handler: logging.Handler) -> None:
    if not any(isinstance(f, DatabaseErrorsWithoutValues) for f in handler.filters):
        handler.addFilter(DatabaseErrorsWithoutValues())  # a database's message can quote people
    if not any(isinstance(f, WithIds) for f in handler.filters):
        handler.addFilter(WithIds())


def setup(log_format: str = "text", stream: TextIO | None = None) -> None:
    """Log to stderr at INFO in `log_format` (a process that logs elsewhere already, a test
    runner say, keeps its handlers); every handler of the root logger drops database
    errors' values and carries the ids. APScheduler logs every job added and run at INFO
    (10,000 lines for 10,000 schedules): warnings only."""
    logging.basicConfig(level=logging.INFO, handlers=[make_handler(log_format, stream)])
    for handler in logging.getLogger().handlers:
        _filtered(handler)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
