"""Forgetting a person: what the bot holds about them, and forgetting it (delete what is
theirs, take their name off what the team keeps), in one transaction. The export of a
workspace's log is in bot/privacy/export.py.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.digest.milestones import FIRST_PILOT, RECOGNITIONS
from bot.privacy import mentions
from bot.progress import rollups
from bot.pulse import rounds as pulse_rounds
from models.nudges import PersonalNudge
from models.pulse import PulseInvite, PulseLeaderRating, PulseOptOut, PulseRound
from models.tables import (
    Commitment,
    Milestone,
    PrivateHint,
    Prompt,
    Recognition,
    RecognitionRecipient,
    Response,
    Schedule,
    Statement,
)


@dataclass(frozen=True)
class Forgotten:
    """What the bot holds about a person, or what forgetting them changed."""

    answers: int = 0  # responses deleted
    kudos_given: int = 0  # recognitions whose giver is removed
    kudos_received: int = 0  # recipient rows whose person is removed
    commitments: int = 0  # deleted
    statements: int = 0  # authorship removed
    prompts: int = 0  # posted_by removed
    schedules: int = 0  # created_by removed
    milestones: int = 0  # about the person (their first recognition): deleted
    team_milestones: int = 0  # the team's (the first pilot) that name them: name removed
    mentions: int = 0  # texts others wrote that mention them: mention replaced
    habits: int = 0  # their habit or weekly reflection, with its log: deleted
    # The practice pulse: a leader's own ratings, "Not for me", invitations of an open
    # round (deleted); rounds they opened (their name removed). Answers hold no one.
    pulse_ratings: int = 0
    pulse_optouts: int = 0
    pulse_invites: int = 0
    pulse_rounds: int = 0
    hints: int = 0  # when they were last given a private hint: deleted

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))


# The team's milestones stay when the person who reached them is forgotten (only their name
# goes), so the next pilot is never celebrated as the first again.
TEAM_MILESTONES = (FIRST_PILOT, RECOGNITIONS)


def _filters(team_id: str, user_id: str) -> dict[str, tuple[type, tuple]]:  # type: ignore[type-arg]
    """Per field of Forgotten: the table and the conditions that find the person's rows."""
    return {
        "answers": (Response, (Response.team_id == team_id, Response.user_id == user_id)),
        # Their days go with them (ON DELETE CASCADE).
        "habits": (
            PersonalNudge,
            (PersonalNudge.team_id == team_id, PersonalNudge.user_id == user_id),
        ),
        "kudos_given": (
            Recognition,
            (Recognition.team_id == team_id, Recognition.giver_id == user_id),
        ),
        "kudos_received": (
            RecognitionRecipient,
            (RecognitionRecipient.team_id == team_id, RecognitionRecipient.user_id == user_id),
        ),
        "commitments": (
            Commitment,
            (Commitment.team_id == team_id, Commitment.user_id == user_id),
        ),
        "statements": (Statement, (Statement.team_id == team_id, Statement.author_id == user_id)),
        "hints": (PrivateHint, (PrivateHint.team_id == team_id, PrivateHint.user_id == user_id)),
        "prompts": (Prompt, (Prompt.team_id == team_id, Prompt.posted_by == user_id)),
        "pulse_ratings": (
            PulseLeaderRating,
            (PulseLeaderRating.team_id == team_id, PulseLeaderRating.user_id == user_id),
        ),
        "pulse_optouts": (
            PulseOptOut,
            (PulseOptOut.team_id == team_id, PulseOptOut.user_id == user_id),
        ),
        "pulse_invites": (
            PulseInvite,
            (PulseInvite.team_id == team_id, PulseInvite.user_id == user_id),
        ),
        "pulse_rounds": (
            PulseRound,
            (PulseRound.team_id == team_id, PulseRound.opened_by == user_id),
        ),
        "schedules": (Schedule, (Schedule.team_id == team_id, Schedule.created_by == user_id)),
        "milestones": (
            Milestone,
            (
                Milestone.team_id == team_id,
                # "first recognition" milestones are keyed on the person's id
                or_(
                    Milestone.key == user_id,
                    and_(Milestone.user_id == user_id, Milestone.kind.not_in(TEAM_MILESTONES)),
                ),
            ),
        ),
        "team_milestones": (
            Milestone,
            (
                Milestone.team_id == team_id,
                Milestone.user_id == user_id,
                Milestone.kind.in_(TEAM_MILESTONES),
                Milestone.key != user_id,
            ),
        ),
    }


def held(session: Session, *, team_id: str, user_id: str) -> Forgotten:
    """How many of each kind of row forgetting `user_id` would change, in this workspace."""
    counts = {
        name: session.scalar(select(func.count()).select_from(table).where(*conditions)) or 0
        for name, (table, conditions) in _filters(team_id, user_id).items()
    }
    counts["mentions"] = mentions.count(session, team_id=team_id, user_id=user_id)
    return Forgotten(**counts)


# What forgetting does to each kind of row: delete it, or clear the columns naming the
# person. A kudos' dedupe key is cleared with its giver: `msg:<channel>:<ts>` points at the
# giver's own message in a prompt's thread.
_CLEARS: dict[str, dict[str, None]] = {
    "kudos_given": {"giver_id": None, "dedupe_key": None},
    "kudos_received": {"user_id": None},
    "statements": {"author_id": None},
    "prompts": {"posted_by": None},
    "schedules": {"created_by": None},
    "pulse_rounds": {"opened_by": None},
    "team_milestones": {"user_id": None},
}


def forget(session: Session, *, team_id: str, user_id: str) -> Forgotten:
    """Forget `user_id` in this workspace: delete their answers, commitments and the
    milestones about them; take their name off kudos (given and received), statements,
    prompts, schedules and the team's milestones; replace their mentions in what others
    wrote with a neutral word. Runs in the caller's transaction, so it all happens or none
    of it does."""
    done: dict[str, int] = {}
    touched = rollups.days_of(session, team_id=team_id, user_id=user_id)  # progress' rollups
    pulse_rounds.forget_invited(session, team_id=team_id, user_id=user_id)  # open rounds' count
    for name, (table, conditions) in _filters(team_id, user_id).items():
        values = _CLEARS.get(name)
        stmt = (
            delete(table).where(*conditions)
            if values is None
            else update(table).where(*conditions).values(values)
        )
        result = session.execute(stmt.execution_options(synchronize_session=False))
        done[name] = result.rowcount or 0  # type: ignore[attr-defined]
    rollups.recount(session, team_id=team_id, days=touched)
    done["mentions"] = mentions.scrub(session, team_id=team_id, user_id=user_id)
    return Forgotten(**done)
