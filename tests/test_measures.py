"""Each team measure against rows written here and a number worked out by hand, on a fixed
calendar in Berlin: Saturday 15 June 2024, 14:00 (12:00 UTC). `/nudge progress 7d` covers
Sun 9 – Sat 15 June (from 8 June 22:00 UTC), the week before 2–8 June."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.measures import attention, balance, follow, recognition
from bot.measures.window import Window, calendar, ending
from bot.prompts import service as prompts
from models.pulse import PulseRating, PulseRound
from models.queries import ensure_workspace
from models.tables import (
    Commitment,
    Prompt,
    Recognition,
    RecognitionRecipient,
    Response,
)
from tests.driver import slack_id

Sessions = sessionmaker[Session]
BERLIN = "Europe/Berlin"
NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
WEEK = calendar(7, NOW, BERLIN)


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


class Place:
    """A fresh team and channel, and rows written into them."""

    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions
        self.team, self.channel = slack_id("T"), slack_id("C")
        with sessions.begin() as s:
            ensure_workspace(s, self.team)

    def add(self, *rows: Any) -> list[int]:
        with self.sessions.begin() as s:
            s.add_all(rows)
            s.flush()
            return [row.id for row in rows]

    def kudos(
        self, when: datetime, giver: str, *to: str, channel: str | None = None, **kw: Any
    ) -> Recognition:
        return Recognition(
            team_id=self.team,
            channel_id=channel or self.channel,
            giver_id=giver,
            reason="for the work",
            practice=kw.pop("practice", "heart"),
            commitment="recognize",
            created_at=when,
            recipients=[RecognitionRecipient(team_id=self.team, user_id=u) for u in to],
            **kw,
        )

    def answer(self, kind: str, when: datetime, user: str | None = "UANA", **kw: Any) -> Response:
        practice = kw.pop("practice", catalogue.practice("challenge").key)
        return Response(
            team_id=self.team,
            channel_id=self.channel,
            user_id=user,
            kind=kind,
            practice=practice,
            commitment=catalogue.practice(practice).tag_commitment,
            text=f"a {kind}",
            source="command",
            created_at=when,
            **kw,
        )

    def commitment(
        self, due: date, status: str = "open", answered: datetime | None = None
    ) -> Commitment:
        return Commitment(
            team_id=self.team,
            channel_id=self.channel,
            user_id="UANA",
            text="do it",
            due_on=due,
            zone=BERLIN,
            status=status,
            answered_at=answered,
            created_at=at(5, 1),
        )

    def prompt(self, practice: str, when: datetime) -> Prompt:
        first = catalogue.practice(practice).commitments[0]
        return Prompt(
            team_id=self.team,
            channel_id=self.channel,
            practice=practice,
            commitment=first.key,
            prompt_key=first.prompts[0].key,
            response_kind=first.prompts[0].kind,
            text="a prompt",
            created_at=when,
        )

    def where(self, window: Window = WEEK) -> dict[str, Any]:
        return {"team_id": self.team, "channel_id": self.channel, "window": window}


@pytest.fixture
def place(sessions: Sessions) -> Place:
    return Place(sessions)


# -- the days ---------------------------------------------------------------------------------


def test_windows_are_calendar_days_in_the_team_zone() -> None:
    assert (WEEK.first, WEEK.last, WEEK.today) == (date(2024, 6, 9), date(2024, 6, 15), NOW.date())
    assert WEEK.start == at(6, 8, 22)  # midnight in Berlin (summer time)
    assert WEEK.previous_start == at(6, 1, 22)
    # reach: 30 days to now from Fri 17 May, and 30 days to the period's start from 10 May
    assert WEEK.trailing(30) == (at(5, 9, 22), at(5, 16, 22), at(6, 8, 22))
    # pilots: moved 30 days back, the same wall-clock end
    assert WEEK.back(30) == (at(5, 2, 22), at(5, 9, 22), at(5, 16, 12))
    digest = ending(7, at(6, 14, 22), BERLIN)  # made on Sat 15 June: Sat 8 – Fri 14 June
    assert (digest.first, digest.last, digest.today) == (
        date(2024, 6, 8),
        date(2024, 6, 14),
        date(2024, 6, 15),
    )
    assert digest.start == at(6, 7, 22)


# -- recognition reach -------------------------------------------------------------------------


def test_reach_counts_members_recognised_in_30_days_and_givers(
    place: Place, sessions: Sessions
) -> None:
    k = place.kudos
    place.add(
        k(ago(1), "UG1", "UA", "UB"),
        k(ago(10), "UG2", "UC"),  # in both 30-day windows
        k(ago(35), "UG1", "UA"),  # 11 May: the 30 days before only
        k(ago(2), "UA", "UX"),  # UX is not a member
        k(at(5, 16, 22, 30), "UG3", "UE"),  # 00:30 on Fri 17 May in Berlin: the first day
        k(at(5, 16, 21, 30), "UG3", "UD"),  # 23:30 on 16 May in Berlin: the 30 days before
        k(ago(1), "UG4", "UD", channel="COTHER"),  # another channel
    )
    members = frozenset({"UA", "UB", "UC", "UD", "UE"})
    with sessions() as s:
        got = recognition.reach(s, members=members, **place.where())
        unknown = recognition.reach(s, members=None, **place.where())
        nobody = recognition.reach(s, members=frozenset(), **place.where())
        missed = recognition.not_recognised(s, members=members, **place.where())
    # now (17 May – 15 June): UA, UB, UC, UE of five members; before (10 May – 8 June, the
    # two overlap): UA, UC, UD, UE
    assert (got.members, got.reached, got.previous_reached) == (5, 4, 4)
    assert got.share == pytest.approx(0.8) and got.previous_share == pytest.approx(0.8)
    # givers now: UG1, UG2, UA, UG3; before: UG2, UG1, UG3
    assert (got.givers, got.previous_givers) == (4, 3)
    # members unknown: everyone named counts, UX too
    assert unknown.members is None and (unknown.reached, unknown.previous_reached) == (5, 4)
    assert nobody.members == 0 and nobody.share is None
    assert missed == ("UD",)


# -- concentration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("people", "fifth"), [(0, 0), (1, 1), (4, 1), (5, 1), (6, 2), (10, 2), (11, 3)]
)
def test_the_most_recognised_fifth_is_rounded_up(people: int, fifth: int) -> None:
    assert recognition.top_fifth(people) == fifth


def test_spread_adds_up_the_largest_counts_whoever_holds_them() -> None:
    # 3+3+3+1+1 = 11 over five people; the fifth is one person, a tie at the top: 3 of 11
    tied = recognition.spread([3, 1, 3, 1, 3])
    assert (tied.total, tied.people, tied.top) == (11, 5, 3)
    assert not tied.high  # 27%
    four = recognition.spread([9, 1, 1, 1])
    assert four.share == pytest.approx(0.75) and not four.enough and not four.high


def test_concentration_warns_when_the_top_fifth_gets_most(place: Place, sessions: Sessions) -> None:
    k = place.kudos
    place.add(
        k(ago(1), "UG", "UA", "UB", "UC", "UD", "UE", "UF"),
        *[k(ago(2), "UG", "UA") for _ in range(5)],
        # the week before: four people once each
        k(ago(8), "UG", "UA", "UB", "UC", "UD"),
    )
    with sessions() as s:
        got = recognition.concentration(s, **place.where())
    # now: UA 6, five others 1 each: 11 recognitions over six people, the fifth is two
    # people (6 + 1 = 7): 7 of 11 = 64% > 50%
    now = got.current
    assert (now.total, now.people, now.top_people, now.top) == (11, 6, 2, 7)
    assert now.share == pytest.approx(7 / 11) and now.high
    assert (got.previous.total, got.previous.people, got.previous.enough) == (4, 4, False)


# -- follow-through ------------------------------------------------------------------------------


def test_follow_through_and_median_days_late(place: Place, sessions: Sessions) -> None:
    c = place.commitment
    place.add(
        c(date(2024, 6, 10), "kept", at(6, 12, 10)),  # 2 days late
        c(date(2024, 6, 11), "kept", at(6, 10)),  # early: 0
        c(date(2024, 6, 12), "kept", at(6, 14, 23, 30)),  # 01:30 on 15 June in Berlin: 3
        c(date(2024, 6, 13), "dropped", at(6, 13)),
        c(date(2024, 6, 14)),  # open, due yesterday: overdue
        c(date(2024, 6, 15)),  # open, due today: not late yet
        c(date(2024, 6, 16), "kept", at(6, 14)),  # due after the period
        c(date(2024, 6, 5), "kept", at(6, 5)),  # the week before
        c(date(2024, 6, 8)),  # the week before, open: overdue
    )
    with sessions() as s:
        got = follow.follow_through(s, **place.where())
    now, before = got.current, got.previous
    assert (now.kept, now.dropped, now.overdue, now.base) == (3, 1, 1, 5)
    assert now.share == pytest.approx(0.6)
    assert now.late_days == (0, 2, 3) and now.median_late == 2
    assert (before.kept, before.overdue, before.base, before.median_late) == (1, 1, 2, 0)


def test_no_commitments_due_has_no_share(place: Place, sessions: Sessions) -> None:
    place.add(place.commitment(date(2024, 6, 20)))
    with sessions() as s:
        got = follow.follow_through(s, **place.where())
    assert got.current.base == 0 and got.current.share is None
    assert got.current.median_late is None


def test_a_digest_week_counts_everything_due_in_it_as_late_when_open(
    place: Place, sessions: Sessions
) -> None:
    """The digest made on Sat 15 June covers 8–14 June: one open and due on 14 June is
    overdue there (it is "today" for /nudge progress on the 14th)."""
    place.add(place.commitment(date(2024, 6, 14)))
    with sessions() as s:
        digest = follow.follow_through(s, **place.where(ending(7, at(6, 14, 22), BERLIN)))
        on_the_day = follow.follow_through(s, **place.where(calendar(7, at(6, 14), BERLIN)))
    assert digest.current.overdue == 1
    assert on_the_day.current.base == 0


# -- experiments closed --------------------------------------------------------------------------


def test_pilots_closed_by_a_learning_within_30_days(place: Place, sessions: Sessions) -> None:
    a = place.answer
    p1, p2, p3, p4, p5 = place.add(
        a("pilot", at(5, 11)),
        a("pilot", at(5, 12)),
        a("pilot", at(5, 13)),
        a("pilot", at(5, 16, 13)),  # after 16 May 12:00: not 30 days old yet
        a("pilot", at(5, 5)),  # the period before (3–9 May)
    )
    place.add(
        a("learning", at(5, 20), parent_id=p1),  # 9 days: closed
        a("learning", at(5, 25), parent_id=p1),  # a second one counts once
        a("learning", at(6, 12), parent_id=p2),  # 31 days: too late
        a("idea", at(5, 14), parent_id=p3),  # not a learning
        a("learning", at(5, 17), parent_id=p4),
        a("learning", at(5, 6), parent_id=p5),
    )
    with sessions() as s:
        got = follow.experiments(s, **place.where())
    assert (got.current.total, got.current.done) == (3, 1)
    assert (got.previous.total, got.previous.done) == (1, 1)


# -- voice answered ------------------------------------------------------------------------------


def test_ideas_and_hopes_answered_within_7_days(place: Place, sessions: Sessions) -> None:
    a = place.answer
    place.add(
        a("idea", at(6, 3), message_ts="1.1", answered_at=at(6, 5)),  # answered in 2 days
        a("hope", at(6, 4), message_ts="1.2", answered_at=at(6, 12)),  # 8 days: too late
        a("idea", at(6, 6), message_ts="1.3"),  # never answered
        a("idea", at(6, 7), answered_at=at(6, 7, 13)),  # not shown as a message: no thread
        a("win", at(6, 3), message_ts="1.4", answered_at=at(6, 4)),  # not an idea or hope
        a("idea", at(6, 9), message_ts="1.5", answered_at=at(6, 9, 13)),  # too young
        a("hope", at(5, 28), message_ts="1.6", answered_at=at(5, 28, 13)),  # the week before
    )
    with sessions() as s:
        got = follow.voice(s, **place.where())
    assert (got.current.total, got.current.done) == (3, 1)
    assert (got.previous.total, got.previous.done) == (1, 1)


# -- balance ---------------------------------------------------------------------------------------


def test_answers_per_prompt_for_each_practice(place: Place, sessions: Sessions) -> None:
    first, _second, heart, vision, before = place.add(
        place.prompt("model", ago(3)),
        place.prompt("model", ago(2)),
        place.prompt("heart", ago(1)),
        place.prompt("vision", ago(4)),
        place.prompt("enable", ago(9)),  # the week before
    )
    a = place.answer
    place.add(
        *[a("reflection", ago(2), practice="model", prompt_id=first) for _ in range(3)],
        place.kudos(ago(1), "UA", "UB", prompt_id=heart),
        place.kudos(ago(0.5), "UC", "UB", prompt_id=heart),
        a("fear", ago(3), user=None, practice="vision", prompt_id=vision),
        a("goal", ago(1), practice="enable", prompt_id=before),  # counts for its prompt's week
        a("win", ago(1), practice="heart"),  # no prompt: not an answer to one
    )
    with sessions() as s:
        got = balance.balance(s, **place.where())
    rates = {r.practice: (r.prompts, r.answers, r.per_prompt) for r in got.current}
    assert rates == {
        "model": (2, 3, 1.5),
        "vision": (1, 1, 1.0),
        "challenge": (0, 0, None),
        "enable": (0, 0, None),
        "heart": (1, 2, 2.0),
    }
    assert got.rate("enable", previous=True).per_prompt == 1.0


def test_people_touching_three_practices_in_90_days(place: Place, sessions: Sessions) -> None:
    a = place.answer
    place.add(
        # UP: heart, challenge, model within days: three
        place.kudos(ago(3), "UP", "UQ"),
        a("idea", ago(3), user="UP", practice="challenge"),
        a("goal", ago(4), user="UP", practice="model"),
        # UQ: two practices only (being recognised is not doing)
        a("win", ago(2), user="UQ", practice="heart"),
        a("hope", ago(2), user="UQ", practice="vision"),
        # UR: three, one of them 95 days ago (12 March): in the 90 days to the period's
        # start (from 11 March), not in the 90 days to now (from 18 March)
        place.kudos(ago(20), "UR", "UQ"),
        a("hope", ago(30), user="UR", practice="vision"),
        a("pilot", ago(95), user="UR", practice="challenge"),
        # a worry has no author
        a("fear", ago(1), user=None, practice="vision"),
    )
    with sessions() as s:
        got = balance.broad(s, **place.where())
    assert (got.people, got.previous) == (1, 1)


def test_values_named(place: Place, sessions: Sessions) -> None:
    place.add(
        place.kudos(ago(1), "UA", "UB", team_value="Candour"),
        place.kudos(ago(2), "UA", "UC", team_value="Candour"),
        place.kudos(ago(9), "UA", "UC", team_value="Care"),
        place.answer("win", ago(10), practice="heart", team_value="Candour"),
        place.kudos(ago(1), "UA", "UB"),
    )
    elsewhere = Place(sessions)
    with sessions() as s:
        got = balance.values_named(s, **place.where())
        empty = balance.values_named(s, **elsewhere.where())
    assert [(v.value, v.current, v.previous) for v in got] == [
        ("Candour", 2, 1),
        ("Care", 0, 1),
    ]
    assert empty == ()


# -- what needs attention: rotate and `/nudge now` ---------------------------------------------


def a_round(place: Place, answered: int, **ratings: int) -> None:
    closed = ago(5)
    with place.sessions.begin() as s:
        number = 1 + len(
            s.scalars(select(PulseRound.id).where(PulseRound.team_id == place.team)).all()
        )
        rnd = PulseRound(
            team_id=place.team,
            channel_id=place.channel,
            number=number,
            status="closed",
            opened_at=closed - timedelta(days=7),
            remind_at=closed,
            closes_at=closed,
            closed_at=closed,
            invited=9,
            answered=answered,
            min_group=5,
        )
        s.add(rnd)
        s.flush()
        s.add_all(
            PulseRating(
                round_id=rnd.id, team_id=place.team, practice=k, commitment=f"{k}.c", rating=r
            )
            for k, r in ratings.items()
            for _ in range(max(answered, 1))
        )


def test_rotate_follows_the_pulse_else_answers_per_prompt(place: Place, sessions: Sessions) -> None:
    """Heart has the most kudos but was never prompted: without a pulse it is among the
    most in need (raw counts would have skipped it); with a pulse, the lowest rated."""
    place.add(
        *[place.kudos(ago(d), "UA", "UB") for d in (1, 2, 3)],
        place.prompt("model", ago(2)),
        place.prompt("vision", ago(2)),
        place.prompt("challenge", ago(2)),
        place.prompt("enable", ago(2)),
    )

    def rotate() -> str:
        with sessions() as s:
            return prompts.rotate_practice(s, team_id=place.team, channel_id=place.channel, now=NOW)

    assert rotate() == "heart"
    a_round(place, 4, model=2, vision=9, challenge=9, enable=9, heart=9)  # under 5: unread
    assert rotate() == "heart"
    a_round(place, 6, model=8, vision=7, challenge=3, enable=8, heart=9)
    assert rotate() == "challenge"
    with sessions() as s:
        found = attention.needs_attention(
            s, team_id=place.team, channel_id=place.channel, window=WEEK, last={}
        )
    assert (found.basis, found.focus, found.pulse_average) == ("pulse", "challenge", 3.0)
