"""Tiny actions for a personal habit: two or three for each commitment of the catalogue,
each small enough to do in under two minutes, and cues to anchor them to a routine."""

from __future__ import annotations

from bot import catalogue

# commitment key -> tiny actions, in the project's own words.
ACTIONS: dict[str, tuple[str, ...]] = {
    "voice": (
        "write down one thing you stood for today, in a single sentence",
        "tell one person why a decision you made matters to you",
        "name one value you want your next meeting to show",
    ),
    "example": (
        "check one promise you made this week and do the next step on it",
        "do first the thing you asked others to do",
        "admit one mistake out loud and say what you'll change",
    ),
    "imagine": (
        "write one line about what great looks like for the team a year from now",
        "ask one person what they hope our work makes possible",
    ),
    "enlist": (
        "link one task on your list to the future we're aiming for, and say so",
        "ask someone what they'd need to feel part of where we're going",
        "share one customer story that shows why our work matters",
    ),
    "change": (
        'ask "what\'s one thing we do that we should stop?" and write the answer down',
        "look for one idea from outside the team that could help us",
        "question one step in a routine process: does it still earn its place?",
    ),
    "experiment": (
        "pick one small thing to try differently today, and when you'll check it",
        "write down one thing a recent failure taught you",
        "ask someone what they'd try if it couldn't go wrong",
    ),
    "buyin": (
        "ask for someone's view before giving yours",
        "make one plan with someone instead of for them",
        "tell a colleague what you're counting on them for, and why",
    ),
    "empower": (
        "hand one decision to the person closest to the work",
        'ask "what would help you do this without me?" and listen',
        "share one piece of context someone needs to decide on their own",
    ),
    "recognise": (
        "thank one person for one specific thing they did and what it made possible",
        "tell someone's manager about something good they did",
        "notice one quiet contribution today and name it",
    ),
    "community": (
        "share one team win with someone outside the team",
        "ask a teammate how they are, and mean it",
        "mark one small milestone with the team, even with one line",
    ),
}

CUES: tuple[str, ...] = (
    "after our stand-up",
    "when I open my laptop in the morning",
    "after my first coffee",
    "after lunch",
    "before my last meeting of the day",
    "before I close my laptop for the day",
)


def commitment_of(practice: str, action_index: int) -> tuple[str, str]:
    """(commitment key, action) for the `action_index`-th suggestion of a practice,
    counting through its commitments in order."""
    options = options_for(practice)
    return options[action_index]


def options_for(practice: str) -> list[tuple[str, str]]:
    """Every (commitment key, action) suggested for a practice, in catalogue order."""
    return [
        (c.key, action)
        for c in catalogue.practice(practice).commitments
        for action in ACTIONS.get(c.key, ())
    ]
