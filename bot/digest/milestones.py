"""Milestones: a channel's 10th, 50th, 100th ... recognition, a person's first recognition in
the workspace (not for someone who has published the team's vision or guidelines: they lead
it), the team's first pilot. Each is recorded once (a unique key) and celebrated according
to the workspace's mode: at once, in the channel's next digest, or not at all.

Detection runs inside the transaction that logs the kudos or pilot, after its row is written.
Counting needs everyone else's rows, so detection in a workspace is serialised (a PostgreSQL
transaction advisory lock; SQLite transactions hold the write lock already): two kudos racing
to the 10th see 9 and 10, never 9 and 9.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.text import clip_word
from models.queries import ensure_workspace, insert_once
from models.tables import (
    Milestone,
    Recognition,
    RecognitionRecipient,
    Response,
    Statement,
    Workspace,
)

MODES = ("now", "digest", "off")
DEFAULT_MODE = "digest"
MODES_USAGE = "/nudge milestones now|digest|off"
THRESHOLDS = (10, 50, 100, 250, 500, 1000)

RECOGNITIONS = "recognitions"
FIRST_RECOGNITION = "first_recognition"
FIRST_PILOT = "first_pilot"

# Advisory lock space (two-int form, apart from the scheduler's one-key leader lock).
_LOCK_SPACE = 1853187175


@dataclass(frozen=True)
class Reached:
    """A milestone as the rest of the bot sees it. `shown_now`: celebrate it in the message
    that reached it (the workspace's mode is "now", and that message is posted)."""

    id: int
    kind: str
    key: str
    channel_id: str
    user_id: str | None
    reached_at: datetime
    shown_now: bool = False


def is_milestone(count: int) -> bool:
    """10, 50, 100, 250, 500, 1000, then every thousand."""
    return count in THRESHOLDS or (count > 1000 and count % 1000 == 0)


def serialise(session: Session, key: str) -> None:
    """Hold a lock named `key` until the transaction ends (PostgreSQL; SQLite transactions
    are serial already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))"),
            {"space": _LOCK_SPACE, "key": key},
        )


def mode(session: Session, *, team_id: str) -> str:
    """How the workspace celebrates milestones."""
    found = session.scalar(select(Workspace.milestones_mode).where(Workspace.team_id == team_id))
    return found if found in MODES else DEFAULT_MODE


def parse_mode(word: str) -> str:
    choice = word.strip().lower()
    if choice not in MODES:
        shown = f"*{clip_word(word)}* isn't a way to celebrate. " if word.strip() else ""
        raise UserError(
            f"{shown}Choose `now` (in the message that reaches it), `digest` (in the "
            "channel's weekly digest) or `off`.",
            MODES_USAGE,
        )
    return choice


def set_mode(session: Session, *, team_id: str, mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"not a milestones mode: {mode}")
    ensure_workspace(session, team_id)
    session.execute(
        update(Workspace).where(Workspace.team_id == team_id).values(milestones_mode=mode)
    )


def after_kudos(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    recipients: Iterable[str],
    now: datetime,
    announced: bool = True,
) -> tuple[Reached, ...]:
    """Milestones reached by the kudos just written (call after its row is flushed)."""
    serialise(session, f"milestones:{team_id}")
    found: list[tuple[str, str, str | None]] = []
    count = session.scalar(
        select(func.count())
        .select_from(Recognition)
        .where(Recognition.team_id == team_id, Recognition.channel_id == channel_id)
    )
    if count and is_milestone(count):
        found.append((RECOGNITIONS, str(count), None))
    people = list(dict.fromkeys(recipients))
    received = dict(
        session.execute(
            select(RecognitionRecipient.user_id, func.count())
            .where(
                RecognitionRecipient.team_id == team_id,
                RecognitionRecipient.user_id.in_(people),
            )
            .group_by(RecognitionRecipient.user_id)
        ).all()
    )
    celebrated = set(
        session.scalars(
            select(Milestone.key).where(
                Milestone.team_id == team_id,
                Milestone.kind == FIRST_RECOGNITION,
                Milestone.key.in_(people),
            )
        )
    )
    leading = publishers(session, team_id=team_id, people=people)
    for person in people:
        if received.get(person) == 1 and person not in celebrated and person not in leading:
            found.append((FIRST_RECOGNITION, person, person))
    return _record(session, team_id, channel_id, found, now, announced)


def publishers(session: Session, *, team_id: str, people: Iterable[str]) -> set[str]:
    """Those of `people` who have published a statement (the vision, the guidelines): they
    lead the team, so a kudos to them is never their "first recognition"."""
    wanted = [p for p in people if p]
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(Statement.author_id)
            .where(Statement.team_id == team_id, Statement.author_id.in_(wanted))
            .distinct()
        )
    )


def after_response(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    user_id: str | None,
    kind: str,
    now: datetime,
    announced: bool = True,
) -> tuple[Reached, ...]:
    """Milestones reached by the response just written: the workspace's first pilot."""
    if kind != "pilot":
        return ()
    serialise(session, f"milestones:{team_id}")
    pilots = session.scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.team_id == team_id, Response.kind == "pilot")
    )
    earlier = session.scalar(
        select(Milestone.id).where(Milestone.team_id == team_id, Milestone.kind == FIRST_PILOT)
    )
    if pilots != 1 or earlier is not None:
        return ()
    return _record(session, team_id, channel_id, [(FIRST_PILOT, "1", user_id)], now, announced)


