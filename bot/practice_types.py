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


# What a prompt may refer to that a workspace holds only once someone publishes it.
NEEDS = ("values", "vision")


@dataclass(frozen=True)
class Prompt:
    key: str
    # The question as it reads when it names nothing the workspace holds.
    text: str
    kind: str
    # Asked only where the workspace holds this (see NEEDS): the team's values, its vision.
    needs: str | None = None
    # The question naming one of the team's values, `{value}` where it goes.
    naming: str | None = None

    def ask(self, value: str | None = None) -> str:
        """The question as posted: naming `value` when the prompt names one."""
        if value and self.naming:
            return self.naming.replace("{value}", value)
        return self.text


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


def prompt(
    key: str, kind: str, text: str, *, needs: str | None = None, naming: str | None = None
) -> Prompt:
    """A prompt, written as the catalogue lists them: key, kind of answer, text; what it
    needs the workspace to hold, and its wording naming a value."""
    return Prompt(key=key, text=text, kind=kind, needs=needs, naming=naming)
