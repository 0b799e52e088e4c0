"""The pure parts of personal habits: days, times and zones (bot/habits/when.py), whether
someone is away (bot/habits/away.py), and `/nudge me` / `/nudge habits` as typed
(bot/habits/parsing.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.errors import UserError
from bot.habits import away, parsing, when

PARIS = "Europe/Paris"
WEEKDAYS = (0, 1, 2, 3, 4)


# -- days ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "days"),
    [
        ("mon wed fri", (0, 2, 4)),
        ("Fri,mon", (0, 4)),
        ("  tuesday ,  THURS ", (1, 3)),
        ("weekdays", WEEKDAYS),
        ("daily", (0, 1, 2, 3, 4, 5, 6)),
        ("everyday", (0, 1, 2, 3, 4, 5, 6)),
        ("weekends", (5, 6)),
        ("weekends mon", (0, 5, 6)),
        ("mon mon monday", (0,)),
        ("sun", (6,)),
    ],
)
def test_parse_days(typed: str, days: tuple[int, ...]) -> None:
    assert when.parse_days(typed) == days


@pytest.mark.parametrize("typed", ["", "  ", ",", "mon funday", "m", "1", "<b>"])
def test_parse_days_refuses_what_it_cannot_read(typed: str) -> None:
    with pytest.raises(UserError) as err:
        when.parse_days(typed)
    assert "day" in err.value.message.lower()


def test_a_refused_day_is_echoed_short() -> None:
    with pytest.raises(UserError) as err:
        when.parse_days("x" * 500)
    assert len(err.value.message) < 200


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (WEEKDAYS, "weekdays"),
        ((0, 1, 2, 3, 4, 5, 6), "every day"),
        ((5, 6), "weekends"),
        ((2,), "Wed"),
        ((0, 4), "Mon and Fri"),
        ((0, 2, 4), "Mon, Wed and Fri"),
    ],
)
def test_days_text(days: tuple[int, ...], text: str) -> None:
    assert when.days_text(days) == text


def test_days_round_trip_through_the_database_form() -> None:
    assert when.decode_days(when.encode_days((0, 2, 4))) == (0, 2, 4)
    assert when.decode_days("4,0,0,9,x,") == (0, 4)
    assert when.decode_days("") == ()


# -- times -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "minute"),
    [
        ("08:30", 8 * 60 + 30),
        ("8:30", 8 * 60 + 30),
        ("830", 8 * 60 + 30),
        ("0830", 8 * 60 + 30),
        ("2359", 23 * 60 + 59),
        ("8", 8 * 60),
        ("8am", 8 * 60),
        ("8 AM", 8 * 60),
        ("5.15pm", 17 * 60 + 15),
        ("5h15", 5 * 60 + 15),
        ("12am", 0),
        ("12:30am", 30),
        ("12pm", 12 * 60),
        ("12:45pm", 12 * 60 + 45),
        ("1pm", 13 * 60),
        ("00:00", 0),
        ("23:59", 23 * 60 + 59),
    ],
)
def test_parse_time(typed: str, minute: int) -> None:
    assert when.parse_time(typed) == minute


@pytest.mark.parametrize(
    "typed", ["", "24:00", "8:60", "25", "13pm", "0am", "00:30pm", "noon", "8:3", "12345", "-1"]
)
def test_parse_time_refuses_what_it_cannot_read(typed: str) -> None:
    with pytest.raises(UserError) as err:
        when.parse_time(typed)
    assert "HH:MM" in err.value.message


@pytest.mark.parametrize(
    ("picked", "minute"),
    [("08:30", 510), ("00:00", 0), ("23:59", 1439), ("24:00", None), ("8:30", None), (None, None)],
)
def test_a_time_pickers_value(picked: object, minute: int | None) -> None:
    assert when.picked_time(picked) == minute


def test_time_text() -> None:
    assert when.time_text(0) == "00:00"
    assert when.time_text(8 * 60 + 5) == "08:05"


# -- zones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Paris", PARIS),
        (" America/New_York ", "America/New_York"),
        ("utc", "UTC"),
        ("UTC", "UTC"),
    ],
)
def test_parse_zone(typed: str, zone: str) -> None:
    assert when.parse_zone(typed) == zone


@pytest.mark.parametrize(
    "typed", ["", "Mars/Olympus", "europe paris", "../../etc/passwd", "Europe/Paris;", "x" * 80]
)
def test_parse_zone_refuses_unknown_zones(typed: str) -> None:
    with pytest.raises(UserError) as err:
        when.parse_zone(typed)
    assert "Europe/Paris" in err.value.message
    assert len(err.value.message) < 200


def test_zone_or_none() -> None:
    assert when.zone_or_none(PARIS) == PARIS
    assert when.zone_or_none(None) is None
    assert when.zone_or_none("") is None
    assert when.zone_or_none("Nowhere/Land") is None
    assert when.zone_or_none("/etc/passwd") is None


# -- when it's due -----------------------------------------------------------------------------


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_next_due_across_the_spring_daylight_saving_change() -> None:
    """08:30 in Paris stays 08:30 in Paris: 07:30 UTC in winter, 06:30 UTC in summer (the
    clocks went forward on Sunday 29 March 2026)."""
    friday = when.next_due(WEEKDAYS, 510, PARIS, utc(2026, 3, 26, 12, 0))
    assert friday == (utc(2026, 3, 27, 7, 30), date(2026, 3, 27))
    monday = when.next_due(WEEKDAYS, 510, PARIS, friday[0])
    assert monday == (utc(2026, 3, 30, 6, 30), date(2026, 3, 30))


def test_next_due_across_the_autumn_daylight_saving_change() -> None:
    """The clocks went back on Sunday 25 October 2026: 06:30 UTC before, 07:30 after."""
    friday = when.next_due(WEEKDAYS, 510, PARIS, utc(2026, 10, 23, 0, 0))
    assert friday == (utc(2026, 10, 23, 6, 30), date(2026, 10, 23))
    assert when.next_due(WEEKDAYS, 510, PARIS, friday[0]) == (
        utc(2026, 10, 26, 7, 30),
        date(2026, 10, 26),
    )


def test_a_time_inside_the_spring_forward_gap_comes_an_hour_later() -> None:
    """02:30 on 29 March 2026 doesn't exist in Paris: the reminder comes at 03:30 local
    (01:30 UTC) that day, once, and the next week at 02:30 again."""
    sunday = when.next_due((6,), 150, PARIS, utc(2026, 3, 28, 12, 0))
    assert sunday == (utc(2026, 3, 29, 1, 30), date(2026, 3, 29))
    assert when.next_due((6,), 150, PARIS, sunday[0]) == (utc(2026, 4, 5, 0, 30), date(2026, 4, 5))


def test_a_time_that_happens_twice_in_autumn_comes_once() -> None:
    first = when.next_due((6,), 150, PARIS, utc(2026, 10, 24, 12, 0))
    assert first == (utc(2026, 10, 25, 0, 30), date(2026, 10, 25))
    # Not again an hour later, at the second 02:30: the next one is a week on.
    assert when.next_due((6,), 150, PARIS, first[0]) == (
        utc(2026, 11, 1, 1, 30),
        date(2026, 11, 1),
    )


def test_next_due_wraps_the_week() -> None:
    # Friday 27 November 2026 after 09:00 UTC; Mondays only: next Monday 30 November.
    assert when.next_due((0,), 9 * 60, "UTC", utc(2026, 11, 27, 10, 0)) == (
        utc(2026, 11, 30, 9, 0),
        date(2026, 11, 30),
    )
    # A Monday, just after its time: a whole week on (the eighth day is looked at).
    assert when.next_due((0,), 9 * 60, "UTC", utc(2026, 11, 30, 9, 0)) == (
        utc(2026, 12, 7, 9, 0),
        date(2026, 12, 7),
    )
    # Just before: today.
    assert when.next_due((0,), 9 * 60, "UTC", utc(2026, 11, 30, 8, 59)) == (
        utc(2026, 11, 30, 9, 0),
        date(2026, 11, 30),
    )


def test_next_due_is_strictly_after() -> None:
    at = utc(2026, 11, 30, 9, 0)
    found = when.next_due((0, 1, 2, 3, 4, 5, 6), 9 * 60, "UTC", at)
    assert found is not None and found[0] == at + timedelta(days=1)


def test_next_due_uses_the_persons_date_not_utcs() -> None:
    """In Auckland (UTC+13 in November) Tuesday 07:00 is Monday 18:00 UTC: a Tuesday habit
    read on Monday afternoon UTC is due that same UTC evening, dated Tuesday."""
    found = when.next_due((1,), 7 * 60, "Pacific/Auckland", utc(2026, 11, 30, 12, 0))
    assert found == (utc(2026, 11, 30, 18, 0), date(2026, 12, 1))
    # Los Angeles (UTC-8): Monday 23:30 local is Tuesday 07:30 UTC, dated Monday.
    found = when.next_due((0,), 23 * 60 + 30, "America/Los_Angeles", utc(2026, 11, 30, 12, 0))
    assert found == (utc(2026, 12, 1, 7, 30), date(2026, 11, 30))


def test_no_days_no_time() -> None:
    assert when.next_due((), 510, PARIS, utc(2026, 11, 30)) is None


def test_local_day() -> None:
    assert when.local_day(utc(2026, 11, 30, 23, 30), PARIS) == date(2026, 12, 1)
    assert when.local_day(utc(2026, 11, 30, 23, 30), "UTC") == date(2026, 11, 30)


# -- away ------------------------------------------------------------------------------------

NOW = utc(2026, 11, 30, 9, 0)
STAMP = NOW.timestamp()


@pytest.mark.parametrize(
    "profile",
    [
        {"status_emoji": ":palm_tree:"},
        {"status_emoji": ":face_with_thermometer:", "status_text": ""},
        {"status_text": "Out of office"},
        {"status_text": "OOO until Monday"},
        {"status_text": "on vacation"},
        {"status_text": "Annual leave"},
        {"status_text": "off sick"},
        # Set to last the rest of the day, or days: out, whatever it says.
        {"status_emoji": ":microphone:", "status_text": "At a conference",
         "status_expiration": STAMP + 4 * 3600},
        {"status_emoji": ":train:", "status_expiration": str(int(STAMP) + 3 * 86400)},
        # Away words win over a short expiry.
        {"status_emoji": ":palm_tree:", "status_expiration": STAMP + 60},
    ],
)  # fmt: skip
def test_a_status_that_says_away(profile: dict[str, object]) -> None:
    assert away.status_away(profile, NOW)


@pytest.mark.parametrize(
    "profile",
    [
        {},
        {"status_emoji": "", "status_text": ""},
        {"status_emoji": ":coffee:", "status_text": "Focusing"},
        {"status_text": "Working from home"},
        {"status_text": "I'll be late"},
        {"status_text": "Willing to help"},
        # An expiry alone, with no status (Slack leaves 0 there), says nothing.
        {"status_expiration": STAMP + 3600},
        # A status whose time ran out no longer says anything (Slack clears it soon).
        {"status_emoji": ":spiral_calendar_pad:", "status_text": "In a meeting",
         "status_expiration": STAMP - 60},
        {"status_emoji": ":coffee:", "status_expiration": "garbage"},
        {"status_emoji": ":coffee:", "status_expiration": None},
        # A meeting or a commute is not being away: a reminder at that time would never come.
        {"status_emoji": ":spiral_calendar_pad:", "status_text": "In a meeting",
         "status_expiration": STAMP + 3600},
        {"status_emoji": ":bus:", "status_text": "Commuting",
         "status_expiration": STAMP + 4 * 3600 - 1},
    ],
)  # fmt: skip
def test_a_status_that_does_not_say_away(profile: dict[str, object]) -> None:
    assert not away.status_away(profile, NOW)


def test_an_away_status_that_expired_says_nothing_any_more() -> None:
    """A holiday status whose expiry has passed (Slack clears it a little later) is over."""
    profile = {"status_emoji": ":palm_tree:", "status_text": "Vacation",
               "status_expiration": STAMP - 1}  # fmt: skip
    assert not away.status_away(profile, NOW)
    assert away.status_away({**profile, "status_expiration": 0}, NOW)


@pytest.mark.parametrize(
    "info",
    [
        {"dnd_enabled": True, "next_dnd_start_ts": STAMP - 60, "next_dnd_end_ts": STAMP + 60},
        {"dnd_enabled": True, "next_dnd_start_ts": STAMP, "next_dnd_end_ts": STAMP + 1},
        {"snooze_enabled": True, "snooze_endtime": STAMP + 600},
        {"dnd_enabled": False, "snooze_enabled": True, "snooze_endtime": str(STAMP + 1)},
        # Inside tonight's quiet hours, Slack may already name tomorrow's start: the window
        # that ends next started before it.
        {"dnd_enabled": True, "next_dnd_start_ts": STAMP + 20 * 3600,
         "next_dnd_end_ts": STAMP + 3600},
    ],
)  # fmt: skip
def test_do_not_disturb_on(info: dict[str, object]) -> None:
    assert away.dnd_on(info, NOW)


@pytest.mark.parametrize(
    "info",
    [
        {},
        {"dnd_enabled": False, "snooze_enabled": False},
        # Quiet hours later today, or over already.
        {"dnd_enabled": True, "next_dnd_start_ts": STAMP + 60, "next_dnd_end_ts": STAMP + 600},
        {"dnd_enabled": True, "next_dnd_start_ts": STAMP - 600, "next_dnd_end_ts": STAMP},
        # Quiet hours set but switched off.
        {"dnd_enabled": False, "next_dnd_start_ts": STAMP - 60, "next_dnd_end_ts": STAMP + 60},
        # A snooze that ended, or one Slack gives no end for.
        {"snooze_enabled": True, "snooze_endtime": STAMP - 1},
        {"snooze_enabled": True},
        {"snooze_enabled": False, "snooze_endtime": STAMP + 600},
        # What Slack might send that isn't a time.
        {"dnd_enabled": True, "next_dnd_start_ts": "soon", "next_dnd_end_ts": None},
        {"dnd_enabled": True, "next_dnd_start_ts": 0, "next_dnd_end_ts": 0},
    ],
)
def test_do_not_disturb_off(info: dict[str, object]) -> None:
    assert not away.dnd_on(info, NOW)


def test_a_person_gone() -> None:
    assert away.person_gone({"deleted": True})
    assert not away.person_gone({"deleted": False})
    assert not away.person_gone({})


# -- /nudge me and /nudge habits, as typed ----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "verb", "days"),
    [
        ("", "show", 0),
        ("   ", "show", 0),
        ("pause 3d", "pause", 3),
        ("PAUSE 3 days", "pause", 3),
        ("pause 1 day", "pause", 1),
        ("pause 2w", "pause", 14),
        ("pause 2 weeks", "pause", 14),
        ("pause 1wk", "pause", 7),
        ("pause 90d", "pause", 90),
        ("resume", "resume", 0),
        ("on", "resume", 0),
        ("Off", "off", 0),
        ("stop", "off", 0),
    ],
)
def test_parse_me(typed: str, verb: str, days: int) -> None:
    assert parsing.parse_me(typed) == parsing.Me(verb, days)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("pause", "For how long?"),
        ("pause   ", "For how long?"),
        ("pause 0d", "Pause for 1 day up to 90 days"),
        ("pause 91d", "Pause for 1 day up to 90 days"),
        ("pause 200d", "Pause for 1 day up to 90 days"),
        ("pause 13w", "Pause for 1 day up to 90 days"),
        ("pause 1000d", "can't read *1000d*"),
        ("pause soon", "can't read *soon*"),
        ("pause -3d", "can't read"),
        ("pause 3 months", "can't read"),
        ("pause 3d please", "can't read"),
        ("banana", "I don't know `/nudge me banana`"),
        ("resume now", "I don't know"),
        ("off please", "I don't know"),
    ],
)
def test_parse_me_refuses(typed: str, says: str) -> None:
    with pytest.raises(UserError) as err:
        parsing.parse_me(typed)
    assert says in err.value.message
    assert err.value.usage == parsing.ME_USAGE


def test_parse_me_echoes_little_of_a_long_text() -> None:
    with pytest.raises(UserError) as err:
        parsing.parse_me("pause " + "9" * 300)
    assert len(err.value.message) < 200


def test_parse_habits() -> None:
    assert parsing.parse_habits("invite") == "invite"
    assert parsing.parse_habits("  INVITE ") == "invite"
    for typed in ("", "invite everyone", "list", "me"):
        with pytest.raises(UserError) as err:
            parsing.parse_habits(typed)
        assert "/nudge habits invite" in err.value.message
