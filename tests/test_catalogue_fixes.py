"""The catalogue's fixes: prompts declare what they need (the team's values, the vision) and
are chosen only where the workspace holds it; the prompt about our values names one of
them; nothing refers to a plan the bot doesn't hold; recognition asks what the person did
and what it made possible; `/nudge now vision` shows the vision as scheduled prompts do."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import catalogue
from bot.practice_types import NEEDS
from bot.prompts import service as prompts
from bot.statements import service as statements
from bot.values import service as values
from models.tables import Prompt
from tests.driver import SlackDriver, blocks_text, slack_id
from tests.test_prompt_flow import open_modal, post_prompt

ALL = [prompt for p in catalogue.PRACTICES for prompt in p.prompts]
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


@pytest.mark.parametrize("item", ALL, ids=lambda p: p.key)
def test_prompts_declare_what_they_refer_to(item: catalogue.Prompt) -> None:
    text = item.text.lower()
    assert item.needs in (None, *NEEDS)
    assert ("our values" in text) == (item.needs == "values")
    if "our vision" in text:
        assert item.needs == "vision"
    assert (item.naming is not None) == (item.needs == "values")
    if item.naming:
        assert "{value}" in item.naming and item.ask("Ownership") != item.text
    assert item.ask() == item.text
    assert not re.search(r"\bplan\b", text), "the bot holds no plan"
    assert "above and beyond" not in text


def test_no_commitment_refers_to_a_plan() -> None:
    for practice in catalogue.PRACTICES:
        for commitment in practice.commitments:
            assert not re.search(r"\bplan\b", commitment.summary), commitment.key


@pytest.mark.parametrize("practice", catalogue.PRACTICES, ids=lambda p: p.key)
def test_every_practice_can_be_prompted_in_a_new_workspace(practice: catalogue.Practice) -> None:
    assert len([p for p in practice.prompts if p.needs is None]) >= 2


def test_recognition_asks_what_they_did_and_what_it_made_possible() -> None:
    _, _, item = catalogue.find_prompt("heart.recognise.1") or (None, None, None)
    assert item is not None
    assert "what they did" in item.text and "what it made possible" in item.text


def publish(session: Session, team: str, kind: str, text: str) -> None:
    if kind == "values":
        values.publish(session, team_id=team, names=tuple(text.split(";")), author_id="U1", now=NOW)
    else:
        statements.publish(session, team_id=team, kind=kind, text=text, author_id="U1", now=NOW)


def picks(sessions: sessionmaker[Session], team: str, practice: str, n: int = 120) -> list[str]:
    channel = slack_id("C")
    with sessions() as s:
        return [
            prompts.plan(
                s, team_id=team, channel_id=channel, practice=practice, rng=random.Random(seed)
            ).text
            for seed in range(n)
        ]


def test_no_prompt_names_our_values_before_there_are_any(
    sessions: sessionmaker[Session],
) -> None:
    team = slack_id("T")
    texts = picks(sessions, team, "model")
    assert not any("values" in t for t in texts)
    assert len(set(texts)) == 5  # every other Model the Way prompt still comes up


def test_the_values_prompt_names_one_of_them_at_random(sessions: sessionmaker[Session]) -> None:
    team = slack_id("T")
    with sessions.begin() as s:
        publish(s, team, "values", "Ownership;Curiosity")
    texts = picks(sessions, team, "model", 200)
    about = [t for t in texts if "acted on" in t]
    assert about and not any("our values" in t for t in about)
    assert {t.split("*")[1] for t in about} == {"Ownership", "Curiosity"}


def test_the_vision_prompt_needing_a_vision_waits_for_one(sessions: sessionmaker[Session]) -> None:
    team = slack_id("T")
    mine = "Which part of our vision matters most to you personally, and why?"
    assert mine not in picks(sessions, team, "vision")
    with sessions.begin() as s:
        publish(s, team, "vision", "A calm team")
    assert mine in picks(sessions, team, "vision")


def test_a_practice_whose_last_prompt_is_its_only_one_left_still_gets_a_prompt(
    sessions: sessionmaker[Session],
) -> None:
    team, channel = slack_id("T"), slack_id("C")
    with sessions.begin() as s:
        for key in ("model.voice.1", "model.voice.2"):
            prompts.record_prompt(
                s, team_id=team, channel_id=channel, prompt_key=key, message_ts=None,
                posted_by=None, now=NOW,
            )  # fmt: skip
        _, item = prompts.choose_prompt(
            s, team_id=team, channel_id=channel, practice="model", holds=frozenset()
        )
    assert item.needs is None and item.key != "model.voice.2"


def last_post(bot: SlackDriver) -> str:
    found = [
        c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("channel") == bot.channel
    ]
    blocks = found[-1].params["blocks"]
    return blocks_text(json.loads(blocks) if isinstance(blocks, str) else blocks)


def test_nudge_now_vision_shows_the_vision_as_scheduled_prompts_do(
    bot: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    post_prompt(bot, "vision")
    shown = last_post(bot)
    assert "This team has no published vision yet" in shown

    bot.slack.add_user(bot.user, is_admin=True)
    _, key = bot.command("/vision", "set Every release boring, every retro honest")
    bot.slack.wait_response(key)
    post_prompt(bot, "vision")
    shown = last_post(bot)
    assert "*Our vision*\n> Every release boring, every retro honest" in shown
    assert "How does this week's work bring us closer to it?" in shown


def test_nudge_now_records_the_question_as_posted(
    bot: SlackDriver, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    bot.slack.add_user(bot.user, is_admin=True)
    _, key = bot.command("/nudge", "values set Ownership")
    bot.slack.wait_response(key)
    found = catalogue.find_prompt("model.example.2")
    assert found is not None
    monkeypatch.setattr(prompts, "choose_prompt", lambda *_a, **_k: (found[1], found[2]))
    button, ts = post_prompt(bot, "model")
    assert button == "model.example.2"
    # The Respond form asks the question as it was posted, with its value chosen already.
    view = open_modal(bot, button, ts)
    assert "acted on *Ownership* this week" in blocks_text(view["blocks"])
    [choice] = [b for b in view["blocks"] if b.get("block_id") == "team_value"]
    assert choice["element"]["initial_option"]["value"] == "Ownership"
    assert "Who here acted on *Ownership* this week" in last_post(bot)
    with sessions() as s:
        row = s.scalars(select(Prompt).where(Prompt.team_id == bot.team)).one()
    assert row.text.startswith("Who here acted on *Ownership* this week")
