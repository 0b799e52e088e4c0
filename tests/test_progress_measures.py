"""What progress counts and how it says it, checked by hand on a fixed calendar: published
statements count, a number shows what it is made of, too little history is said plainly,
ties for "needs attention" are broken in a stated way, a tagged kudos counts where it was
tagged and for everyone it names, and days are calendar days in the team's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.progress import chart
from bot.progress import render as progress_render
from bot.progress import series as progress_series
from bot.progress import service as progress
from bot.progress.parts import Part
from bot.slack.members import ChannelMembers
from models.queries import ensure_workspace
from models.tables import Prompt, Statement, Workspace
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.test_progress import item
from tests.test_render import check_message

Sessions = sessionmaker[Session]
BERLIN = "Europe/Berlin"
ZONE = ZoneInfo(BERLIN)
NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)  # Saturday, 14:00 in Berlin


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


STARTED = NOW - timedelta(days=60)


def workspace_with(
    sessions: Sessions, rows: list[Any], started: datetime = STARTED
) -> tuple[str, str]:
    """A workspace where nudgebot started at `started`, with `rows` (built for team "T?" and
    channel "C?", rewritten here to a fresh team and channel)."""
    team, channel = slack_id("T"), slack_id("C")
    with sessions.begin() as s:
        ensure_workspace(s, team)
        workspace = s.get(Workspace, team)
        assert workspace is not None
        workspace.created_at = started
        for row in rows:
            row.team_id = team
            if hasattr(row, "channel_id"):
                row.channel_id = channel
            for recipient in getattr(row, "recipients", []):
                recipient.team_id = team
            s.add(row)
    return team, channel


def report_of(
    sessions: Sessions, team: str, channel: str, days: int = 7, **kw: Any
) -> progress.Progress:
    with sessions() as s:
        return progress.channel_progress(
            s, team_id=team, channel_id=channel, days=days, now=NOW, zone=BERLIN, **kw
        )


def text_of(report: progress.Progress) -> str:
    return blocks_text(check_message(progress_render.progress(report)))


def line(text: str, key: str) -> str:
    practice = catalogue.practice(key)
    start = text.index(f"{practice.emoji} *{practice.name}*:")
    return text[start : text.index("\n", start)]


def statement(kind: str, at: datetime, author: str = "ULEAD") -> Statement:
    return Statement(team_id="T?", kind=kind, text=f"our {kind}", author_id=author, created_at=at)


def prompt(practice: str, at: datetime) -> Prompt:
    found = catalogue.practice(practice)
    first = found.commitments[0]
    return Prompt(
        team_id="T?",
        channel_id="C?",
        practice=practice,
        commitment=first.key,
        prompt_key=first.prompts[0].key,
        response_kind=first.prompts[0].kind,
        text="a prompt",
        created_at=at,
    )


def thing(kind: str, practice: str, at: datetime, user: str | None = "U0A") -> Any:
    return item("T?", "C?", kind, practice, user, at)


# -- published statements ------------------------------------------------------------------


def test_publishing_the_vision_and_guidelines_counts_under_inspire_a_shared_vision(
    sessions: Sessions,
) -> None:
    rows = [
        thing("kudos", "heart", ago(1)),
        thing("win", "challenge", ago(2)),
        thing("goal", "enable", ago(2)),
        thing("reflection", "model", ago(3)),
        statement("vision", ago(0.1)),
        statement("guidelines", ago(0.1)),
    ]
    team, channel = workspace_with(sessions, rows)
    report = report_of(sessions, team, channel)
    vision = next(c for c in report.counts if c.practice == "vision")
    assert vision.current == 2
    assert vision.parts == (Part("published_vision", 1), Part("published_guidelines", 1))
    assert report.focus != "vision"  # right after publishing, it no longer needs attention
    text = text_of(report)
    assert (
        ":telescope: *Inspire a Shared Vision*: 2 (vision published, guidelines published)"
        " · none the week before"
    ) in line(text, "vision")
    # The author took part, with U0A and the person U0A's kudos named.
    assert report.people == 3
    lead = report_of(sessions, team, channel, members=ChannelMembers(frozenset({"ULEAD"})))
    assert lead.participants == 1
    # Statements belong to the workspace: another channel counts them, another workspace not.
    with sessions() as s:
        elsewhere = progress.channel_progress(
            s, team_id=team, channel_id=slack_id("C"), days=7, now=NOW, zone=BERLIN
        )
        other = progress.channel_progress(
            s, team_id=slack_id("T"), channel_id=channel, days=7, now=NOW, zone=BERLIN
        )
    assert next(c for c in elsewhere.counts if c.practice == "vision").current == 2
    assert other.total == 0


def test_a_vision_published_twice_says_so(sessions: Sessions) -> None:
    rows = [
        statement("vision", ago(3)),
        statement("vision", ago(1)),
        thing("hope", "vision", ago(1)),
    ]
    team, channel = workspace_with(sessions, rows)
    assert "*Inspire a Shared Vision*: 3 (vision published twice, 1 hope)" in text_of(
        report_of(sessions, team, channel)
    )


# -- what a number is made of -----------------------------------------------------------------


def test_rising_worries_show_as_worries_not_as_progress(sessions: Sessions) -> None:
    rows = [
        thing("hope", "vision", ago(1)),
        *[thing("fear", "vision", ago(2), user=None) for _ in range(3)],
        thing("hope", "vision", ago(9)),  # the week before
    ]
    team, channel = workspace_with(sessions, rows)
    text = text_of(report_of(sessions, team, channel))
    assert line(text, "vision") == (
        ":telescope: *Inspire a Shared Vision*: 4 (1 hope, 3 worries) · 1 hope the week before"
    )
    assert "up from" not in text and ":arrow_up:" not in text and ":arrow_down:" not in text


def test_one_kind_is_said_with_its_number_and_nothing_is_nothing(sessions: Sessions) -> None:
    rows = [
        thing("kudos", "heart", ago(1)),
        thing("kudos", "heart", ago(2)),
        thing("win", "challenge", ago(10)),
    ]
    team, channel = workspace_with(sessions, rows)
    text = text_of(report_of(sessions, team, channel))
    assert line(text, "heart") == ":tada: *Encourage the Heart*: 2 kudos · none the week before"
    assert line(text, "challenge").endswith(
        "*Challenge the Process*: nothing · 1 win the week before"
    )
    assert line(text, "enable").endswith("*Enable Others to Act*: nothing · none the week before")


# -- too little history ---------------------------------------------------------------------


def test_a_bot_younger_than_the_period_says_new_and_why(sessions: Sessions) -> None:
    """A 30-day view of a two-week-old bot: nothing before to compare with."""
    rows = [thing("kudos", "heart", ago(1)), thing("win", "challenge", ago(12))]
    team, channel = workspace_with(sessions, rows, started=ago(14))
    text = text_of(report_of(sessions, team, channel, days=30))
    assert (
        "17 May – 15 Jun. I started here on Sat 1 Jun, less than 30 days ago, so there is "
        "nothing earlier to compare with yet."
    ) in text
    assert line(text, "heart").endswith("*Encourage the Heart*: 1 kudos · new")
    assert line(text, "challenge").endswith("*Challenge the Process*: 1 win · new")
    assert line(text, "model").endswith("*Model the Way*: nothing")  # no "new", no "none"
    assert "up from" not in text and "before" not in text


def test_history_that_begins_in_the_period_before_says_so(sessions: Sessions) -> None:
    rows = [
        thing("kudos", "heart", ago(1)),
        thing("win", "challenge", ago(1)),
        thing("win", "challenge", ago(9)),
    ]
    team, channel = workspace_with(sessions, rows, started=ago(10))
    report = report_of(sessions, team, channel)
    assert report.history == "partial"
    text = text_of(report)
    assert "9–15 Jun, compared with 2–8 Jun, though I only started here on Wed 5 Jun." in text
    assert line(text, "heart").endswith("1 kudos · new")  # nothing before, but little before
    assert line(text, "challenge").endswith("1 win · 1 win the week before")


def test_a_full_history_compares_with_the_days_before(sessions: Sessions) -> None:
    team, channel = workspace_with(sessions, [thing("kudos", "heart", ago(1))])
    report = report_of(sessions, team, channel)
    assert report.history == "full"
    text = text_of(report)
    assert "9–15 Jun, compared with 2–8 Jun." in text
    assert line(text, "heart").endswith("1 kudos · none the week before")
    assert "the 30 days before" in text_of(report_of(sessions, team, channel, days=30))


def test_a_channel_with_nothing_lately_says_so(sessions: Sessions) -> None:
    team, channel = workspace_with(sessions, [thing("kudos", "heart", ago(40))])
    text = text_of(report_of(sessions, team, channel))
    assert ":seedling: Nothing done here in the last 14 days." in text
    team, channel = workspace_with(sessions, [], started=ago(1))
    text = text_of(report_of(sessions, team, channel))
    assert ":seedling: Nothing done here yet." in text
    assert "*Needs attention: Model the Way*" in text
    assert "Tied with" not in text  # nothing ever here: the first of the five, unexplained


# -- what needs attention -------------------------------------------------------------------


def test_ties_with_no_history_follow_the_order_of_the_practices(sessions: Sessions) -> None:
    """No prompt posted for any practice: all five are as much in need (nobody was asked);
    those never done nor prompted come first, in the order of the five practices."""
    team, channel = workspace_with(sessions, [thing("kudos", "heart", ago(1))])
    report = report_of(sessions, team, channel)
    assert report.focus == "model"
    assert report.tied == ("model", "vision", "challenge", "enable", "heart")
    text = text_of(report)
    assert (
        "From answers per prompt over these 7 days: no Model the Way prompt was posted, so "
        "nobody was asked. Tied with Inspire a Shared Vision, Challenge the Process, Enable "
        "Others to Act and Encourage the Heart; nothing has ever been done or prompted for "
        "Model the Way here."
    ) in text


def test_ties_go_to_the_practice_never_touched_before_those_prompted(
    sessions: Sessions,
) -> None:
    """Model and vision were prompted (no answers: 0 per prompt); the three never prompted
    are more in need, and of those Enable was never touched at all."""
    rows = [
        thing("kudos", "heart", ago(1)),
        prompt("model", ago(2)),
        prompt("vision", ago(1)),
        thing("win", "challenge", ago(40)),
    ]
    team, channel = workspace_with(sessions, rows)
    report = report_of(sessions, team, channel)
    assert report.focus == "enable"
    assert report.tied == ("enable", "challenge", "heart")
    text = text_of(report)
    assert "*Needs attention: Enable Others to Act*" in text
    assert "nothing has ever been done or prompted for Enable Others to Act here." in text


def test_ties_go_to_the_practice_quiet_longest(sessions: Sessions) -> None:
    rows = [
        thing("kudos", "heart", ago(1)),
        prompt("model", ago(1)),
        prompt("vision", ago(2)),
        thing("win", "challenge", ago(40)),  # Mon 6 May
        thing("goal", "enable", ago(30)),
    ]
    team, channel = workspace_with(sessions, rows)
    report = report_of(sessions, team, channel)
    assert report.focus == "challenge"
    assert report.tied == ("challenge", "enable", "heart")
    assert (
        "Tied with Enable Others to Act and Encourage the Heart; Challenge the Process has "
        "gone longest without anything done or prompted (last on Mon 6 May)."
    ) in text_of(report)


def test_no_tie_no_explanation(sessions: Sessions) -> None:
    """Every practice prompted once; Model the Way's prompt got no answer, the others one
    each: Model the Way has the fewest answers per prompt (0.0), alone."""
    answers = (("kudos", "heart"), ("win", "challenge"), ("goal", "enable"), ("hope", "vision"))
    team, channel = workspace_with(sessions, [prompt(p, ago(2)) for p in catalogue.PRACTICE_KEYS])
    with sessions.begin() as s:
        found = s.execute(select(Prompt.practice, Prompt.id).where(Prompt.team_id == team))
        asked = {practice: prompt_id for practice, prompt_id in found}
        for kind, key in answers:
            answer = item(team, channel, kind, key, "U0A", ago(1))
            answer.prompt_id = asked[key]
            s.add(answer)
    report = report_of(sessions, team, channel)
    assert report.focus == "model" and report.tied == ("model",)
    text = text_of(report)
    assert "Tied with" not in text
    assert (
        "From answers per prompt over these 7 days: Model the Way had the fewest, 0.0 per "
        "prompt (0 to 1 prompt)."
    ) in text


def test_nudge_now_without_a_practice_prompts_what_needs_attention(
    bot: SlackDriver, sessions: Sessions
) -> None:
    """`/nudge now` uses progress's focus: a practice just prompted is not chosen again."""
    now = datetime.now(UTC)
    with sessions.begin() as s:
        ensure_workspace(s, bot.team)
        for row in (prompt("model", now - timedelta(hours=2)), thing("kudos", "heart", now)):
            row.team_id, row.channel_id = bot.team, bot.channel
            for recipient in getattr(row, "recipients", []):
                recipient.team_id = bot.team
            s.add(row)
    bot.command("/nudge", "now")
    bot.slack.wait_for(
        lambda: [
            c
            for c in bot.slack.calls_to("chat.postMessage")
            if c.params.get("channel") == bot.channel
        ]
    )

    def newest() -> str | None:
        with sessions() as s:
            return s.scalar(
                select(Prompt.practice)
                .where(Prompt.team_id == bot.team, Prompt.message_ts.is_not(None))
                .order_by(Prompt.id.desc())
            )

    assert bot.slack.wait_for(newest) == "vision"


