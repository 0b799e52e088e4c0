"""The practice a rotating schedule prompts (schedules.prompt_job: `quietest`, `quietest_of`
for a batch, `plan_prompts`; and bot.prompts.service.rotate_practice through the progress
report) against the rule worked out again from the rows written (tests/rotate_rows.py),
read at several moments, some before rows that come later."""

from __future__ import annotations

import random

import pytest
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.measures import window as windows
from bot.measures.balance import balance
from bot.progress import activity
from bot.prompts import service as prompts
from bot.scheduling.when import When
from schedules import prompt_job
from schedules.context import Claimed, JobContext
from schedules.prompt_job import ROTATE_DAYS, quietest, quietest_of
from tests.driver import slack_id
from tests.rotate_rows import KEYS, MOMENTS, NOW, expected, world

Sessions = sessionmaker[Session]


def test_rotate_picks_what_the_rows_say_in_every_kind_of_channel(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    rnd = random.Random(2026)
    channels, said = world(sessions, rnd)
    seen: set[str] = set()
    with sessions() as s:
        for now in MOMENTS:
            wants: dict[tuple[str, str], str] = {}
            for (team, place), found in channels.items():
                want = expected(found, said[team], now)
                assert activity.history(s, team, place, now).last == want.last
                window = windows.calendar(ROTATE_DAYS, now, "UTC")
                rates = balance(s, team_id=team, channel_id=place, window=window)
                assert tuple((r.prompts, r.answers) for r in rates.current) == want.rates
                assert tuple((r.prompts, r.answers) for r in rates.previous) == want.before
                got = quietest(s, team_id=team, channel_id=place, now=now)
                assert got == want.focus, (team, place, now)
                rotate = prompts.rotate_practice(s, team_id=team, channel_id=place, now=now)
                assert rotate == want.focus
                wants[team, place] = want.focus
                seen.add(want.focus)
            # Many at once: the same answers, whatever the batch (its size padded to a power
            # of two, a channel given twice, one never seen).
            assert quietest_of(s, list(wants), now) == wants
            with monkeypatch.context() as patch:
                patch.setattr(prompt_job, "TOGETHER", 5)  # read five channels at a time
                assert quietest_of(s, list(wants), now) == wants
            unknown = (slack_id("T"), slack_id("C"))
            wants[unknown] = quietest(s, team_id=unknown[0], channel_id=unknown[1], now=now)
            for count in (1, 2, 3, 5, 17):
                batch = rnd.sample(sorted(wants), count)
                batch += batch[:1]
                assert quietest_of(s, batch, now) == {p: wants[p] for p in batch}
    assert seen == set(KEYS)  # every practice was the answer somewhere


def _claimed(n: int, team: str, channel: str, practice: str) -> Claimed:
    return Claimed(n, NOW, "prompt", team, channel, None, practice, When("0 9 * * *", "UTC"))


def test_a_batch_plans_each_rotating_prompt_for_its_channels_quietest_practice(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan_prompts chooses every rotating schedule's practice for the batch at once, as
    `quietest` does for each; the others keep theirs. Choosing failing for the rotating
    ones leaves the others planned."""
    rnd = random.Random(7)
    channels, _ = world(sessions, rnd)
    batch = [
        _claimed(n, team, place, "rotate" if n % 3 else KEYS[n % 5])
        for n, (team, place) in enumerate([*channels, *list(channels)[:4]])
    ]
    ctx = JobContext(sessions=sessions, client=WebClient(token="xoxb-t"), now=lambda: NOW)
    with sessions() as s:
        plans = prompt_job.plan_prompts(ctx, s, batch)
        for claimed, plan in zip(batch, plans, strict=True):
            assert not isinstance(plan, Exception)
            want = claimed.practice
            if want == "rotate":
                want = quietest(s, team_id=claimed.team_id, channel_id=claimed.channel_id, now=NOW)
            assert plan.practice == want

        def broken(*args: object) -> dict[tuple[str, str], str]:
            raise RuntimeError("the database went away")

        monkeypatch.setattr(prompt_job, "quietest_of", broken)
        plans = prompt_job.plan_prompts(ctx, s, batch)
    for claimed, plan in zip(batch, plans, strict=True):
        assert isinstance(plan, Exception) == (claimed.practice == "rotate")
