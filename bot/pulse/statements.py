"""The ten statements of the practice pulse: one per commitment of the catalogue, each an
observable thing a team does, rated 1 to 10 for how often it happens here.

Written for nudgebot in plain words, about the team rather than any one person; they are
not taken from any published questionnaire.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import catalogue

QUESTION = "How often does this happen here? 1 is almost never, 10 is almost always."


@dataclass(frozen=True)
class Statement:
    practice: str  # a practice key
    commitment: str  # the commitment key within it
    text: str


_TEXTS: dict[tuple[str, str], str] = {
    ("model", "voice"): (
        "When we make a choice, someone says which of our principles it follows, and why."
    ),
    ("model", "example"): (
        "The people who lead here do what they ask of others, and do what they said they would."
    ),
    ("vision", "imagine"): (
        "We talk about where this team could be a year or more from now, not only this week."
    ),
    ("vision", "enlist"): (
        "People are asked what they hope for, and our direction shows that they were heard."
    ),
    ("challenge", "change"): (
        "Someone questions the usual way of doing something and proposes a better one."
    ),
    ("challenge", "experiment"): (
        "We try new things in small steps and talk openly about what did not work."
    ),
    ("enable", "buyin"): (
        "People ask each other for help and share what they know, across roles and teams."
    ),
    ("enable", "empower"): (
        "People decide how to do their own work and get what they need to grow in it."
    ),
    ("heart", "recognise"): (
        "When someone does good work, somebody says so, naming what they did and what it "
        "made possible."
    ),
    ("heart", "community"): (
        "We stop to mark what we achieved together and tell the story of how we got there."
    ),
}

STATEMENTS: tuple[Statement, ...] = tuple(
    Statement(practice=p.key, commitment=c.key, text=_TEXTS[(p.key, c.key)])
    for p in catalogue.PRACTICES
    for c in p.commitments
)

_BY_COMMITMENT = {s.commitment: s for s in STATEMENTS}


def statement(commitment: str) -> Statement:
    """The statement for a commitment key (KeyError if there is none)."""
    return _BY_COMMITMENT[commitment]
