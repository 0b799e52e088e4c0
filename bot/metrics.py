"""What the app counts, for `GET /metrics` (Prometheus). Every process has its own
counters; Prometheus adds them up across replicas. Labels never carry message text, user
ids or tokens: commands, kinds, Slack method names and error codes only, each checked for
shape and capped in number (`bounded`), so no label can grow without end.

Counted here: items people log (a database listener, `watch_items`), the database pool
(read at scrape time, `watch_pool`). Counted where they happen: requests and ack time
(handlers/telemetry.py), Slack's errors and 429s (bot/slack/client.py), posts.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections import Counter as Tally
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import REGISTRY, Counter, Gauge, Histogram, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from models.pulse import PulseComment, PulseRating, PulseVoter
from models.tables import Commitment, Recognition, Response, Statement

METRICS_PATH = "/metrics"

# surface: command, action, view, event, shortcut, options, other; command: `/kudos`,
# `/nudge schedule`, an action id, a view's callback id or an event type (see telemetry).
REQUESTS = Counter(
    "nudgebot_requests", "Slack requests handled, by surface and command", ["surface", "command"]
)
ACK_SECONDS = Histogram(
    "nudgebot_ack_seconds",
    "Time from receiving a Slack request to its ack, by command",
    ["command"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0),
)
# kind: recognition, commitment, statement, or a response's kind (win, idea, fear, ...).
ITEMS_LOGGED = Counter("nudgebot_items_logged", "Items people logged, by kind", ["kind"])
# kind: prompt, digest, pulse (a pulse invitation), reminder (a pulse reminder),
# pulse_result (a round's result in its channel), followup,
# habit, reflection; outcome: posted, failed, skipped (on purpose: the person is away or
# gone, or the scheduler is stopping), unknown (claimed by a process that died: maybe sent).
POSTS = Counter(
    "nudgebot_posts", "Scheduled posts and DMs, by kind and outcome", ["kind", "outcome"]
)
# code: Slack's error code, `http_<status>` for an answer without one, `unreachable` when
# Slack could not be reached (after the client's own retries).
SLACK_ERRORS = Counter(
    "nudgebot_slack_errors", "Slack Web API errors, by method and error code", ["method", "code"]
)
RATE_LIMITED = Counter("nudgebot_slack_ratelimited", "Slack 429 answers, by method", ["method"])
SCHEDULER_LAG = Histogram(
    "nudgebot_scheduler_lag_seconds",
    "Time from a scheduled post's due time to Slack's answer",
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 900),
)
CLAIMS_OUTSTANDING = Gauge(
    "nudgebot_claims_outstanding", "Scheduled posts claimed by this process and not yet done"
)


def wsgi_app() -> Callable[..., Iterable[bytes]]:
    """`GET /metrics`: this process's metrics in Prometheus' text format."""
    return make_wsgi_app(REGISTRY)


# -- labels ----------------------------------------------------------------------------------

OTHER = "other"
MAX_VALUES = 200  # distinct values one label may take in a process; then "other"
_NAME = re.compile(r"[A-Za-z0-9_./ -]{1,64}")
_seen: dict[str, set[str]] = {}
_seen_lock = threading.Lock()


def bounded(label: str, value: str | None) -> str:
    """`value` as a value of `label`: a short name of letters, digits and `_./ -`, and
    one of the first MAX_VALUES seen for that label; anything else is "other"."""
    if not value or not _NAME.fullmatch(value):
        return OTHER
    with _seen_lock:
        seen = _seen.setdefault(label, set())
        if value not in seen:
            if len(seen) >= MAX_VALUES:
                return OTHER
            seen.add(value)
    return value


def post(kind: str, outcome: str) -> None:
    """A scheduled post or DM of `kind` ended as `outcome` (posted, failed, skipped)."""
    POSTS.labels(kind, outcome).inc()


# -- items logged ------------------------------------------------------------------------------

_PENDING = "nudgebot_items_pending"
# A pulse answer (or a worry, below) is not counted: a live count could tell who answered.
_NOT_COUNTED = (PulseVoter, PulseRating, PulseComment)


def item_kind(row: object) -> str | None:
    """The kind a new row counts as, or None for a row that is not an item people log."""
    if isinstance(row, Recognition):
        return "recognition"
    if isinstance(row, Response):
        return None if row.kind == "fear" else row.kind  # a worry is anonymous
    if isinstance(row, Commitment):
        return "commitment"
    if isinstance(row, Statement):
        return "statement"
    return None


def _flushed(session: Session, _context: Any) -> None:
    kinds = [item_kind(row) for row in session.new if not isinstance(row, _NOT_COUNTED)]
    found = Tally(kind for kind in kinds if kind)
    if found:
        session.info.setdefault(_PENDING, Tally()).update(found)


def _committed(session: Session) -> None:
    for kind, count in session.info.pop(_PENDING, Tally()).items():
        ITEMS_LOGGED.labels(bounded("kind", kind)).inc(count)


def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


def watch_items() -> None:
    """Count items as their transaction commits (flushed rows of a transaction that rolls
    back are not counted). For every session of the process; safe to call again."""
    if not event.contains(Session, "after_flush", _flushed):
        event.listen(Session, "after_flush", _flushed)
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_rollback", _rolled_back)


# -- the database pool -------------------------------------------------------------------------

_engines: weakref.WeakValueDictionary[str, Engine] = weakref.WeakValueDictionary()
_pool_lock = threading.RLock()  # the registry collects once while registering
_registered: list[Collector] = []


class PoolCollector(Collector):
    """The pool of each watched engine, read when Prometheus scrapes: its size, the
    connections checked out (in use), checked in (idle) and opened beyond the size."""

    def collect(self) -> Iterator[Metric]:
        families = {
            "size": GaugeMetricFamily(
                "nudgebot_db_pool_size", "Connections the pool keeps", labels=["database"]
            ),
            "checkedout": GaugeMetricFamily(
                "nudgebot_db_pool_checked_out", "Connections in use", labels=["database"]
            ),
            "checkedin": GaugeMetricFamily(
                "nudgebot_db_pool_checked_in", "Idle connections in the pool", labels=["database"]
            ),
            "overflow": GaugeMetricFamily(
                "nudgebot_db_pool_overflow",
                "Connections open beyond the pool's size",
                labels=["database"],
            ),
        }
        with _pool_lock:
            engines = dict(_engines)
        for name, engine in engines.items():
            for reading, family in families.items():
                value = _read(engine.pool, reading)
                if value is not None:
                    family.add_metric([name], max(value, 0))
        yield from families.values()


def _read(pool: object, reading: str) -> int | None:
    method = getattr(pool, reading, None)
    try:
        value = method() if callable(method) else None
    except Exception:  # a pool of a kind that keeps no such count
        return None
    return value if isinstance(value, int) else None


def watch_pool(engine: Engine) -> None:
    """Report `engine`'s pool on /metrics, labelled by its database (sqlite, postgresql);
    the collector is registered once per process."""
    with _pool_lock:
        _engines[engine.dialect.name] = engine
        if not _registered:
            collector = PoolCollector()
            REGISTRY.register(collector)
            _registered.append(collector)
