"""App Home: a first visit, the lead after two weeks, a member with commitments."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from bot.home import render
from bot.home.schedules import ScheduleLine
from bot.home.service import HomePage, KeptCommitment, OpenCommitment, PracticeMonth, Received
from bot.progress.parts import Part
from bot.scheduling.when import When
from bot.statements.service import Current
from tests.snapshot_cases import case
from tests.snapshot_cases.values import VALUES as TEAM_VALUES
from tests.snapshot_cases.world import (
    ANA,
    BEN,
    CHANNEL,
    CHLOE,
    LEAD,
    NOW,
    TODAY,
    ZONE,
    ago,
    later,
)

VISION = Current("A calm team that ships every week & learns out loud.", LEAD, ago(days=12), 2)
GUIDELINES = Current("Ask in #help any time. Disagree in the open.", LEAD, ago(days=12), 1)
SCHEDULES = (
    ScheduleLine(12, "prompt", CHANNEL, "rotate", When("0 9 * * mon", ZONE), False, later(2, 17)),
    ScheduleLine(13, "digest", CHANNEL, "digest", When("0 16 * * fri", ZONE), False, later(7)),
    ScheduleLine(19, "prompt", "CSALES", "vision", When("0 10 * * fri", ZONE), True, None),
)


def _page(**values: Any) -> HomePage:
    empty = HomePage(
        user_id=ANA,
        now=NOW,
        zone=ZONE,
        month_start=date(2026, 11, 1),
        today=TODAY,
        given_month=0,
        given_total=0,
        received_month=0,
        received_total=0,
        latest_received=(),
        practices=tuple(
            PracticeMonth(p, ()) for p in ("model", "vision", "challenge", "enable", "heart")
        ),
        done_total=0,
        commitments=(),
        commitments_open=0,
        commitments_total=0,
        kept=(),
        kept_month=0,
        kept_total=0,
        vision=None,
        guidelines=None,
        schedules=(),
        schedules_total=0,
    )
    return replace(empty, **values)


LEAD_PAGE = _page(
    user_id=LEAD,
    given_month=6,
    given_total=6,
    received_month=1,
    received_total=1,
    latest_received=(
        Received(ANA, "for publishing the vision & asking us first", "vision", ago(3)),
    ),
    practices=(
        PracticeMonth("model", (), None),
        PracticeMonth(
            "vision", (Part("published_vision", 2), Part("published_guidelines", 1)), ago(12)
        ),
        PracticeMonth("challenge", (Part("idea", 1),), ago(5)),
        PracticeMonth("enable", (), None),
        PracticeMonth("heart", (Part("kudos", 6),), ago(1)),
    ),
    done_total=10,
    vision=VISION,
    guidelines=GUIDELINES,
    schedules=SCHEDULES,
    schedules_total=3,
    values=TEAM_VALUES,
)
MEMBER_PAGE = _page(
    user_id=BEN,
    given_month=2,
    given_total=2,
    received_month=3,
    received_total=3,
    latest_received=(
        Received(CHLOE, "for covering the on-call weekend", "heart", ago(hours=5)),
        Received(None, "for the notes", "heart", ago(4)),
        Received(ANA, "for trying trunk-based builds", "challenge", ago(9)),
    ),
    practices=(
        PracticeMonth("model", (Part("commitment", 2), Part("kept", 1)), ago(2)),
        PracticeMonth("vision", (Part("hope", 1),), ago(6)),
        PracticeMonth("challenge", (Part("pilot", 1),), ago(8)),
        PracticeMonth("enable", (), None),
        PracticeMonth("heart", (Part("kudos", 2), Part("win", 1)), ago(1)),
    ),
    done_total=8,
    commitments=(
        OpenCommitment(7, CHANNEL, "Write the on-call guide with <@UANA>", date(2026, 12, 4)),
        OpenCommitment(8, CHANNEL, "Pair with Dev on the flaky tests", date(2026, 11, 25)),
    ),
    commitments_open=2,
    commitments_total=3,
    kept=(KeptCommitment("Review the release checklist", ago(2)),),
    kept_month=1,
    kept_total=1,
    vision=VISION,
    guidelines=None,
    schedules=None,  # Slack couldn't list Ben's channels: no section
)


@case(render.home_view, "first visit")
def first_visit() -> dict[str, Any]:
    return render.home_view(_page())


@case(render.home_view, "the lead after two weeks")
def lead() -> dict[str, Any]:
    return render.home_view(LEAD_PAGE)


@case(render.home_view, "a member with commitments")
def member() -> dict[str, Any]:
    return render.home_view(MEMBER_PAGE)
