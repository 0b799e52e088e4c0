"""What people read, issue 9: Slack's control characters escaped in every text we write
(from bot/blocks.py), placeholders shown as written, schedules numbered as people see them,
and one date style where a schedule, a commitment or a statement names a day."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, HeaderBlock
from sqlalchemy import Engine, text

from bot import blocks
from bot.command import LEADERS_ONLY
from bot.errors import UserError
from bot.help import render as help_render
from bot.scheduling import render as scheduling_render
from bot.scheduling.when import When
from bot.statements import render as statements_render
from bot.statements.service import Current
from bot.text import escape_controls
from handlers.command_table import ALL
from models.db import make_engine, normalise_url
from models.migrate import downgrade, upgrade
from tests.conftest import drop_private_schema, with_private_schema
from tests.driver import blocks_text
from tests.shown import shown, stray_controls

# -- escaping, in one place ------------------------------------------------------------------

MEANT = (
    "<@U0ANA|ana> <@W0GRID> <#C0GEN|general> <!date^1700000000^{date_short_pretty}|Nov 14> "
    "<https://example.com/a?b=1&amp;c=2|the doc> <mailto:ana@example.com|mail>"
)


@pytest.mark.parametrize(
    ("ours", "sent"),
    [
        ("`/kudos @ana for <what they did>`", "`/kudos @ana for &lt;what they did&gt;`"),
        ("by <fri|tomorrow|in 2 weeks>", "by &lt;fri|tomorrow|in 2 weeks&gt;"),
        ("Q&A, 3 > 2, a<b", "Q&amp;A, 3 &gt; 2, a&lt;b"),
        ("&quot; is not Slack's", "&amp;quot; is not Slack's"),
        ("<@foo> is no person", "&lt;@foo&gt; is no person"),
        (MEANT, MEANT),  # people, channels, dates and links keep working
        ("fish &amp; chips &lt;3 &gt;", "fish &amp; chips &lt;3 &gt;"),  # escaped already
        ("> a quote\n>>> the rest", "> a quote\n>>> the rest"),  # quotes we mean
        ("x\n> quoted > not", "x\n> quoted &gt; not"),
    ],
)
def test_escape_controls(ours: str, sent: str) -> None:
    assert escape_controls(ours) == sent
    assert escape_controls(sent) == sent  # never twice
    assert stray_controls(sent) == []


@given(st.text(alphabet=st.sampled_from(list("<>&@#!|:/ ;abUC0\n`")), max_size=60))
def test_escaping_is_safe_and_idempotent_whatever_the_text(raw: str) -> None:
    once = escape_controls(raw)
    assert escape_controls(once) == once
    assert stray_controls(once) == []


def test_every_message_is_escaped_in_mrkdwn_and_its_fallback_but_not_in_plain_text() -> None:
    ours = "Try `/nudge idea <text>` & more"
    message = blocks.message(
        ours,
        [
            HeaderBlock(text="Q&A <live>"),
            blocks.section(ours),
            blocks.context(ours, f"From <@U0ANA> {blocks.local_time(datetime.now(UTC))}"),
            ActionsBlock(elements=[ButtonElement(text="Yes & no", action_id="a", value="<v>")]),
        ],
    )
    sent = "Try `/nudge idea &lt;text&gt;` &amp; more"
    assert message.text == sent
    header, section, context, actions = message.blocks
    assert header["text"]["text"] == "Q&A <live>"  # plain text is shown as written
    assert section["text"]["text"] == sent
    assert context["elements"][0]["text"] == sent
    assert context["elements"][1]["text"].startswith("From <@U0ANA> <!date^")
    assert actions["elements"][0]["text"]["text"] == "Yes & no"
    assert actions["elements"][0]["value"] == "<v>"  # values are data, never touched


def test_a_view_made_ready_with_defused_is_escaped_too() -> None:
    view = {"type": "home", "blocks": [blocks.section("`/win <what went well>`").to_dict()]}
    assert blocks.defused(view)["blocks"][0]["text"]["text"] == "`/win &lt;what went well&gt;`"


def test_escaping_keeps_a_full_section_within_slacks_limits() -> None:
    full = blocks.section("<x> " * 750)  # 3,000 characters that grow when escaped
    [raw] = blocks.message("x", [full]).blocks
    assert len(raw["text"]["text"]) <= blocks.SECTION_LIMIT
    assert stray_controls(raw["text"]["text"]) == []


def test_help_and_every_usage_show_their_placeholders_as_written() -> None:
    help_text = blocks_text(help_render.help_text(ALL).blocks)
    assert stray_controls(help_text) == []
    for command in ALL:
        refusal = blocks.error(UserError("No.", command.usage))
        said = blocks_text(refusal.blocks)
        assert stray_controls(said) == [], command.name
        assert f"Try: `{command.usage}`" in shown(said)
    assert "`/nudge commit <what you'll do> by <fri|tomorrow|in 2 weeks|2026-12-15>`" in shown(
        help_text
    )


def test_leaders_only_names_people_not_settings() -> None:
    assert "NUDGEBOT_LEADERS" not in LEADERS_ONLY
    assert "admins and the team's leaders" in LEADERS_ONLY


# -- did you mean ------------------------------------------------------------------------------


def test_did_you_mean_is_short() -> None:
    message = help_render.did_you_mean("kudos", "/kudos", "<@U0BEN|ben> for the fix", own=True)
    said = blocks_text(message.blocks)
    assert said == (
        ":point_right: `/kudos` is a command of its own, not part of `/nudge`. "
        "Did you mean `/kudos <@U0BEN|ben> for the fix`?\n`/nudge help` lists everything I do."
    )
    typo = help_render.did_you_mean("progres", "/nudge progress", "", own=False)
    assert (
        typo.text
        == ":thinking_face: I don't know `/nudge progres`. Did you mean `/nudge progress`?"
    )


# -- schedules ---------------------------------------------------------------------------------


def test_a_paused_schedule_is_named_by_its_number_never_its_row_id() -> None:
    when = When("0 9 * * mon", "Europe/Berlin")
    numbered = shown(
        blocks_text(
            scheduling_render.schedule_paused(57, "C0GEN", "not_in_channel", when, number=2).blocks
        )
    )
    assert "I paused schedule #2 (every Monday at 09:00, Europe/Berlin) in <#C0GEN>" in numbered
    assert "`/nudge schedule resume 2`" in numbered and "57" not in numbered
    unnumbered = shown(
        blocks_text(scheduling_render.schedule_paused(57, "C0GEN", "is_archived", when).blocks)
    )
    assert "57" not in unnumbered
    assert "`/nudge schedule list` shows its number" in unnumbered
    digest = shown(
        blocks_text(
            scheduling_render.schedule_paused(
                57, "C0GEN", "is_archived", when, kind="digest"
            ).blocks
        )
    )
    assert "I paused the weekly digest" in digest


PG = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'numbers.db'}"
    elif not PG:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    else:
        url = with_private_schema(normalise_url(PG))
    engine = make_engine(url)
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        drop_private_schema(url)


def test_the_migration_numbers_existing_prompt_schedules_per_workspace(
    empty_database: Engine,
) -> None:
    upgrade(empty_database, "0006")
    now = datetime(2026, 11, 30, 9, tzinfo=UTC)
    rows = [  # id, team, kind, deleted
        (1, "T1", "digest", False),
        (2, "T1", "prompt", False),
        (3, "T2", "prompt", False),
        (4, "T1", "prompt", True),
        (5, "T1", "prompt", False),
    ]
    with empty_database.begin() as conn:
        for team in ("T1", "T2"):
            conn.execute(
                text(
                    "INSERT INTO workspaces (team_id, created_at, milestones_mode) "
                    "VALUES (:t, :now, 'digest')"
                ),
                {"t": team, "now": now},
            )
        for id_, team, kind, deleted in rows:
            conn.execute(
                text(
                    "INSERT INTO schedules (id, team_id, channel_id, kind, practice, cron, zone, "
                    "created_by, paused, deleted, created_at, updated_at) VALUES (:id, :team, "
                    "'C1', :kind, 'heart', '0 9 * * *', 'UTC', 'U1', false, :deleted, :now, :now)"
                ),
                {"id": id_, "team": team, "kind": kind, "deleted": deleted, "now": now},
            )
    upgrade(empty_database)
    with empty_database.connect() as conn:
        numbers = conn.execute(text("SELECT id, number FROM schedules ORDER BY id")).all()
    # The digest takes no number; a removed schedule keeps its own, so none is reused.
    assert [tuple(r) for r in numbers] == [(1, None), (2, 1), (3, 1), (4, 2), (5, 3)]
    downgrade(empty_database, "0006")
    with empty_database.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM schedules")).scalar() == 5


# -- one date style ----------------------------------------------------------------------------


def test_a_statement_is_dated_by_the_teams_calendar_day() -> None:
    late = datetime(2026, 6, 15, 23, 30, tzinfo=UTC)  # already the 16th in Berlin
    found = Current("We ship calmly.", "U0ANA", late, 2)
    now = datetime(2026, 11, 30, 9, tzinfo=UTC)
    berlin = blocks_text(
        statements_render.statement("vision", found, "", "Europe/Berlin", now).blocks
    )
    assert "Version 2 · published by <@U0ANA> on Tue 16 Jun" in berlin
    new_york = blocks_text(
        statements_render.statement("vision", found, "", "America/New_York", now).blocks
    )
    assert "on Mon 15 Jun" in new_york
    last_year = blocks_text(
        statements_render.statement(
            "vision", found, "", "UTC", datetime(2027, 1, 2, tzinfo=UTC)
        ).blocks
    )
    assert "on Mon 15 Jun 2026" in last_year  # before: "on 2026-06-15"
