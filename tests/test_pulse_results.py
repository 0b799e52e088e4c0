"""What a closed pulse round says, computed by hand: averages per practice, the change since
the previous shown round, the focus (ties in catalogue order), and nothing at all under the
minimum group or while the round is open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.pulse import results
from models.pulse import PulseComment, PulseRating, PulseRound
from models.queries import ensure_workspace
from tests.driver import slack_id

Sessions = sessionmaker[Session]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def add_round(
    s: Session,
    team: str,
    channel: str,
    number: int,
    answers: list[dict[str, int]],
    *,
    status: str = "closed",
    min_group: int = 3,
    comments: tuple[str, ...] = (),
) -> int:
    """A round whose answers rate each practice (both its commitments) as given."""
    opened = T0 + timedelta(days=30 * number)
    rnd = PulseRound(
        team_id=team,
        channel_id=channel,
        number=number,
        status=status,
        opened_at=opened,
        remind_at=opened + timedelta(days=4),
        closes_at=opened + timedelta(days=7),
        closed_at=opened + timedelta(days=7) if status == "closed" else None,
        invited=10,
        answered=len(answers),
        min_group=min_group,
    )
    s.add(rnd)
    s.flush()
    for answer in answers:
        for practice in catalogue.PRACTICES:
            for commitment in practice.commitments:
                s.add(
                    PulseRating(
                        round_id=rnd.id,
                        team_id=team,
                        practice=practice.key,
                        commitment=commitment.key,
                        rating=answer.get(practice.key, 5),
                    )
                )
    for text in comments:
        s.add(PulseComment(round_id=rnd.id, team_id=team, text=text))
    return rnd.id


def place(sessions: Sessions) -> tuple[str, str]:
    team, channel = slack_id("T"), slack_id("C")
    with sessions.begin() as s:
        ensure_workspace(s, team)
    return team, channel


def test_averages_change_and_focus_by_hand(sessions: Sessions) -> None:
    team, channel = place(sessions)
    with sessions.begin() as s:
        add_round(s, team, channel, 1, [{"model": 4}, {"model": 6}, {"model": 8}])
        add_round(s, team, channel, 2, [{"model": 2}] * 2, min_group=3)  # hidden
        third = add_round(
            s,
            team,
            channel,
            3,
            [{"model": 7, "heart": 3}, {"model": 8, "heart": 4}, {"model": 9, "heart": 4}],
            comments=("more pairing", "shorter meetings"),
        )
    with sessions() as s:
        result = results.round_result(s, third)
        latest = results.latest(s, team_id=team, channel_id=channel)
        shown = results.latest_shown(s, team_id=team, channel_id=channel)
    assert result.shown and shown is not None and shown.round_id == third
    assert latest is not None and latest.round_id == third
    by = {score.practice: score for score in result.scores}
    assert [score.practice for score in result.scores] == list(catalogue.PRACTICE_KEYS)
    assert by["model"].average == 8.0 and by["model"].previous == 6.0  # round 2 is hidden
    assert by["model"].change == 2.0
    assert round(by["heart"].average, 1) == 3.7 and by["heart"].previous == 5.0
    assert by["heart"].change == -1.3
    assert by["vision"].average == 5.0 and by["vision"].change == 0.0
    assert result.focus == "heart"
    assert sorted(result.comments) == ["more pairing", "shorter meetings"]


def test_hidden_under_the_minimum_group_and_while_open(sessions: Sessions) -> None:
    team, channel = place(sessions)
    with sessions.begin() as s:
        first = add_round(s, team, channel, 1, [{"model": 3}] * 4, min_group=5, comments=("x",))
        add_round(s, team, channel, 2, [{"model": 3}] * 6, status="open", min_group=5)
    with sessions() as s:
        hidden = results.round_result(s, first)
        latest = results.latest(s, team_id=team, channel_id=channel)
        assert results.latest_shown(s, team_id=team, channel_id=channel) is None
    assert not hidden.shown
    assert hidden.scores == () and hidden.focus is None and hidden.comments == ()
    assert hidden.answered == 4 and hidden.min_group == 5
    assert latest is not None and latest.round_id == first  # the open round is not "latest"


def test_a_tie_goes_to_the_first_practice_in_catalogue_order(sessions: Sessions) -> None:
    team, channel = place(sessions)
    with sessions.begin() as s:
        rid = add_round(s, team, channel, 1, [{"heart": 2, "vision": 2, "enable": 2}] * 3)
    with sessions() as s:
        result = results.round_result(s, rid)
    assert result.focus == "vision"
    assert all(score.previous is None and score.change is None for score in result.scores)


def test_no_round_no_result(sessions: Sessions) -> None:
    team, channel = place(sessions)
    with sessions() as s:
        assert results.latest(s, team_id=team, channel_id=channel) is None
        assert results.latest_shown(s, team_id=team, channel_id=channel) is None


def test_no_practice_stands_out_when_every_one_averages_the_same() -> None:
    from bot.pulse.results import PracticeScore, focus_of

    same = tuple(PracticeScore(k, 6.04, None) for k in ("model", "vision", "heart"))
    assert focus_of(same) is None
    lower = (*same[:2], PracticeScore("heart", 5.9, None))
    assert focus_of(lower) == "heart"
    assert (
        focus_of(
            (
                PracticeScore("model", 6.0, None),
                PracticeScore("vision", 6.0, None),
                PracticeScore("heart", 7.0, None),
            )
        )
        == "model"
    )  # a tie for lowest


def test_a_pulse_drives_attention_only_for_120_days_after_it_closed(sessions: Sessions) -> None:
    from bot.measures import attention
    from bot.measures.window import calendar

    team, channel = slack_id("T"), slack_id("C")
    with sessions.begin() as s:
        ensure_workspace(s, team)
        add_round(s, team, channel, 1, [{"challenge": 2, "model": 8}] * 3)
    closed = T0 + timedelta(days=37)

    def basis(at: datetime) -> tuple[str, str]:
        with sessions() as s:
            found = attention.needs_attention(
                s, team_id=team, channel_id=channel, window=calendar(7, at, "UTC"), last={}
            )
        return found.basis, found.focus

    assert basis(closed + timedelta(days=119)) == ("pulse", "challenge")
    assert basis(closed + timedelta(days=121))[0] == "balance"


def test_each_practice_shows_its_averages_over_the_last_four_shown_rounds(
    sessions: Sessions,
) -> None:
    team, channel = slack_id("T"), slack_id("C")
    with sessions.begin() as s:
        ensure_workspace(s, team)
        for number, model in enumerate((2, 3, 4, 5, 6, 7), start=1):
            hidden = number == 4  # two answers, under its minimum group of 3: never shown
            add_round(s, team, channel, number, [{"model": model}] * (2 if hidden else 3))
    with sessions() as s:
        shown = results.latest_shown(s, team_id=team, channel_id=channel)
    assert shown is not None and shown.number == 6
    model = next(score for score in shown.scores if score.practice == "model")
    assert model.trend == (3.0, 4.0, 6.0, 7.0)  # rounds 2, 3, 5, 6: oldest first
    assert model.change == 1.0


def test_app_home_says_no_practice_stands_out_on_a_tie() -> None:
    from bot.home.pulse import PulseLine, PulseSection, blocks
    from bot.pulse.results import PracticeScore, RoundResult

    same = tuple(PracticeScore(k, 6.0, None) for k in ("model", "vision"))
    res = RoundResult(1, 2, T0, 8, 6, 5, True, same, None, ())
    shown = str(blocks(PulseSection((PulseLine("C1", res, {}),))))
    assert "No practice stands out" in shown and "Needs attention" not in shown
