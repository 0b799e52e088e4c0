"""The practice catalogue: how the code reads the Five Practices (their data is in
bot/practices.py): lookups by key, alias and prompt, and where each kind of answer counts.

Every handler and service reads practices from here; nothing else names them.
"""

from __future__ import annotations

import re

from bot.practice_types import RESPONSE_KINDS, Commitment, Practice, Prompt
from bot.practices import PRACTICES

__all__ = ["PRACTICES", "RESPONSE_KINDS", "Commitment", "Practice", "Prompt"]

PRACTICE_KEYS: tuple[str, ...] = tuple(p.key for p in PRACTICES)
_BY_KEY = {p.key: p for p in PRACTICES}
# Aliases are compared without dashes, so "encourage-the-heart" and "encouragetheheart" match.
_ALIASES = {a.replace("-", ""): p.key for p in PRACTICES for a in (p.key, *p.aliases)}
_PROMPTS = {
    prompt.key: (p, c, prompt) for p in PRACTICES for c in p.commitments for prompt in c.prompts
}

# Where an answer logged with /nudge <kind> counts: (practice, commitment).
KIND_HOME: dict[str, tuple[str, str]] = {
    "kudos": ("heart", "recognise"),
    "win": ("heart", "recognise"),
    "vision": ("vision", "imagine"),
    "hope": ("vision", "enlist"),
    "fear": ("vision", "enlist"),
    "goal": ("enable", "buyin"),
    "pilot": ("challenge", "experiment"),
    "idea": ("challenge", "change"),
    "learning": ("enable", "empower"),
    "reflection": ("model", "voice"),
    # A habit check-in always counts under its habit's own practice and commitment.
    "habit": ("model", "example"),
}


def practice(key: str) -> Practice:
    """The practice with this canonical key (KeyError if there is none)."""
    return _BY_KEY[key]


def find_practice(name: str) -> Practice | None:
    """Resolve a user's word for a practice (`heart`, `#Encourage-the-Heart`, ...) or None."""
    key = _ALIASES.get(re.sub(r"[\s_-]+", "", name.strip().lstrip("#").lower()))
    return _BY_KEY[key] if key else None


def find_prompt(key: str) -> tuple[Practice, Commitment, Prompt] | None:
    """The practice, commitment and prompt for a prompt key, or None if it is unknown."""
    return _PROMPTS.get(key)


# How each response kind reads, (one, many): a worry is what people call a fear.
KIND_NOUNS: dict[str, tuple[str, str]] = {
    "kudos": ("kudos", "kudos"),
    "win": ("win", "wins"),
    "vision": ("picture of the future", "pictures of the future"),
    "hope": ("hope", "hopes"),
    "fear": ("worry", "worries"),
    "goal": ("goal", "goals"),
    "pilot": ("pilot", "pilots"),
    "idea": ("idea", "ideas"),
    "learning": ("learning", "learnings"),
    "reflection": ("reflection", "reflections"),
    "habit": ("habit check-in", "habit check-ins"),
}


def aliases() -> list[str]:
    """Every word that names a practice, without dashes (for "did you mean")."""
    return list(_ALIASES)
