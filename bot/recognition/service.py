"""Recognition: kudos from one person to one or more others, for a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import catalogue
from bot.digest import milestones
from bot.digest.milestones import Reached
from bot.errors import UserError
from models.queries import ensure_workspace, insert_once
from models.tables import Recognition, RecognitionRecipient, Workspace


@dataclass(frozen=True)
class KudosGiven:
    id: int
    giver_id: str
    recipients: tuple[str, ...]
    reason: str
    practice: str
    commitment: str
    # Milestones this kudos reached; those with shown_now are celebrated in its message.
    milestones: tuple[Reached, ...] = ()
    # The team value it shows, as the team wrote it then.
    team_value: str | None = None


def check_recipients(giver_id: str, recipients: tuple[str, ...], bots: set[str]) -> None:
    """Refuse self-recognition and kudos to bots, before anything is written."""
    if giver_id in recipients:
        raise UserError(
            "You can't give yourself kudos (nice try!). Recognise someone whose work you saw."
        )
    named_bots = [r for r in recipients if r in bots]
    if named_bots:
        who = ", ".join(f"<@{b}>" for b in named_bots)
        raise UserError(f"{who} is a bot; kudos are for the people on your team.")


def given_today(session: Session, *, team_id: str, giver_id: str, now: datetime, zone: str) -> int:
    """How many people `giver_id` has recognised since midnight in `zone`."""
    local = now.astimezone(ZoneInfo(zone))
    midnight = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
    stmt = (
        select(func.count(RecognitionRecipient.id))
        .join(Recognition, RecognitionRecipient.recognition_id == Recognition.id)
        .where(
            Recognition.team_id == team_id,
            Recognition.giver_id == giver_id,
            Recognition.created_at >= midnight,
        )
    )
    return session.scalar(stmt) or 0


def give_kudos(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    giver_id: str,
    recipients: tuple[str, ...],
    reason: str,
    practice: str | None,
    now: datetime,
    daily_cap: int | None,
    zone: str,
    prompt_id: int | None = None,
    dedupe_key: str | None = None,
    announced: bool = True,
    team_value: str | None = None,
) -> KudosGiven | None:
    """Log a kudos. Returns None when `dedupe_key` was logged already (a double submit).

    Every path that records kudos (the command, the modal, a thread reply) comes through
    here, so the rules live here: no kudos to oneself, and no more than `daily_cap` people
    a day per giver, counted from midnight in `zone` (both required, so no caller can leave
    the cap out; None means no cap). A refusal raises UserError before anything is written.
    Which recipients are bots only Slack knows: callers look that up and call
    `check_recipients` with them before opening the transaction.

    Untagged kudos count under Encourage the Heart. `announced`: the caller posts the returned
    kudos to the channel (so a milestone it reaches can be celebrated in that message).
    `team_value`: the team value it shows, as resolved by the caller (bot.values.parsing).
    """
    check_recipients(giver_id, recipients, set())
    if dedupe_key is not None and session.scalar(
        select(Recognition.id).where(
            Recognition.team_id == team_id, Recognition.dedupe_key == dedupe_key
        )
    ):
        return None  # a double submit: logged already, and not held against the cap
    if daily_cap:
        # Serialise a workspace's capped kudos so two at once can't both pass the check
        # (PostgreSQL row lock; SQLite transactions already hold the write lock).
        ensure_workspace(session, team_id)
        session.execute(
            select(Workspace.team_id).where(Workspace.team_id == team_id).with_for_update()
        )
        used = given_today(session, team_id=team_id, giver_id=giver_id, now=now, zone=zone)
        if used + len(recipients) > daily_cap:
            left = max(daily_cap - used, 0)
            raise UserError(
                f"Your workspace allows {daily_cap} kudos a day and you have {left} left today. "
                "Save them for tomorrow, or share a `/win` instead."
            )
    practice_key = practice or "heart"
    commitment = catalogue.practice(practice_key).tag_commitment
    ensure_workspace(session, team_id)
    row = Recognition(
        team_id=team_id,
        channel_id=channel_id,
        giver_id=giver_id,
        reason=reason,
        practice=practice_key,
        commitment=commitment,
        prompt_id=prompt_id,
        dedupe_key=dedupe_key,
        created_at=now,
        team_value=team_value,
        recipients=[RecognitionRecipient(team_id=team_id, user_id=u) for u in recipients],
    )
    if not insert_once(session, row):
        return None
    reached = milestones.after_kudos(
        session,
        team_id=team_id,
        channel_id=channel_id,
        recipients=recipients,
        now=now,
        announced=announced,
    )
    return KudosGiven(
        row.id, giver_id, recipients, reason, practice_key, commitment, reached, team_value
    )
