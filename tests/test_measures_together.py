"""The measures read together give what each gives alone: reach, concentration and who was
not recognised come from one pass over the people named (bot.measures.recognition
`recognised`, as progress, the digest and App Home read them), and must equal
`reach`, `concentration` and `not_recognised` for every kind of period."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.measures import recognition
from bot.measures import service as measures
from bot.measures.window import Window, calendar, ending
from bot.slack.members import ChannelMembers
from tests.test_measures import BERLIN, NOW, Place, ago

Sessions = sessionmaker[Session]
MEMBERS = frozenset({"UA", "UB", "UC", "UD", "UE", "UF"})
WINDOWS = [
    calendar(7, NOW, BERLIN),
    calendar(30, NOW, BERLIN),
    calendar(90, NOW, BERLIN),
    calendar(30, NOW, "UTC"),
    ending(7, NOW, BERLIN),
]


@pytest.fixture
def place(sessions: Sessions) -> Place:
    place = Place(sessions)
    k = place.kudos
    place.add(
        k(ago(0.1), "UG1", "UA", "UB"),
        k(ago(3), "UG2", "UA"),
        k(ago(8), "UG1", "UC", "UA"),
        k(ago(20), "UA", "UX"),  # UX is not a member
        k(ago(29.6), "UG3", "UD"),
        k(ago(31), "UG3", "UE", "UD"),
        k(ago(45), "UG4", "UB"),
        k(ago(70), "UG1", "UE"),
        k(ago(100), "UG2", "UF", "UA"),
        k(ago(170), "UG2", "UF"),
        k(ago(200), "UG2", "UC"),  # before every period
        k(ago(1), "UG4", "UF", channel="COTHER"),  # another channel
    )
    return place


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: f"{w.days}d-{w.zone}-{w.today}")
@pytest.mark.parametrize("members", [MEMBERS, None, frozenset()], ids=["known", "unknown", "none"])
def test_read_together_equals_read_alone(
    place: Place, sessions: Sessions, window: Window, members: frozenset[str] | None
) -> None:
    where = place.where(window)
    with sessions() as s:
        together = recognition.recognised(s, members=members, **where)
        assert together.reach == recognition.reach(s, members=members, **where)
        assert together.concentration == recognition.concentration(s, **where)
        if members is not None:
            missed = recognition.not_recognised(s, members=members, **where)
            assert tuple(sorted(members - together.named)) == missed


def test_team_measures_name_who_was_missed_only_when_asked(
    place: Place, sessions: Sessions
) -> None:
    window = calendar(30, NOW, BERLIN)
    where = place.where(window)
    with sessions() as s:
        asked = measures.team_measures(s, members=ChannelMembers(MEMBERS), missed=True, **where)
        plain = measures.team_measures(s, members=ChannelMembers(MEMBERS), **where)
        unknown = measures.team_measures(
            s, members=ChannelMembers(None, "not_in_channel"), missed=True, **where
        )
        alone = recognition.not_recognised(s, members=MEMBERS, **where)
    # the 30 days (17 May – 15 June in Berlin) named UA, UB, UC and UX; UD was named 29.6
    # days ago, at 23:36 on 16 May in Berlin: the day before they begin
    assert asked.not_recognised == alone == ("UD", "UE", "UF")
    assert plain.not_recognised is None and unknown.not_recognised is None
    assert asked.reach == plain.reach and asked.concentration == plain.concentration
