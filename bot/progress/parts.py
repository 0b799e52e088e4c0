"""What a practice's number is made of, in words people can check: `1 hope, 3 worries`.

Every count in progress and on App Home is a sum of parts, one per kind of thing done:
kudos, each kind of answer, commitments made and kept, statements published. The parts
are shown next to the number, so a rise in worries never reads as a rise in anything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot import catalogue
from bot.blocks import plural

# Kinds that are not answers: a commitment made or kept, a statement published.
MADE = "commitment"
KEPT = "kept"
PUBLISHED = {
    "vision": "published_vision",
    "guidelines": "published_guidelines",
    "values": "published_values",
}

# The practice each of those counts under.
MODEL = "model"
VISION = "vision"
# A statement published counts under Inspire a Shared Vision, but the team's values:
# clarifying them is Model the Way.
PUBLISHED_PRACTICE = {"vision": VISION, "guidelines": VISION, "values": MODEL}

# Kind -> (one, many), as the catalogue words them.
NOUNS = catalogue.KIND_NOUNS

# The order parts are listed in: what leads first, then the answers as the catalogue has them.
ORDER = (
    PUBLISHED["vision"],
    PUBLISHED["guidelines"],
    PUBLISHED["values"],
    MADE,
    KEPT,
    "kudos",
    *(k for k in catalogue.RESPONSE_KINDS if k != "kudos"),
)

TIMES = {1: "", 2: " twice"}


@dataclass(frozen=True)
class Part:
    """`count` things of one `kind` (see ORDER)."""

    kind: str
    count: int


def ordered(parts: Iterable[Part]) -> tuple[Part, ...]:
    """The parts with a count, in ORDER (unknown kinds last, by name)."""
    rank = {kind: i for i, kind in enumerate(ORDER)}
    kept = [p for p in parts if p.count]
    return tuple(sorted(kept, key=lambda p: (rank.get(p.kind, len(rank)), p.kind)))


def words(part: Part, *, after_made: bool = False, given: bool = False) -> str:
    """One part in words: `3 worries`, `vision published`, `2 commitments made`, and
    `1 kept` right after the commitments made; `2 kudos given` on a person's own page."""
    n = part.count
    if part.kind == "kudos" and given:
        return plural(n, "kudos", "kudos") + " given"
    if part.kind in PUBLISHED.values():
        what = part.kind.removeprefix("published_")
        return f"{what} published" + TIMES.get(n, f" {n:,} times")
    if part.kind == MADE:
        return plural(n, "commitment") + " made"
    if part.kind == KEPT:
        return f"{n:,} kept" if after_made else plural(n, "commitment") + " kept"
    one, many = NOUNS.get(part.kind, (part.kind, part.kind))
    return plural(n, one, many)


def describe(parts: Iterable[Part], *, given: bool = False) -> str:
    """`vision published, 1 hope, 3 worries`; empty when there is nothing. With `given`,
    kudos are said to be given (a person's own page, where they also receive some)."""
    found = ordered(parts)
    kinds = {p.kind for p in found}
    return ", ".join(words(p, after_made=MADE in kinds, given=given) for p in found)


def total(parts: Iterable[Part]) -> int:
    return sum(p.count for p in parts)