def _record(
    session: Session,
    team_id: str,
    channel_id: str,
    found: list[tuple[str, str, str | None]],
    now: datetime,
    announced: bool,
) -> tuple[Reached, ...]:
    """Write each milestone once. "now" celebrates it in the message being posted (if there
    is one; otherwise it waits for the digest); "off" settles it without a word, so turning
    milestones back on later never brings up old ones."""
    if not found:
        return ()
    how = mode(session, team_id=team_id)
    shown_now = how == "now" and announced
    settled = now if shown_now or how == "off" else None
    reached: list[Reached] = []
    for kind, key, user_id in found:
        row = Milestone(
            team_id=team_id,
            channel_id=channel_id,
            kind=kind,
            key=key,
            user_id=user_id,
            reached_at=now,
            celebrated_at=settled,
        )
        if insert_once(session, row):
            reached.append(Reached(row.id, kind, key, channel_id, user_id, now, shown_now))
    return tuple(reached)


def pending(
    session: Session, *, team_id: str, channel_id: str, until: datetime
) -> tuple[Reached, ...]:
    """Milestones reached in the channel by `until` and still waiting to be celebrated in a
    digest (none while the workspace has milestones off)."""
    if mode(session, team_id=team_id) == "off":
        return ()
    rows = session.scalars(
        select(Milestone)
        .where(
            Milestone.team_id == team_id,
            Milestone.channel_id == channel_id,
            Milestone.celebrated_at.is_(None),
            Milestone.reached_at <= until,
        )
        .order_by(Milestone.reached_at, Milestone.id)
    )
    return tuple(Reached(r.id, r.kind, r.key, r.channel_id, r.user_id, r.reached_at) for r in rows)


def mark_celebrated(session: Session, *, team_id: str, ids: Iterable[int], now: datetime) -> int:
    """Mark milestones celebrated (after the message showing them was posted)."""
    wanted = list(ids)
    if not wanted:
        return 0
    result = session.execute(
        update(Milestone)
        .where(
            Milestone.team_id == team_id,
            Milestone.id.in_(wanted),
            Milestone.celebrated_at.is_(None),
        )
        .values(celebrated_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def headline(m: Reached) -> str:
    """The milestone in a sentence, for the message that reaches it."""
    return (headlines([m]) or [f":tada: A milestone: {m.kind} {m.key}"])[0]


def headlines(reached: Sequence[Reached], most_names: int = 8) -> list[str]:
    """Milestones in as few lines as they need, one per kind, in this order: the channel's
    recognitions (the highest count reached), first recognitions (everyone in one line, at
    most `most_names` named), the first pilot."""
    counts = [int(m.key) for m in reached if m.kind == RECOGNITIONS and m.key.isdigit()]
    firsts = list(dict.fromkeys(m.user_id for m in reached if m.kind == FIRST_RECOGNITION))
    pilots = [m for m in reached if m.kind == FIRST_PILOT]
    lines = []
    if counts:
        lines.append(
            f":confetti_ball: This channel reached its *{_ordinal(max(counts))} recognition*!"
        )
    if firsts:
        names = [f"<@{u}>" if u else "someone" for u in firsts[:most_names]]
        if len(firsts) > most_names:
            names.append(f"{len(firsts) - most_names:,} more")
        lines.append(f":sparkles: *First recognition* for {_and(names)}.")
    if pilots:
        who = f"<@{pilots[0].user_id}>" if pilots[0].user_id else "Someone"
        lines.append(f":test_tube: {who} started the team's *first pilot*. Here's to trying!")
    return lines


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"
