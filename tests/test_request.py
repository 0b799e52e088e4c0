"""`Request.of`: who, where and which workspace, read one way from every kind of payload."""

from __future__ import annotations

from typing import Any

import pytest

from bot.command import Request

COMMAND = {
    "team_id": "T1",
    "enterprise_id": "E1",
    "user_id": "U1",
    "channel_id": "C1",
    "channel_name": "general",
    "command": "/nudge",
}
ACTION = {
    "type": "block_actions",
    "team": {"id": "T1", "domain": "x"},
    "user": {"id": "U1", "team_id": "T1"},
    "channel": {"id": "C1", "name": "general"},
}
# Enterprise Grid, an org-wide install: no team at the top, the person's team on the user.
GRID_ACTION = {
    "type": "block_actions",
    "team": None,
    "enterprise": {"id": "E1"},
    "user": {"id": "U1", "team_id": "T1"},
    "channel": {"id": "C1"},
}
GRID_VIEW = {
    "type": "view_submission",
    "team": None,
    "user": {"id": "U1"},
    "view": {"id": "V1", "team_id": "T1"},
}
EVENT = {
    "team_id": "T1",
    "event": {"type": "message", "user": "U1", "channel": "C1", "team": "T9"},
}


@pytest.mark.parametrize(
    ("body", "channel"),
    [(COMMAND, "C1"), (ACTION, "C1"), (GRID_ACTION, "C1"), (GRID_VIEW, ""), (EVENT, "C1")],
)
def test_every_payload_gives_team_user_and_channel(body: dict[str, Any], channel: str) -> None:
    req = Request.of(body)
    assert (req.team_id, req.user_id, req.channel_id) == ("T1", "U1", channel)


def test_enterprise_and_channel_name_when_given() -> None:
    assert Request.of(COMMAND).enterprise_id == "E1"
    assert Request.of(GRID_ACTION).enterprise_id == "E1"
    assert Request.of(COMMAND).channel_name == "general"
    assert Request.of(EVENT).enterprise_id is None


def test_bolts_context_team_wins() -> None:
    assert Request.of(ACTION, context_team="T7").team_id == "T7"
    assert Request.of(ACTION, context_team=None).team_id == "T1"


@pytest.mark.parametrize("body", [{}, {"team": "x", "user": 3, "view": []}, {"team": None}])
def test_missing_or_odd_fields_give_empty_ids_not_errors(body: dict[str, Any]) -> None:
    req = Request.of(body)
    assert req.user_id == "" and req.channel_id == ""
