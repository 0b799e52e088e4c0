"""A private hint for specific praise: when a kudos' reason names no action (a few words,
or only words that fit any kudos: "great job", "thanks", "you rock"), its giver is told
privately, after the kudos is posted, what makes praise land. At most once a week per
person: a `private_hints` row, claimed in one statement so two kudos at once give one hint.
The hint never blocks or changes the kudos; a failure to give it is only logged."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.blocks import Message
from bot.recognition import render
from bot.runtime import Runtime
from models.tables import PrivateHint

log = logging.getLogger(__name__)

KIND = "specific_praise"
EVERY = timedelta(days=7)
# Fewer words than this (mentions, emoji and links aside) name no action.
MIN_WORDS = 4

# Words that fit any kudos, whoever it is for: a reason made only of these names nothing
# the person did.
_GENERIC = """
    a absolute absolutely all always amazing an and appreciate appreciated as at awesome
    being best big brilliant
    cheers cool day done everything excellent fab fantastic for from gold good great
    hard help helping hero heroes i is it job just kudos legend legends lot lots love
    many much my nice of on one our out outstanding rock rocks rockstar same so star
    stars stellar stuff super superb superstar support team thank thanks thx the this to
    today top totally true truly ty very way we week well what work working wow you your yours
    ever incredible such real
"""
GENERIC = frozenset(_GENERIC.split())

_MARKUP = re.compile(r"<[^<>]*>|:[a-z0-9_+'-]+:|&[a-z]+;", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def names_no_action(reason: str) -> bool:
    """Whether a kudos' reason says nothing about what the person did: under MIN_WORDS
    words once mentions, links, emoji and the `+value` and `#practice` tags are left out,
    or only words from GENERIC."""
    text = _MARKUP.sub(" ", reason)
    text = re.sub(r"(?<!\S)[+#]\S+", " ", text)
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return True
    return all(w in GENERIC or w.rstrip("s") in GENERIC for w in words)


def claim(session: Session, *, team_id: str, user_id: str, now: datetime) -> bool:
    """Take this week's hint for `user_id`: True if they had none in the last 7 days (and
    now have one), False otherwise. One statement (insert, or move `sent_at` only when it
    is a week old), so two kudos at once can't both claim it."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(PrivateHint)
        .values(team_id=team_id, user_id=user_id, kind=KIND, sent_at=now)
        .on_conflict_do_update(
            index_elements=["team_id", "user_id", "kind"],
            set_={"sent_at": now},
            where=PrivateHint.sent_at <= now - EVERY,
        )
        .returning(PrivateHint.user_id)
    )
    return session.execute(stmt).first() is not None


def offer(
    rt: Runtime,
    *,
    team_id: str,
    giver_id: str,
    reason: str,
    tell: Callable[[Message], object],
) -> bool:
    """After a kudos was posted: give its giver the hint (`tell`, privately) when the
    reason names no action and they had none this week. Never raises: the kudos is out."""
    if not names_no_action(reason):
        return False
    try:
        with rt.sessions.begin() as session:
            claimed = claim(session, team_id=team_id, user_id=giver_id, now=rt.now())
        if claimed:
            tell(render.praise_hint())
        return claimed
    except Exception as err:  # the kudos is posted; a missing hint is no harm
        log.warning("could not give a praise hint in %s: %s", team_id, type(err).__name__)
        return False
