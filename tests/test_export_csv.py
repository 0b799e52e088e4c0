"""The export as pure functions: Slack's markup as plain text, one row per item with named
columns, and the comment that goes with the file (correct plurals, the team's zone)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError

from bot.privacy import render
from bot.privacy.export import Export, Item, Log, export_csv
from bot.privacy.markup import Names, mentioned, plain
from bot.privacy.names import person_name, resolve
from bot.slack.directory import Directory

NAMES = Names(people={"U1": "Ana Lima", "U2": "Ben"}, channels={"C1": "team"})
NOW = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)


def test_markup_becomes_what_a_person_reads_in_slack() -> None:
    cases = {
        "thanks <@U1> and <@U2|ben>": "thanks @Ana Lima and @Ben",
        "<@U9|zed> and <@U8>": "@zed and @U8",  # Slack's label, else the id
        "see <#C1> and <#C2|help>": "see #team and #help",
        "<!here> <!channel> <!subteam^S1|@leads> <!date^1^{date}|Mar 1>": (
            "@here @channel @leads Mar 1"
        ),
        "<https://x.test/p|the plan>, <https://x.test>, <mailto:a@x.test|a@x.test>": (
            "the plan (https://x.test/p), https://x.test, a@x.test"
        ),
        "a &lt;placeholder&gt; &amp;lt; &amp; more": "a <placeholder> &lt; & more",
        "from a modal: &lt;@U1&gt;": "from a modal: @Ana Lima",
    }
    for text, expected in cases.items():
        assert plain(text, NAMES) == expected, text
    assert mentioned("<@U1> &lt;@U2|b&gt; <@W3> <#C1>") == ["U1", "U2", "W3"]


def test_a_person_goes_by_their_full_name_else_their_display_name_else_their_handle() -> None:
    assert person_name({"real_name": "Ana Lima", "name": "ana"}) == "Ana Lima"
    assert person_name({"profile": {"real_name": " Ana Lima "}, "name": "ana"}) == "Ana Lima"
    assert person_name({"profile": {"real_name": "", "display_name": "Ben"}}) == "Ben"
    assert person_name({"name": "chloe"}) == "chloe"
    assert person_name({}) is None


def test_rows_have_named_columns_with_status_and_due_date_apart() -> None:
    log = Log(
        "T1",
        (
            Item(
                "commitment",
                datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
                1,
                "C1",
                "U1",
                practice="model",
                commitment="example",
                status="kept",
                due_on=date(2026, 3, 20),
                text="a guide with <@U2>",
            ),
            Item("fear", NOW, 2, "C9", None, practice="vision", commitment="enlist", text="slow"),
            Item("note", NOW, 3, text="a kind of item this file doesn't know yet"),
        ),
    )
    found = export_csv(log, NAMES, zone="Europe/Berlin", now=NOW)
    rows = list(csv.DictReader(io.StringIO(found.content[1:])))
    assert rows[0] == {
        "type": "commitment",
        "date (Europe/Berlin)": "2026-03-02",  # 23:30 UTC is past midnight in Berlin
        "time (Europe/Berlin)": "00:30",
        "channel": "#team",
        "channel_id": "C1",
        "person": "Ana Lima",
        "person_id": "U1",
        "recipients": "",
        "recipient_ids": "",
        "practice": "Model the Way",
        "practice_commitment": "Lead by example",
        "status": "kept",
        "due": "2026-03-20",
        "value": "",
        "text": "a guide with @Ben",
    }
    assert (rows[1]["type"], rows[1]["channel"], rows[1]["person"]) == ("worry", "C9", "")
    assert (rows[2]["type"], rows[2]["practice"], rows[2]["practice_commitment"]) == (
        "note",
        "",
        "",
    )
    assert found.filename == "nudgebot-export-T1-2026-03-01.csv"
    assert (found.rows, found.counts) == (3, {"fear": 1, "commitment": 1, "note": 1})


def test_the_comment_counts_in_plain_plurals_up_to_a_time_in_the_teams_zone() -> None:
    export = Export(
        filename="x.csv",
        content="",
        rows=11,
        counts={"guidelines": 1, "kudos": 1, "win": 4, "hope": 2, "fear": 3},
        created=datetime(2026, 3, 1, 23, 30, tzinfo=UTC).astimezone(ZoneInfo("Europe/Berlin")),
        zone="Europe/Berlin",
    )
    lines = render.export_comment(export).split("\n")
    assert lines[0] == (
        ":inbox_tray: Here is this workspace's nudgebot log: 11 items, "
        "up to Mon 2 Mar at 00:30 (Europe/Berlin)."
    )
    assert lines[1] == "1 published guidelines, 1 kudos, 4 wins, 2 hopes, 3 worries."
    assert "UTC" not in "\n".join(lines)


def test_who_may_export_is_said_without_settings_names() -> None:
    assert render.EXPORT_LEADERS_ONLY.startswith(
        "Only admins and the team's leaders can export the log"
    )
    assert "NUDGEBOT" not in render.EXPORT_LEADERS_ONLY


class StubSlack:
    """users.info and conversations.info, answering from dicts; an Exception value is raised."""

    def __init__(self, users: dict[str, object], channels: dict[str, object]) -> None:
        self.users, self.channels = users, channels
        self.asked: list[str] = []

    def _answer(self, found: object, key: str) -> dict[str, object]:
        self.asked.append(key)
        if isinstance(found, Exception):
            raise found
        return {"ok": True, key.split(":")[0]: found}

    def users_info(self, user: str) -> dict[str, object]:
        return self._answer(self.users[user], f"user:{user}")

    def conversations_info(self, channel: str) -> dict[str, object]:
        return self._answer(self.channels[channel], f"channel:{channel}")


def _error(code: str) -> SlackApiError:
    return SlackApiError(code, {"ok": False, "error": code})


def test_names_are_looked_up_once_each_and_a_failing_slack_stops_the_lookups() -> None:
    items = (
        Item("kudos", NOW, 1, "C1", "U1", ("U2", "U3"), text="with <@U4>"),
        Item("win", NOW, 2, "C2", "U1"),
        Item("win", NOW, 3, "C3", "U2"),
    )
    slack = StubSlack(
        users={"U1": {"real_name": "Ana"}, "U2": _error("user_not_found"), "U3": {"name": "b"},
               "U4": {}},
        channels={"C1": {"name": "team"}, "C2": _error("channel_not_found"), "C3": {}},
    )  # fmt: skip
    found = resolve(Directory(), slack, Log("T1", items))  # type: ignore[arg-type]
    assert found == Names(people={"U1": "Ana", "U3": "b"}, channels={"C1": "team"})
    assert slack.asked == [
        *("user:U1", "user:U2", "user:U3", "user:U4"),
        *("channel:C1", "channel:C2", "channel:C3"),
    ]

    down = StubSlack(
        users={"U1": {"real_name": "Ana"}, "U2": _error("fatal_error"), "U3": {}, "U4": {}},
        channels={"C1": {"name": "team"}},
    )
    found = resolve(Directory(), down, Log("T1", items))  # type: ignore[arg-type]
    assert found == Names(people={"U1": "Ana"}, channels={})
    assert down.asked == ["user:U1", "user:U2"]  # no more people, no channels

    lost = StubSlack(users={"U1": {}, "U2": {}, "U3": {}, "U4": {}},
                     channels={"C1": ConnectionError("down"), "C2": {"name": "x"}})  # fmt: skip
    assert resolve(Directory(), lost, Log("T1", items)).channels == {}  # type: ignore[arg-type]
    assert lost.asked[-1] == "channel:C1"
