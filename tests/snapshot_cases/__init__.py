"""Every message, modal, App Home and digest the bot renders, with fixed inputs: the cases
of tests/test_snapshots.py.

A case is a function of no arguments that calls one render function with plain frozen
dataclasses built here (never from the database) and a fixed clock, and returns what it
rendered. Register it with `@case(render_function, "variant")`; the snapshot lands in
tests/snapshots/<feature>/<module>.<function>--<variant>.txt.

Each feature's cases are a module of this package, so a change in one feature's inputs
breaks only that module's cases (its import error is reported as a failing case of its own).
"""

from __future__ import annotations

import importlib
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

FEATURES = (
    "commitments",
    "digest",
    "habits",
    "help",
    "home",
    "measures",
    "privacy",
    "progress",
    "prompts",
    "pulse",
    "recognition",
    "reflection",
    "scheduling",
    "shared",
    "statements",
    "values",
)


@dataclass(frozen=True)
class Case:
    target: str  # the render function's dotted name, `bot.digest.render.digest`
    variant: str
    build: Callable[[], Any]

    @property
    def name(self) -> str:
        """`digest/render.digest--big-week`: the snapshot's path under tests/snapshots."""
        parts = self.target.split(".")
        feature = parts[1] if parts[0] == "bot" and len(parts) > 3 else parts[0]
        where = ".".join(parts[2:] if parts[0] == "bot" and len(parts) > 3 else parts[1:])
        slug = re.sub(r"[^a-z0-9]+", "-", self.variant.lower()).strip("-")
        return f"{feature}/{where}" + (f"--{slug}" if slug else "")


CASES: list[Case] = []
# Case modules that failed to import: module name -> the traceback.
BROKEN: dict[str, str] = {}


def target_of(thing: Callable[..., Any] | str) -> str:
    if isinstance(thing, str):
        return thing
    return f"{thing.__module__}.{thing.__qualname__}"


def case(
    thing: Callable[..., Any] | str, variant: str = ""
) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register the decorated function as a case of `thing` (a render function, or the
    dotted name of a message constant)."""

    def register(build: Callable[[], Any]) -> Callable[[], Any]:
        CASES.append(Case(target_of(thing), variant, build))
        return build

    return register


def load() -> list[Case]:
    """Every case, once (importing each feature's module registers its cases)."""
    if not CASES and not BROKEN:
        for feature in FEATURES:
            name = f"tests.snapshot_cases.{feature}"
            try:
                importlib.import_module(name)
            except Exception:
                BROKEN[name] = traceback.format_exc()
    return CASES
