"""How hard one replica posts (schedules/posting.py), and the NUDGEBOT_POST_* variables
that tune it."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """How hard one replica posts."""

    threads: int = 64  # posts in flight at once (Slack's round trip overlaps)
    per_workspace: int = 4  # one workspace's posts in flight at once
    channel_interval: float = 1.05  # seconds between two posts in one channel
    batch: int = 50  # most occurrences claimed in one transaction
    planners: int = 6  # threads choosing what claimed occurrences say (database reads)
    poll: float = 0.5  # seconds between looks for due rows when there is nothing to do
    flush_seconds: float = 0.25  # outcomes are written at least this often
    flush_rows: int = 200  # or as soon as this many wait
    sweep: float = 10.0  # the leader looks for claims of dead replicas this often (seconds)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        """The defaults, each replaced by its NUDGEBOT_POST_* variable when that is set
        (a bad value is logged and the default kept)."""
        env = os.environ if env is None else env
        found: dict[str, Any] = {}
        for name, kind in (
            ("threads", int),
            ("per_workspace", int),
            ("batch", int),
            ("planners", int),
            ("channel_interval", float),
            ("sweep", float),
            ("poll", float),
        ):
            raw = env.get(f"NUDGEBOT_POST_{name.upper()}")
            if not raw:
                continue
            try:
                value = kind(raw)
                if value <= 0:
                    raise ValueError
            except ValueError:
                log.warning(
                    "NUDGEBOT_POST_%s=%r is not a positive number: ignored", name.upper(), raw
                )
                continue
            found[name] = value
        return replace(cls(), **found)
