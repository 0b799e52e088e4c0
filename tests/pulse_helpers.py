"""What the pulse tests share: a fake Slack that lists channel members, a team with a
leader and members, the answer form's values, and a pass of the pulse job at a given time."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.pulse import statements
from models.pulse import (
    PulseComment,
    PulseInvite,
    PulseLeaderRating,
    PulseOptOut,
    PulseRating,
    PulseRound,
    PulseVoter,
)
from schedules.pulse_job import run_pulse
from tests.conftest import SECRET
from tests.driver import SlackDriver, slack_id
from tests.fake_slack import FakeSlack
from tests.habit_helpers import context

TABLES = (
    PulseRound,
    PulseInvite,
    PulseVoter,
    PulseRating,
    PulseComment,
    PulseLeaderRating,
    PulseOptOut,
)


class MembersSlack(FakeSlack):
    """The shared fake plus conversations.members from `members` (one page)."""

    def __init__(self) -> None:
        super().__init__()
        self.members: dict[str, list[str]] = {}

    def _default(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "conversations.members":
            found = self.members.get(str(params.get("channel")), [])
            return {"ok": True, "members": found, "response_metadata": {"next_cursor": ""}}
        return super()._default(method, params)


def team(bot: SlackDriver, people: int = 5) -> list[str]:
    """The driver's user leads (an admin); `people` members more; all in the channel."""
    assert isinstance(bot.slack, MembersSlack)
    bot.slack.add_user(bot.user, is_admin=True)
    members = [slack_id("U") for _ in range(people)]
    bot.slack.members[bot.channel] = [bot.user, *members]
    return members


def ratings(value: int | dict[str, int] = 7) -> dict[str, Any]:
    """The state of a submitted answer form: every statement rated."""
    state: dict[str, Any] = {}
    for s in statements.STATEMENTS:
        n = value if isinstance(value, int) else value.get(s.practice, 5)
        state[f"pulse_{s.commitment}"] = {"pick": {"selected_option": {"value": str(n)}}}
    return state


def with_comment(state: dict[str, Any], text: str) -> dict[str, Any]:
    return {**state, "pulse_comment": {"text": {"value": text}}}


def meta(round_id: int, channel: str = "", ts: str = "", leader: bool = False) -> str:
    return json.dumps({"r": round_id, "c": channel, "t": ts, "l": int(leader)})


def keep_mine(state: dict[str, Any]) -> dict[str, Any]:
    """A leader's form with "keep my own ratings" ticked."""
    ticked = {"selected_options": [{"value": "keep"}]}
    return {**state, "pulse_keep_mine": {"pulse_keep_mine": ticked}}


# The server's key of voters' hashes, as the in-process bot has it (its signing secret).
KEY = SECRET.encode()


def pass_at(bot: SlackDriver, now: datetime) -> Counter[str]:
    return run_pulse(replace(context(bot, now), pulse_key=KEY))


def rows(bot: SlackDriver) -> dict[str, list[dict[str, Any]]]:
    """Every pulse row of the driver's team, as dicts of column values."""
    found: dict[str, list[dict[str, Any]]] = {}
    with bot.sessions() as s:
        for table in TABLES:
            columns = table.__table__.columns  # type: ignore[attr-defined]
            query = select(*columns)
            if "team_id" in columns:
                query = query.where(columns["team_id"] == bot.team)
            else:
                ids = select(PulseRound.id).where(PulseRound.team_id == bot.team)
                query = query.where(columns["round_id"].in_(ids))
            found[table.__tablename__] = [dict(r._mapping) for r in s.execute(query)]
    return found


def count(bot: SlackDriver, table: Any) -> int:
    with bot.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def the_round(bot: SlackDriver) -> PulseRound:
    with bot.sessions() as s:
        rnd = s.scalars(
            select(PulseRound).where(PulseRound.team_id == bot.team).order_by(PulseRound.id.desc())
        ).first()
        assert rnd is not None
        s.expunge(rnd)
        return rnd
