"""What the catalogue is made of: a practice, its commitments and their prompts, and the
kinds of answer people give. The practices themselves are data, in bot/practices.py."""

from __future__ import annotations

from dataclasses import dataclass

RESPONSE_KINDS = (
    "kudos",
    "win",
    "vision",
    "hope",
    "fear",
    "goal",
    "pilot",
    "idea",
    "learning",
    "reflection",
    "habit",
)


@dataclass(frozen=True)
class Prompt:
    key: str
    text: str
    kind: str


@dataclass(frozen=True)
class Commitment:
    key: str
    name: str
    summary: str
    prompts: tuple[Prompt, ...]


@dataclass(frozen=True)
class Practice:
    key: str
    name: str
    emoji: str
    summary: str
    commitments: tuple[Commitment, ...]
    aliases: tuple[str, ...]
    # The commitment a kudos or win tagged with this practice counts under.
    tag_commitment: str

    def commitment(self, key: str) -> Commitment:
        return next(c for c in self.commitments if c.key == key)

    @property
    def prompts(self) -> tuple[Prompt, ...]:
        return tuple(p for c in self.commitments for p in c.prompts)


def prompt(key: str, kind: str, text: str) -> Prompt:
    """A prompt, written as the catalogue lists them: key, kind of answer, text."""
    return Prompt(key=key, text=text, kind=kind)
