"""What counts as practising in a channel, as queries: one row per thing done, with its
practice, its kind (see bot.progress.parts), when it happened and who did it.

- a kudos, under the practice it was tagged with (heart by default), done by its giver;
  its receivers took part too (`receivers`);
- an answer (win, hope, worry, goal, pilot, idea, learning, ...), under its practice; a
  worry has no author;
- a commitment made (when made) and kept (when answered kept): Model the Way;
- the vision or the guidelines published: Inspire a Shared Vision; the team's values
  published: Model the Way (parts.PUBLISHED_PRACTICE). Statements belong to the workspace,
  so they count in every channel of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from bot.progress import parts
from models.tables import (
    Commitment,
    Prompt,
    Recognition,
    RecognitionRecipient,
    Response,
    Statement,
    Workspace,
)


def aware(moment: datetime | None) -> datetime | None:
    """A timestamp read through a union or an aggregate, made timezone-aware (UTC)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _between(column: Any, since: datetime | None, until: datetime) -> list[Any]:
    return [column <= until] if since is None else [column >= since, column <= until]


def selects(
    team_id: str, channel_id: str | None, since: datetime | None, until: datetime
) -> list[Any]:
    """One select per source, each giving (practice, kind, created_at, actor) for what was
    done in the channel (None: anywhere in the workspace, as App Home counts a person's)
    from `since` (None: ever) to `until`, both included. The upper bound keeps a digest
    posted late to its own week."""

    def where(column: Any) -> list[Any]:
        return [] if channel_id is None else [column == channel_id]

    kudos = select(
        Recognition.practice.label("practice"),
        literal("kudos", String).label("kind"),
        Recognition.created_at.label("created_at"),
        Recognition.giver_id.label("actor"),
    ).where(
        Recognition.team_id == team_id,
        *where(Recognition.channel_id),
        *_between(Recognition.created_at, since, until),
    )
    answers = select(Response.practice, Response.kind, Response.created_at, Response.user_id).where(
        Response.team_id == team_id,
        *where(Response.channel_id),
        *_between(Response.created_at, since, until),
    )
    mine = (Commitment.team_id == team_id, *where(Commitment.channel_id))
    made = select(
        literal(parts.MODEL, String),
        literal(parts.MADE, String),
        Commitment.created_at,
        Commitment.user_id,
    ).where(*mine, *_between(Commitment.created_at, since, until))
    kept = select(
        literal(parts.MODEL, String),
        literal(parts.KEPT, String),
        Commitment.answered_at,
        Commitment.user_id,
    ).where(*mine, Commitment.status == "kept", *_between(Commitment.answered_at, since, until))
    homes = parts.PUBLISHED_PRACTICE.items()
    published = select(
        case(
            *((Statement.kind == kind, literal(practice, String)) for kind, practice in homes),
            else_=literal(parts.VISION, String),
        ),
        literal("published_", String) + Statement.kind,
        Statement.created_at,
        Statement.author_id,
    ).where(
        Statement.team_id == team_id,
        Statement.kind.in_(tuple(parts.PUBLISHED)),
        *_between(Statement.created_at, since, until),
    )
    return [kudos, answers, made, kept, published]


def items(team_id: str, channel_id: str | None, since: datetime | None, until: datetime) -> Any:
    """Everything done in the channel in the window, as one subquery (see `selects`)."""
    return union_all(*selects(team_id, channel_id, since, until)).subquery()


def receivers(team_id: str, channel_id: str, since: datetime, until: datetime) -> Any:
    """The people a kudos in the window named: they took part as much as its giver."""
    return (
        select(RecognitionRecipient.user_id)
        .join(Recognition, Recognition.id == RecognitionRecipient.recognition_id)
        .where(
            Recognition.team_id == team_id,
            Recognition.channel_id == channel_id,
            *_between(Recognition.created_at, since, until),
        )
    )


def people(
    session: Session, team_id: str, channel_id: str, since: datetime, until: datetime
) -> set[str]:
    """Everyone who took part in the window: givers and receivers of kudos, authors of
    answers, people making or keeping a commitment, authors of a statement."""
    actors = [
        s.with_only_columns(s.selected_columns[3])
        for s in selects(team_id, channel_id, since, until)
    ]
    found = union_all(*actors, receivers(team_id, channel_id, since, until)).subquery()
    column = found.c[0]
    return set(session.scalars(select(column).where(column.is_not(None)).distinct()))


@dataclass(frozen=True)
class History:
    """How far back the channel's history goes (`first`, None when there is none), and per
    practice the last time anything was done or prompted for it there (`last`)."""

    first: datetime | None
    last: dict[str, datetime]


def history(session: Session, team_id: str, channel_id: str, until: datetime) -> History:
    """`first` is when nudgebot started in the workspace, or the first thing done or
    prompted in the channel if that is earlier; `last` counts prompts posted as well as
    things done, so a practice just prompted is not the quietest."""
    done = items(team_id, channel_id, None, until)
    by_practice = select(
        done.c.practice, func.min(done.c.created_at), func.max(done.c.created_at)
    ).group_by(done.c.practice)
    prompted = (
        select(Prompt.practice, func.min(Prompt.created_at), func.max(Prompt.created_at))
        .where(
            Prompt.team_id == team_id,
            Prompt.channel_id == channel_id,
            Prompt.created_at <= until,
        )
        .group_by(Prompt.practice)
    )
    starts = [session.scalar(select(Workspace.created_at).where(Workspace.team_id == team_id))]
    last: dict[str, datetime] = {}
    for practice, first, latest in [*session.execute(by_practice), *session.execute(prompted)]:
        starts.append(first)
        moment = aware(latest)
        if moment is not None and (practice not in last or moment > last[practice]):
            last[practice] = moment
    found = [m for m in (aware(s) for s in starts) if m is not None]
    return History(first=min(found, default=None), last=last)
