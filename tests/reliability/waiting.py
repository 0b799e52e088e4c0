"""Run something with a stopwatch and a hard limit, so a test that would hang fails instead."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Outcome:
    seconds: float
    value: Any = None
    error: BaseException | None = None


def timed(work: Callable[[], Any], limit: float) -> Outcome:
    """Run `work` on a thread; fail the test if it is still running after `limit` seconds
    (the thread is left behind, a daemon, still stuck)."""
    outcome = Outcome(seconds=0.0)
    start = time.monotonic()

    def run() -> None:
        try:
            outcome.value = work()
        except BaseException as err:  # the test looks at what was raised
            outcome.error = err
        outcome.seconds = time.monotonic() - start

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    if thread.is_alive():
        raise AssertionError(f"still waiting after {limit:.1f} s: it hangs")
    return outcome


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
