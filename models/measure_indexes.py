"""The indexes the team measures read through (bot.measures; migration 0012), on the tables
of models.tables: each measure reads a busy channel's rows from an index alone, and only
the rows it counts."""

from __future__ import annotations

from sqlalchemy import Index, text

from models.tables import Commitment, Recognition, RecognitionRecipient, Response

# Only the rows that name a team value.
_NAMED = text("team_value IS NOT NULL")

R, A, C = Recognition, Response, Commitment

INDEXES = (
    # reach, concentration, who was not recognised: a channel's kudos (with their ids, so
    # PostgreSQL reads no row for them) and the people each named
    Index("ix_recognitions_named", R.team_id, R.channel_id, R.created_at, R.id),
    Index(
        "ix_recognition_recipients_named",
        RecognitionRecipient.recognition_id,
        RecognitionRecipient.user_id,
    ),
    # answers per prompt: a prompt's answers, found from the prompt
    Index("ix_recognitions_prompt", R.prompt_id, R.team_id, R.channel_id, R.created_at),
    Index("ix_responses_prompt", A.prompt_id, A.team_id, A.channel_id, A.created_at),
    # values named: only the kudos and answers that named one
    Index(
        "ix_recognitions_value",
        R.team_id,
        R.channel_id,
        R.created_at,
        R.team_value,
        sqlite_where=_NAMED,
        postgresql_where=_NAMED,
    ),
    Index(
        "ix_responses_value",
        A.team_id,
        A.channel_id,
        A.created_at,
        A.team_value,
        sqlite_where=_NAMED,
        postgresql_where=_NAMED,
    ),
    # experiments closed and voice answered: a channel's pilots, ideas and hopes by kind
    Index(
        "ix_responses_kind",
        *(A.team_id, A.channel_id, A.kind, A.created_at, A.message_ts, A.answered_at, A.id),
    ),
    # the learnings of a pilot
    Index("ix_responses_learning", A.parent_id, A.kind, A.team_id, A.created_at),
    # follow-through: commitments by the day they are due
    Index(
        "ix_commitments_due",
        *(C.team_id, C.channel_id, C.due_on, C.status, C.answered_at, C.zone),
    ),
    # people touching three practices: commitments made, and kept, with who made them
    Index("ix_commitments_made", C.team_id, C.channel_id, C.created_at, C.user_id),
    Index(
        "ix_commitments_kept",
        *(C.team_id, C.channel_id, C.status, C.answered_at, C.created_at, C.user_id),
    ),
)
