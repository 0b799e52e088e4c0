"""Rows of every kind rotate reads, written in many channels with varied activity (none,
only prompts, answers to prompts of this channel and of another, kudos, commitments,
statements, pulse rounds shown, hidden and stale), and the practice rotate should choose,
worked out again from them in plain Python (tests/test_quietest.py)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.measures import window as windows
from models.pulse import PulseRating, PulseRound
from models.queries import ensure_workspace
from models.tables import (
    Commitment,
    Prompt,
    Recognition,
    RecognitionRecipient,
    Response,
    Statement,
)
from schedules.prompt_job import ROTATE_DAYS
from tests.driver import slack_id

Sessions = sessionmaker[Session]
NOW = datetime(2026, 11, 30, 15, 20, tzinfo=UTC)
MOMENTS = (NOW, NOW.replace(hour=0, minute=0), NOW - timedelta(days=3, hours=5))
KEYS = catalogue.PRACTICE_KEYS
KINDS = ("win", "hope", "fear", "idea", "learning", "goal", "pilot", "reflection")
FRESH = timedelta(days=120)  # as bot.pulse.results.FRESH_FOR


@dataclass
class Channel:
    """What was written in one channel: things done as (practice, at), prompts as (id,
    practice, at), answers to prompts logged here as (prompt id, at), and pulse rounds as
    (closed at, shown, the practice rated lowest)."""

    done: list[tuple[str, datetime]] = field(default_factory=list)
    prompts: list[tuple[int, str, datetime]] = field(default_factory=list)
    answers: list[tuple[int, datetime]] = field(default_factory=list)
    rounds: list[tuple[datetime, bool, str]] = field(default_factory=list)


def _moment(rnd: random.Random, days: float) -> datetime:
    """A moment up to `days` before NOW (a few after it), on a midnight now and then."""
    at = NOW - timedelta(seconds=rnd.uniform(-2 * 86400, days * 86400))
    if rnd.random() < 0.05:
        at = at.replace(hour=0, minute=0, second=0)
    return at.replace(microsecond=0)


def _fill(
    s: Session, rnd: random.Random, team: str, place: str, written: dict[str, Channel]
) -> None:
    """Rows of every kind rotate reads in one channel (a few logged in another of the
    team's), written as the app writes them."""
    found = written[place]
    style = rnd.randrange(6)
    if style == 0:
        return  # nothing at all
    for _ in range(rnd.randint(1, 30)):
        key = rnd.choice(KEYS)
        first = catalogue.practice(key).commitments[0]
        row = Prompt(
            team_id=team,
            channel_id=place,
            practice=key,
            commitment=first.key,
            prompt_key=first.prompts[0].key,
            response_kind=first.prompts[0].kind,
            text="a prompt",
            created_at=_moment(rnd, rnd.choice((40, 70))),
        )
        s.add(row)
        s.flush()
        found.prompts.append((row.id, key, row.created_at))
    if style == 1:
        return  # only prompts
    for _ in range(rnd.randint(1, 40)):
        key, at = rnd.choice(KEYS), _moment(rnd, 90 if rnd.random() < 0.7 else 1)
        answered = None
        if rnd.random() < 0.6:  # mostly after the prompt, now and then before
            answered, _, asked = rnd.choice(found.prompts)
            at = (asked + timedelta(hours=rnd.uniform(-5, 80))).replace(microsecond=0)
        where = rnd.choice(list(written)) if rnd.random() < 0.1 else place
        if rnd.random() < 0.3:
            s.add(
                Recognition(
                    team_id=team,
                    channel_id=where,
                    giver_id="U1",
                    reason="for the work",
                    practice=key,
                    commitment="recognize",
                    prompt_id=answered,
                    created_at=at,
                    recipients=[RecognitionRecipient(team_id=team, user_id="U2")],
                )
            )
        else:
            kind = rnd.choice(KINDS)
            s.add(
                Response(
                    team_id=team,
                    channel_id=where,
                    user_id=None if kind == "fear" else "U1",
                    kind=kind,
                    practice=key,
                    commitment=catalogue.practice(key).tag_commitment,
                    text="t",
                    source="command",
                    prompt_id=answered,
                    created_at=at,
                )
            )
        written[where].done.append((key, at))
        if answered is not None:
            written[where].answers.append((answered, at))
    if style >= 4:
        made = _moment(rnd, 40)
        kept = made + timedelta(days=rnd.uniform(0, 5)) if rnd.random() < 0.6 else None
        s.add(
            Commitment(
                team_id=team,
                channel_id=place,
                user_id="U1",
                text="do it",
                due_on=date(2026, 12, 1),
                zone="UTC",
                status="open" if kept is None else "kept",
                answered_at=None if kept is None else kept.replace(microsecond=0),
                created_at=made,
            )
        )
        found.done.append(("model", made))
        if kept is not None:
            found.done.append(("model", kept.replace(microsecond=0)))
    if style == 5:
        for number in range(1, rnd.randint(2, 3)):
            _round(s, rnd, team, place, number, found)


def _round(
    s: Session, rnd: random.Random, team: str, place: str, number: int, found: Channel
) -> None:
    """A closed pulse round, shown or not, with one practice rated lowest."""
    closed = _moment(rnd, 200)
    answered = rnd.choice((3, 6))
    lowest = rnd.choice(KEYS)
    row = PulseRound(
        team_id=team,
        channel_id=place,
        number=number,
        status="closed",
        opened_at=closed - timedelta(days=7),
        remind_at=closed - timedelta(days=4),
        closes_at=closed,
        closed_at=closed,
        invited=9,
        answered=answered,
        min_group=5,
    )
    s.add(row)
    s.flush()
    s.add_all(
        PulseRating(
            round_id=row.id,
            team_id=team,
            practice=key,
            commitment=f"{key}.c",
            rating=3 if key == lowest else rnd.randint(5, 10),
        )
        for key in KEYS
        for _ in range(answered)
    )
    found.rounds.append((closed, answered >= 5, lowest))


@dataclass(frozen=True)
class Expected:
    focus: str
    last: dict[str, datetime]  # per practice, the last thing done or prompted
    # per practice, prompts and answers over 28 days, and over the 28 days before
    rates: tuple[tuple[int, int], ...]
    before: tuple[tuple[int, int], ...]


def expected(place: Channel, said: list[tuple[str, datetime]], now: datetime) -> Expected:
    """The rule, from the rows: the lowest rated practice of the newest shown round if it
    is fresh; else the lowest answers per prompt over 28 days (no prompt: lowest of all),
    ties to the practice never done nor prompted, then the one quiet longest, then the
    catalogue's order."""
    window = windows.calendar(ROTATE_DAYS, now, "UTC")
    last: dict[str, datetime] = {}
    moments = [*place.done, *said, *((key, at) for _, key, at in place.prompts)]
    for key, at in moments:
        if at <= now and (key not in last or at > last[key]):
            last[key] = at

    def rate(key: str, start: datetime, end: datetime) -> tuple[int, int]:
        asked = {i for i, k, at in place.prompts if k == key and start <= at < end}
        answers = sum(1 for i, at in place.answers if i in asked and at >= window.previous_start)
        return len(asked), answers

    rates = [rate(key, window.start, window.end) for key in KEYS]
    need = {key: a / n if n else -1.0 for key, (n, a) in zip(KEYS, rates, strict=True)}
    tied = [k for k in KEYS if need[k] == min(need.values())]
    never = NOW - timedelta(days=9999)
    focus = min(tied, key=lambda k: (k in last, last.get(k, never), KEYS.index(k)))
    shown = [r for r in place.rounds if r[1]]
    if shown and now - shown[-1][0] <= FRESH:
        focus = shown[-1][2]
    before = tuple(rate(key, window.previous_start, window.start) for key in KEYS)
    return Expected(focus, last, tuple(rates), before)


def world(
    sessions: Sessions, rnd: random.Random
) -> tuple[dict[tuple[str, str], Channel], dict[str, list[tuple[str, datetime]]]]:
    """Three workspaces of sixteen channels: what was written in each channel, and the
    statements each workspace published as (practice, at)."""
    channels: dict[tuple[str, str], Channel] = {}
    said: dict[str, list[tuple[str, datetime]]] = {}
    with sessions.begin() as s:
        for _ in range(3):
            team = slack_id("T")
            ensure_workspace(s, team)
            said[team] = []
            for kind in rnd.sample(("vision", "guidelines", "values"), rnd.randint(0, 2)):
                at = _moment(rnd, 60)
                s.add(Statement(team_id=team, kind=kind, text="t", author_id="U1", created_at=at))
                said[team].append(("model" if kind == "values" else "vision", at))
            written = {slack_id("C"): Channel() for _ in range(16)}
            for place, found in written.items():
                _fill(s, rnd, team, place, written)
                channels[team, place] = found
    return channels, said