# -- a tagged kudos --------------------------------------------------------------------------


def test_a_challenge_kudos_counts_for_challenge_and_for_everyone_it_names(
    sessions: Sessions,
) -> None:
    kudos = thing("kudos", "challenge", ago(1), user="UGIVER")
    kudos.recipients[0].user_id = "UDEV"
    kudos.recipients.append(type(kudos.recipients[0])(team_id="T?", user_id="UEVA"))
    team, channel = workspace_with(sessions, [kudos])
    report = report_of(
        sessions,
        team,
        channel,
        members=ChannelMembers(frozenset({"UGIVER", "UDEV", "UEVA", "UBEN"})),
    )
    counts = {c.practice: c.current for c in report.counts}
    assert counts == {"model": 0, "vision": 0, "challenge": 1, "enable": 0, "heart": 0}
    assert (report.people, report.participants, report.members) == (3, 3, 4)
    assert "*3 of 4 members* of this channel took part (75%)." in text_of(report)


# -- calendar days in the team's zone ---------------------------------------------------------


def test_the_chart_puts_a_friday_kudos_under_friday(sessions: Sessions) -> None:
    """Issue 9: at 10:22 on a Sunday, a kudos from Friday 16:30 was drawn under Saturday."""
    now = datetime(2026, 11, 29, 10, 22, tzinfo=ZONE)
    rows = [
        thing("kudos", "heart", datetime(2026, 11, 27, 16, 30, tzinfo=ZONE)),
        thing("win", "heart", datetime(2026, 11, 22, 23, 30, tzinfo=ZONE)),  # last Sunday
        thing("idea", "challenge", datetime(2026, 11, 23, 0, 30, tzinfo=ZONE)),  # Monday
    ]
    team, channel = workspace_with(sessions, rows, started=now - timedelta(days=60))
    with sessions() as s:
        series = progress_series.practice_series(
            s, team_id=team, channel_id=channel, days=7, now=now, zone=BERLIN
        )
        report = progress.channel_progress(
            s, team_id=team, channel_id=channel, days=7, now=now, zone=BERLIN
        )
    labels = chart.labels(series)
    assert labels == [
        f"{d}\n{n} Nov"
        for d, n in zip(
            ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), range(23, 30), strict=True
        )
    ]
    assert series.counts["heart"] == (0, 0, 0, 0, 1, 0, 0)
    assert series.counts["challenge"] == (1, 0, 0, 0, 0, 0, 0)
    # The summary counts the same calendar days: last Sunday's win is the week before.
    heart = next(c for c in report.counts if c.practice == "heart")
    assert (heart.current, heart.previous) == (1, 1)
    assert "23–29 Nov, compared with 16–22 Nov." in text_of(report)
    assert chart.describe(series).startswith(
        "Stacked bar chart of what was done per calendar day in the last 7 days, 23–29 Nov,"
    )
    assert chart.axis_label(series) == "Calendar days, 23–29 Nov, in Europe/Berlin"


def test_weeks_run_monday_to_sunday_in_the_team_zone(sessions: Sessions) -> None:
    now = datetime(2026, 11, 29, 10, 22, tzinfo=ZONE)  # a Sunday
    with sessions() as s:
        series = progress_series.practice_series(
            s, team_id=slack_id("T"), channel_id=slack_id("C"), days=30, now=now, zone=BERLIN
        )
    assert chart.labels(series) == [
        "31 Oct –\n1 Nov\n(2 days)",
        "2–8 Nov",
        "9–15 Nov",
        "16–22 Nov",
        "23–29 Nov",
    ]
    assert chart.axis_label(series) == "Weeks, Monday to Sunday, 31 Oct – 29 Nov, in Europe/Berlin"
    assert [b.first for b in series.buckets][1:] == [date(2026, 11, d) for d in (2, 9, 16, 23)]
