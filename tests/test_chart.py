"""`/nudge progress ... chart`: a PNG of the practices over time uploaded to the channel with
files_upload_v2 (three steps, all served by the fake), and what happens without matplotlib."""

from __future__ import annotations

import json
import struct
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.progress import chart
from bot.progress import service as progress
from tests.driver import SlackDriver
from tests.fake_slack import Call, FakeSlack, Scripted
from tests.test_progress import NOW, ProgressSlack, fake_of, rows, said, seed

Sessions = sessionmaker[Session]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
APOLOGY = "something went wrong on my side"


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
        ]
    )
    assert len(found) == 1, found
    return found[0]


# -- over HTTP -------------------------------------------------------------------------------


@pytest.mark.parametrize(("rest", "days"), [("30d chart", 30), ("chart", 7), ("CHART 90D", 90)])
def test_chart_is_uploaded_to_the_channel(
    bot: SlackDriver, sessions: Sessions, rest: str, days: int
) -> None:
    seed(sessions, bot.team, bot.channel, datetime.now(UTC))
    before = rows(sessions, bot.team)
    fake_of(bot).members[bot.channel] = ["U0A", "U0B", "U0C"]
    uploads_before = len(bot.slack.calls_to("files.getUploadURLExternal"))
    reply, key = bot.command("/nudge", f"progress {rest}")
    assert reply.status == 200 and reply.body == ""

    summary = bot.slack.wait_response(key)
    assert summary["response_type"] == "in_channel"
    assert f"Practice progress, last {days} days" in said(summary)
    assert "*3 of 3 members* of this channel took part (100%)." in said(summary)

    done = completed_in(bot, bot.channel)
    [shared] = json.loads(done.params["files"])
    assert shared["title"] == f"Practices in #general, last {days} days"
    comment = f":bar_chart: The five practices over the last {days} days, per "
    assert done.params["initial_comment"] == comment + ("day." if days == 7 else "week.")
    png = fake_of(bot).uploads[shared["id"]]
    assert png_size(png) == (990, 550)
    asked = [
        c
        for c in bot.slack.calls_to("files.getUploadURLExternal")[uploads_before:]
        if c.params.get("filename") == f"practices-{days}d.png"
        and c.params.get("length") == str(len(png))
    ]
    assert len(asked) == 1
    assert "Stacked bar chart" in asked[0].params["alt_txt"]
    assert "Encourage the Heart 2" in asked[0].params["alt_txt"]
    assert len(bot.slack.responses[key]) == 1  # no error or notice after the upload
    assert rows(sessions, bot.team) == before


def test_without_matplotlib_the_summary_still_comes(
    bot: SlackDriver, sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(sessions, bot.team, bot.channel, datetime.now(UTC))
    fake_of(bot).members[bot.channel] = ["U0A"]
    uploads_before = len(bot.slack.calls_to("files.getUploadURLExternal"))
    # `import matplotlib` fails as it does when the package isn't installed.
    monkeypatch.setitem(sys.modules, "matplotlib", None)

    _, key = bot.command("/nudge", "progress chart 30d")
    summary = bot.slack.wait_response(key)
    assert summary["response_type"] == "in_channel"
    assert "*6* logged in all (:arrow_up: from 0) by *4 people*." in said(summary)
    notice = bot.slack.wait_response(key, 2)
    assert notice["response_type"] == "ephemeral"
    assert notice["replace_original"] is False
    text = said(notice)
    assert "Charts need the optional chart extra: pip install 'nudgebot[chart]'" in text
    assert APOLOGY not in text
    assert len(bot.slack.calls_to("files.getUploadURLExternal")) == uploads_before
    assert not [
        c
        for c in bot.slack.calls_to("files.completeUploadExternal")
        if c.params.get("channel_id") == bot.channel
    ]


def test_chart_in_a_channel_the_bot_is_not_in(bot: SlackDriver, sessions: Sessions) -> None:
    seed(sessions, bot.team, bot.channel, datetime.now(UTC))
    bot.slack.fail("conversations.members", "not_in_channel")
    bot.slack.fail("files.completeUploadExternal", "not_in_channel")

    _, key = bot.command("/nudge", "progress 7d chart")
    summary = said(bot.slack.wait_response(key))
    assert "*5* logged in all" in summary
    assert "No participation figure: I'm not a member of this channel." in summary
    notice = bot.slack.wait_response(key, 2)
    assert notice["response_type"] == "ephemeral"
    assert "I can only post charts in channels I'm a member of." in said(notice)
    assert "`/invite @nudgebot`" in said(notice)
    assert APOLOGY not in said(notice)


def test_a_failed_upload_is_apologised_for(bot: SlackDriver, sessions: Sessions) -> None:
    fake_of(bot).members[bot.channel] = ["U0A"]
    bot.slack.script("upload", Scripted(status=500, body={"ok": False}))
    _, key = bot.command("/nudge", "progress chart")
    assert "Practice progress, last 7 days" in said(bot.slack.wait_response(key))
    notice = bot.slack.wait_response(key, 2)
    assert notice["response_type"] == "ephemeral"
    assert APOLOGY in said(notice)
    assert not [
        c
        for c in bot.slack.calls_to("files.completeUploadExternal")
        if c.params.get("channel_id") == bot.channel
    ]


# -- drawing ---------------------------------------------------------------------------------


def series_of(days: int, counts: dict[str, list[int]] | None = None) -> progress.Series:
    size = progress.bucket_days_for(days)
    n = -(-days // size)
    start = NOW - timedelta(days=days)
    buckets = tuple(
        progress.Bucket(
            max(start, NOW - timedelta(days=(n - i) * size)),
            NOW - timedelta(days=(n - 1 - i) * size),
        )
        for i in range(n)
    )
    given = counts or {}
    full = {k: tuple((list(given.get(k, [])) + [0] * n)[:n]) for k in catalogue.PRACTICE_KEYS}
    return progress.Series(days=days, bucket_days=size, buckets=buckets, counts=full)


@pytest.mark.parametrize("days", [7, 30, 90])
def test_render_png_is_a_png(days: int) -> None:
    n = len(series_of(days).buckets)
    data = chart.render_png(
        series_of(days, {"heart": list(range(n)), "model": [1] * n}), channel_name="team"
    )
    assert png_size(data) == (990, 550)
    assert 5_000 < len(data) < 500_000


def test_render_png_of_nothing_is_a_png() -> None:
    assert png_size(chart.render_png(series_of(30), zone="America/New_York")) == (990, 550)


def test_labels_name_days_and_weeks() -> None:
    assert chart.labels(series_of(7), UTC) == [
        "Sun\n9 Jun",
        "Mon\n10 Jun",
        "Tue\n11 Jun",
        "Wed\n12 Jun",
        "Thu\n13 Jun",
        "Fri\n14 Jun",
        "Sat\n15 Jun",
    ]
    # 30 days: four weeks and the 2 days before them.
    assert chart.labels(series_of(30), UTC) == [
        "18 May\n(2 days)",
        "25 May",
        "1 Jun",
        "8 Jun",
        "15 Jun",
    ]
    assert chart.labels(series_of(90), UTC)[0] == "23 Mar\n(6 days)"


def test_describe_and_title() -> None:
    series = series_of(30, {"heart": [1, 2, 3, 4, 5], "vision": [0, 0, 1, 0, 0]})
    text = chart.describe(series)
    assert text.startswith("Stacked bar chart of the items logged per week in the last 30 days")
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
