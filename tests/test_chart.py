"""`/nudge progress ... chart`: a PNG of the practices over time, uploaded with files_upload_v2
(three steps, all served by the fake) to the asker's DM with the bot, and to the channel
once shared; what happens without matplotlib or without the bot in the channel."""

from __future__ import annotations

import json
import struct
import sys
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.progress import chart
from bot.progress import series as progress
from tests.driver import SlackDriver
from tests.fake_slack import Call, FakeSlack, Scripted
from tests.test_progress import (
    NOW,
    ProgressSlack,
    click_share,
    fake_of,
    rows,
    said,
    seed,
    share_value,
)

Sessions = sessionmaker[Session]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
APOLOGY = "something went wrong on my side"
DRAWING = 30.0  # seconds to wait for what follows a chart: drawing is slow on a busy machine


@pytest.fixture(scope="module")
def fake_slack_class() -> type[FakeSlack]:
    return ProgressSlack


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, after checking the signature."""
    assert data[:8] == PNG_MAGIC, data[:16]
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def completed_in(bot: SlackDriver, channel: str) -> Call:
    """The files.completeUploadExternal call that shared a file to `channel`."""
    found = bot.slack.wait_for(
        lambda: [
            c
            for c in bot.slack.calls_to("files.completeUploadExternal")
            if c.params.get("channel_id") == channel
        ],
        DRAWING,
    )
    assert len(found) == 1, found
    return found[0]


# -- over HTTP -------------------------------------------------------------------------------


def uploaded(bot: SlackDriver, done: Call, days: int) -> bytes:
    """The PNG a files.completeUploadExternal call shared, after checking its title."""
    [shared] = json.loads(done.params["files"])
    assert shared["title"] == f"Practices in #general, last {days} days"
    png = fake_of(bot).uploads[shared["id"]]
    assert png_size(png) == (990, 550)
    return png


@pytest.mark.parametrize(("rest", "days"), [("30d chart", 30), ("chart", 7), ("CHART 90D", 90)])
def test_the_chart_goes_to_the_asker_and_sharing_posts_it_to_the_channel(
    bot: SlackDriver, sessions: Sessions, rest: str, days: int
) -> None:
    seed(sessions, bot.team, bot.channel, datetime.now(UTC))
    before = rows(sessions, bot.team)
    fake_of(bot).members[bot.channel] = ["U0A", "U0B", "U0C"]
    uploads_before = len(bot.slack.calls_to("files.getUploadURLExternal"))
    reply, key = bot.command("/nudge", f"progress {rest}")
    assert reply.status == 200 and reply.body == ""

    private = bot.slack.wait_response(key)
    assert private["response_type"] == "ephemeral"
    assert f"Practice progress, last {days} days" in said(private)
    assert "*3 of 3 members* of this channel took part (100%)." in said(private)
    assert "Your chart is on its way to your direct messages with me." in said(private)
    assert share_value(private) == {"k": "progress", "a": {"days": days, "chart": True}}

    # The chart goes to the person's DM with the bot, not to the channel.
    dm = f"D{bot.user}"
    done = completed_in(bot, dm)
    png = uploaded(bot, done, days)
    per = "day" if days == 7 else "week"
    assert done.params["initial_comment"].startswith(f":bar_chart: The five practices per {per}, ")
    asked = [
        c
        for c in bot.slack.calls_to("files.getUploadURLExternal")[uploads_before:]
        if c.params.get("filename") == f"practices-{days}d.png"
        and c.params.get("length") == str(len(png))
    ]
    assert len(asked) == 1
    assert "Stacked bar chart" in asked[0].params["alt_txt"]
    assert "Encourage the Heart 2" in asked[0].params["alt_txt"]
    assert not in_channel(bot)
    assert len(bot.slack.responses[key]) == 1  # no error or notice after the upload

    # Share to channel: the report for everyone, then the chart in the channel.
    shared_key = click_share(bot, json.dumps(share_value(private), separators=(",", ":")))
    shared = bot.slack.wait_response(shared_key, 1, DRAWING)
    assert shared["response_type"] == "in_channel"
    assert f"Shared by <@{bot.user}>" in said(shared)
    assert "direct messages" not in said(shared)
    uploaded(bot, completed_in(bot, bot.channel), days)
    assert rows(sessions, bot.team) == before


def in_channel(bot: SlackDriver) -> list[Call]:
    return [
        c
        for c in bot.slack.calls_to("files.completeUploadExternal")
        if c.params.get("channel_id") == bot.channel
    ]


def test_without_matplotlib_the_summary_still_comes(
    bot: SlackDriver, sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(sessions, bot.team, bot.channel, datetime.now(UTC))
    fake_of(bot).members[bot.channel] = ["U0A"]
    uploads_before = len(bot.slack.calls_to("files.getUploadURLExternal"))
    # `import matplotlib` fails as it does when the package isn't installed.
    monkeypatch.setitem(sys.modules, "matplotlib", None)

    _, key = bot.command("/nudge", "progress chart 30d")
    private = bot.slack.wait_response(key)
    assert private["response_type"] == "ephemeral"
    text = said(private)
    assert ":tada: *Encourage the Heart*: 2 kudos · new" in text
    assert "I can't draw charts here yet: whoever runs nudgebot can add them" in text
    assert "direct messages" not in text and APOLOGY not in text

    shared_key = click_share(bot, json.dumps(share_value(private), separators=(",", ":")))
    assert bot.slack.wait_response(shared_key, 1, DRAWING)["response_type"] == "in_channel"
    notice = bot.slack.wait_response(shared_key, 2, DRAWING)
    assert notice["response_type"] == "ephemeral"
    assert "I can't draw charts here yet" in said(notice)
    assert len(bot.slack.calls_to("files.getUploadURLExternal")) == uploads_before
    assert not in_channel(bot)


def test_sharing_a_chart_in_a_channel_the_bot_is_not_in(
    bot: SlackDriver, sessions: Sessions
) -> None:
    seed(sessions, bot.team, bot.channel, datetime.now(UTC))
    bot.slack.fail("conversations.members", "not_in_channel")

    _, key = bot.command("/nudge", "progress 7d chart")
    private = bot.slack.wait_response(key)
    assert "No participation figure: I'm not a member of this channel." in said(private)
    completed_in(bot, f"D{bot.user}")  # the asker's own chart needs no channel

    bot.slack.fail("files.completeUploadExternal", "not_in_channel")
    shared_key = click_share(bot, json.dumps(share_value(private), separators=(",", ":")))
    assert bot.slack.wait_response(shared_key, 1, DRAWING)["response_type"] == "in_channel"
    notice = bot.slack.wait_response(shared_key, 2, DRAWING)
    assert notice["response_type"] == "ephemeral"
    assert "I can only post charts in channels I'm a member of." in said(notice)
    assert "`/invite @nudgebot`, then share again." in said(notice)
    assert APOLOGY not in said(notice)


def test_a_failed_upload_is_apologised_for(bot: SlackDriver, sessions: Sessions) -> None:
    fake_of(bot).members[bot.channel] = ["U0A"]
    bot.slack.script("upload", Scripted(status=500, body={"ok": False}))
    _, key = bot.command("/nudge", "progress chart")
    assert "Practice progress, last 7 days" in said(bot.slack.wait_response(key))
    notice = bot.slack.wait_response(key, 2, DRAWING)
    assert notice["response_type"] == "ephemeral"
    assert APOLOGY in said(notice)
    assert not [
        c
        for c in bot.slack.calls_to("files.completeUploadExternal")
        if c.params.get("channel_id") == f"D{bot.user}"
    ]


# -- drawing ---------------------------------------------------------------------------------


def series_of(
    days: int, counts: dict[str, list[int]] | None = None, zone: str = "UTC"
) -> progress.Series:
    bars = progress.buckets(days, NOW, zone)
    n = len(bars)
    given = counts or {}
    full = {k: tuple((list(given.get(k, [])) + [0] * n)[:n]) for k in catalogue.PRACTICE_KEYS}
    return progress.Series(
        days=days,
        bucket_days=progress.bucket_days_for(days),
        buckets=bars,
        counts=full,
        zone=zone,
        today=NOW.date(),
    )


@pytest.mark.parametrize("days", [7, 30, 90])
def test_render_png_is_a_png(days: int) -> None:
    n = len(series_of(days).buckets)
    data = chart.render_png(
        series_of(days, {"heart": list(range(n)), "model": [1] * n}), channel_name="team"
    )
    assert png_size(data) == (990, 550)
    assert 5_000 < len(data) < 500_000


def test_render_png_of_nothing_is_a_png() -> None:
    assert png_size(chart.render_png(series_of(30, zone="America/New_York"))) == (990, 550)


def test_labels_name_calendar_days_and_weeks() -> None:
    # NOW is Saturday 15 June 2024.
    assert chart.labels(series_of(7)) == [
        "Sun\n9 Jun",
        "Mon\n10 Jun",
        "Tue\n11 Jun",
        "Wed\n12 Jun",
        "Thu\n13 Jun",
        "Fri\n14 Jun",
        "Sat\n15 Jun",
    ]
    # 30 days: from Friday 17 May; weeks run Monday to Sunday, the first and last cut short.
    assert chart.labels(series_of(30)) == [
        "17–19 May\n(3 days)",
        "20–26 May",
        "27 May –\n2 Jun",
        "3–9 Jun",
        "10–15 Jun\n(6 days)",
    ]
    ninety = chart.labels(series_of(90))
    assert (len(ninety), ninety[0], ninety[-1]) == (13, "18–24 Mar", "10–15 Jun\n(6 days)")


def test_describe_and_title() -> None:
    series = series_of(30, {"heart": [1, 2, 3, 4, 5], "vision": [0, 0, 1, 0, 0]})
    text = chart.describe(series)
    assert text.startswith(
        "Stacked bar chart of what was done per week (Monday to Sunday) in the last 30 days, "
        "17 May – 15 Jun, one colour per practice."
    )
    assert "Inspire a Shared Vision 1" in text and "Encourage the Heart 15" in text
    assert chart.title(90, "general") == "Practices in #general, last 90 days"
    assert chart.title(7) == "Practices, last 7 days"


def test_charts_draw_on_several_threads_at_once() -> None:
    out: list[bytes] = []
    errors: list[BaseException] = []

    def draw(days: int) -> None:
        try:
            out.append(chart.render_png(series_of(days, {"enable": [1] * 13})))
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=draw, args=(d,)) for d in (7, 30, 90, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert len(out) == 4 and all(d.startswith(PNG_MAGIC) for d in out)


def test_missing_matplotlib_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    assert chart.available()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert not chart.available()
    with pytest.raises(chart.ChartUnavailable) as info:
        chart.render_png(series_of(7))
    assert str(info.value) == chart.INSTALL_HINT
