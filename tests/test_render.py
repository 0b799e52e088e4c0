"""Block Kit rendering and the Respond modal: valid for Slack whatever people type."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot import blocks, catalogue
from bot.errors import UserError
from bot.help import render as help_render
from bot.progress import render as progress_render
from bot.progress.service import PracticeCount, Progress, period
from bot.prompts import modals
from bot.prompts import render as prompts_render
from bot.prompts.responses import Logged
from bot.recognition import render as recognition_render
from bot.recognition.service import KudosGiven
from bot.statements import render as statements_render
from bot.statements.service import Current
from handlers.command_table import ALL
from tests.driver import blocks_text
from tests.shown import shown, stray_controls

MENTION = "<@U0123456789|someone> "
LINK = "<https://example.com/a?b=1&amp;c=2|a link> "
HUGE = ("word " * 300 + MENTION * 150 + LINK * 80 + "&amp; " * 200 + "line\n" * 300) * 3
assert len(HUGE) >= 10_000
ONE_WORD = "x" * 10_000
TEN = tuple(f"U{i:010d}" for i in range(10))
WHEN = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
ALL_PROMPTS = [
    (p, c, prompt) for p in catalogue.PRACTICES for c in p.commitments for prompt in c.prompts
]


def check_message(message: blocks.Message) -> list[dict[str, Any]]:
    """Validate a message as Slack would: limits per block and per text; returns the blocks."""
    assert isinstance(message.text, str) and message.text
    assert len(message.text) <= 3000
    blocks = message.blocks
    assert 1 <= len(blocks) <= 50
    json.dumps(message.kwargs())
    # Round-trip through slack_sdk: parsing and to_dict() re-run every validator.
    for raw in blocks:
        parsed = Block.parse(raw)
        assert parsed is not None, raw
        assert parsed.to_dict() == raw
    for raw in blocks:
        if raw["type"] == "section":
            assert len(raw["text"]["text"]) <= 3000
        elif raw["type"] == "header":
            assert len(raw["text"]["text"]) <= 150
        elif raw["type"] == "context":
            assert 1 <= len(raw["elements"]) <= 10
            for element in raw["elements"]:
                assert len(element["text"]) <= 2000
        elif raw["type"] == "actions":
            for element in raw["elements"]:
                assert len(element.get("value", "")) <= 2000
    return blocks


def text_of(message: blocks.Message) -> str:
    return blocks_text(message.blocks)


def no_split_entities(text: str) -> None:
    """Every `<` opened in rendered text is closed again (clip kept mentions whole)."""
    depth = 0
    for ch in text:
        if ch == "<":
            assert depth == 0
            depth = 1
        elif ch == ">" and depth:
            depth = 0
    assert depth == 0, text[-80:]


# --- kudos and shared answers -------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["for the retro", HUGE, ONE_WORD, "a\n" * 3000])
@pytest.mark.parametrize("recipients", [("U1",), TEN])
def test_kudos_is_valid_with_any_reason(reason: str, recipients: tuple[str, ...]) -> None:
    given = KudosGiven(1, "UGIVER", recipients, reason, "heart", "recognise")
    blocks = check_message(recognition_render.kudos(given))
    head = blocks[0]["text"]["text"]
    for r in recipients:
        assert f"<@{r}>" in head
    assert "<@UGIVER>" in text_of(recognition_render.kudos(given))
    # Every untagged kudos counts under Encourage the Heart: saying so each time is noise.
    assert "Encourage the Heart" not in text_of(recognition_render.kudos(given))
    assert "Recognise individual excellence" not in text_of(recognition_render.kudos(given))
    if len(reason) > 3000:
        assert "…" in head
    else:
        assert reason.splitlines()[0] in head


@pytest.mark.parametrize(
    "practice", [p for p in catalogue.PRACTICES if p.key != "heart"], ids=lambda p: p.key
)
def test_kudos_shows_tagged_practice(practice: catalogue.Practice) -> None:
    given = KudosGiven(1, "UG", ("U1",), "for it", practice.key, practice.tag_commitment)
    text = text_of(recognition_render.kudos(given))
    assert f"From <@UG>\n{practice.emoji} {practice.name}" in text
    assert practice.commitment(practice.tag_commitment).name not in text  # one idea a line


@pytest.mark.parametrize("kind", [k for k in catalogue.RESPONSE_KINDS if k != "kudos"])
@pytest.mark.parametrize("text", ["we shipped", HUGE, ONE_WORD])
def test_shared_is_valid_for_every_kind(kind: str, text: str) -> None:
    practice, commitment = catalogue.KIND_HOME[kind]
    user = None if kind == "fear" else "UAUTHOR"
    message = prompts_render.shared(Logged(7, kind, practice, commitment, user, text))
    blocks = check_message(message)
    head = blocks[0]["text"]["text"]
    assert prompts_render.SHARED_HEAD.get(kind, ("", "shared an answer"))[1] in head
    # Where the kind counts anyway, the practice isn't named.
    assert catalogue.practice(practice).name not in text_of(message)
    if user:
        assert "<@UAUTHOR>" in head
    else:
        assert "Someone" in head
    no_split_entities(head)


def test_shared_says_what_was_shared_in_plain_words() -> None:
    pilot = prompts_render.shared(Logged(1, "pilot", "challenge", "experiment", "U1", "x"))
    assert pilot.text == "<@U1> proposed a small experiment"
    assert "pilot idea" not in text_of(pilot)
    learning = prompts_render.shared(Logged(1, "learning", "enable", "empower", "U1", "x"))
    assert learning.text == "<@U1> shared what they learned"


def test_shared_names_the_practice_only_when_it_is_not_the_kinds_own() -> None:
    tagged = prompts_render.shared(Logged(1, "win", "challenge", "experiment", "U1", "x"))
    assert ":hammer_and_wrench: Challenge the Process" in text_of(tagged)
    assert "Make room for change" not in text_of(tagged)
    answer = prompts_render.shared(Logged(1, "reflection", "vision", "imagine", "U1", "x"))
    assert "Inspire a Shared Vision" in text_of(answer)


def test_shared_uses_the_right_article() -> None:
    assert (
        "shared an idea"
        in prompts_render.shared(Logged(1, "idea", "challenge", "change", "U1", "x")).text
    )
    assert (
        "shared a win"
        in prompts_render.shared(Logged(1, "win", "heart", "recognise", "U1", "x")).text
    )


def test_huge_kudos_keeps_mentions_whole() -> None:
    given = KudosGiven(1, "UG", TEN, HUGE, "heart", "recognise")
    for raw in check_message(recognition_render.kudos(given)):
        if raw["type"] == "section":
            no_split_entities(raw["text"]["text"])


def test_fear_logged_says_anonymous() -> None:
    message = prompts_render.fear_logged()
    check_message(message)
    assert "without your name" in text_of(message)
    assert "anonymous" in message.text


# --- statements, notices, errors ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["vision", "guidelines"])
@pytest.mark.parametrize("text", ["Ship weekly, learn daily.", HUGE, ONE_WORD])
def test_statement_is_valid(kind: str, text: str) -> None:
    found = Current(text, "UAUTHOR", WHEN, 3)
    shown = statements_render.statement(kind, found, "hint", "UTC", WHEN)
    check_message(shown)
    body = text_of(shown)
    assert ("Our vision" if kind == "vision" else "Our guidelines") in body
    assert "Version 3 · published by <@UAUTHOR> on Sat 15 Jun" in body
    assert "2024" not in body  # this year's day needs no year
    published = statements_render.statement_published(kind, found)
    check_message(published)
    assert "<@UAUTHOR> published" in published.text


@pytest.mark.parametrize("kind", ["vision", "guidelines"])
def test_statement_when_none_published(kind: str) -> None:
    message = statements_render.statement(kind, None, "Admins can set one.")
    check_message(message)
    assert "No " + kind in text_of(message)
    assert "Admins can set one." in text_of(message)


@pytest.mark.parametrize("text", ["Done.", HUGE, ONE_WORD])
def test_notice_and_error_are_valid(text: str) -> None:
    check_message(blocks.notice(text))
    err = blocks.error(UserError(text, "/kudos @ana for " + text))
    shown = check_message(err)
    assert shown[0]["text"]["text"].startswith(":warning:")
    assert shown[-1]["type"] == "context" and "Try: `/kudos" in shown[-1]["elements"][0]["text"]
    no_usage = check_message(blocks.error(UserError(text)))
    assert [b["type"] for b in no_usage] == ["section"]


# --- help, practices, prompts -------------------------------------------------------------------


@pytest.mark.parametrize("unknown", [None, "bogus", "x" * 5000])
def test_help_lists_every_command(unknown: str | None) -> None:
    message = help_render.help_text(ALL, unknown)
    check_message(message)
    assert stray_controls(text_of(message)) == []  # `<what they did>` shows as written
    body = shown(text_of(message))
    for command in (
        "/kudos",
        "/win",
        "/vision",
        "/vision set",
        "/nudge now",
        "/nudge progress",
        "/nudge practices",
        "/nudge guidelines",
        "/nudge fear",
    ):
        assert command in body, command
    for kind in ("hope", "goal", "pilot", "idea", "learning", "fear"):
        assert kind in body, kind
    for key in catalogue.PRACTICE_KEYS:
        assert key in body
    if unknown:
        assert "I don't know" in body
        assert len(message.blocks[0]["text"]["text"]) < 200
    else:
        assert "I don't know" not in body
    # Help is made from the table, so it can never miss a command: every listed row has its
    # line, and every other row is named on a listed row's line (help itself aside).
    listed = [row.help() for row in ALL if row.listed]
    for line in listed:
        assert line.replace("\n", " ") in body.replace("\n", " "), line
    for row in ALL:
        if not row.listed and row.name != "help":
            assert any(f"|{row.name}" in line or f" {row.name}|" in line for line in listed)


def test_practices_lists_everything() -> None:
    message = help_render.practices()
    check_message(message)
    body = text_of(message)
    for p in catalogue.PRACTICES:
        assert p.name in body and f"`{p.key}`" in body
        for c in p.commitments:
            assert c.name in body


@pytest.mark.parametrize("entry", ALL_PROMPTS, ids=lambda e: e[2].key)
def test_prompt_message_has_respond_button(entry: tuple) -> None:
    practice, commitment, prompt = entry
    blocks = check_message(prompts_render.prompt(practice.key, commitment.key, prompt))
    buttons = [
        el
        for b in blocks
        if b["type"] == "actions"
        for el in b["elements"]
        if el["type"] == "button"
    ]
    assert len(buttons) == 1
    assert buttons[0]["action_id"] == prompts_render.RESPOND_ACTION == "respond"
    assert buttons[0]["value"] == prompt.key
    assert buttons[0]["text"]["text"] == "Respond"
    body = blocks_text(blocks)
    assert prompt.text in body and practice.name in body and commitment.name in body


# --- progress -----------------------------------------------------------------------------------


def _report(pairs: dict[str, tuple[int, int]], people: int, focus: str, days: int = 7) -> Progress:
    """A report over `days` calendar days to 15 June 2024, with history well before both."""
    counts = tuple(PracticeCount(k, *pairs.get(k, (0, 0))) for k in catalogue.PRACTICE_KEYS)
    window = period(days, datetime(2024, 6, 15, 12, tzinfo=UTC), "UTC")
    return Progress(
        days=days,
        counts=counts,
        people=people,
        focus=focus,
        window=window,
        history_from=window.previous_start - timedelta(days=1),
    )


def test_progress_shows_the_period_before_and_focus() -> None:
    report = _report(
        {"model": (3, 1), "vision": (0, 4), "challenge": (2, 2), "enable": (1, 0), "heart": (9, 9)},
        people=4,
        focus="vision",
        days=30,
    )
    message = progress_render.progress(report)
    blocks = check_message(message)
    body = blocks_text(blocks)
    assert "last 30 days" in message.text
    assert "17 May – 15 Jun, compared with 17 Apr – 16 May." in body
    assert "*Model the Way*: 3 · 1 the 30 days before" in body
    assert "*Inspire a Shared Vision*: nothing · 4 the 30 days before" in body
    assert "*Challenge the Process*: 2 · 2 the 30 days before" in body
    assert "*Enable Others to Act*: 1 · none the 30 days before" in body
    assert "logged in all" not in body and ":arrow_" not in body  # no total, no arrows
    assert ":busts_in_silhouette: *4 people* took part." in body
    assert "*Needs attention: Inspire a Shared Vision*" in body
    assert "/nudge now vision" in body


def test_progress_one_person_and_empty_channel() -> None:
    one = blocks_text(
        check_message(progress_render.progress(_report({"heart": (1, 0)}, 1, "model")))
    )
    assert "*1 person* took part." in one
    assert "*Needs attention: Model the Way*" in one
    empty = blocks_text(check_message(progress_render.progress(_report({}, 0, "model"))))
    assert "Nothing done here in the last 14 days." in empty
    assert "*Needs attention: Model the Way*" in empty
    # Something before but nothing now is not "nothing done".
    fell = blocks_text(
        check_message(progress_render.progress(_report({"heart": (0, 5)}, 0, "model")))
    )
    assert "Nothing done here" not in fell
    assert "*Encourage the Heart*: nothing · 5 the week before" in fell


# --- the Respond modal --------------------------------------------------------------------------


def _context(prompt: catalogue.Prompt) -> modals.ModalContext:
    return modals.ModalContext("C0123ABCD", prompt.key, 42, "1718452800.000100")


@pytest.mark.parametrize("entry", ALL_PROMPTS, ids=lambda e: e[2].key)
def test_response_modal_is_valid_for_every_prompt(entry: tuple) -> None:
    _, _, prompt = entry
    view = modals.response_modal(prompt, _context(prompt))
    raw = view.to_dict()
    assert View(**raw).to_dict() == raw  # slack_sdk validates titles, blocks and metadata
    assert raw["type"] == "modal"
    assert raw["callback_id"] == modals.CALLBACK_ID
    assert len(raw["title"]["text"]) <= 24
    assert len(raw["private_metadata"]) <= 3000
    assert modals.ModalContext.load(raw["private_metadata"]) == _context(prompt)
    inputs = {b["block_id"]: b for b in raw["blocks"] if b["type"] == "input"}
    answer = inputs[modals.ANSWER]["element"]
    assert answer["type"] == "plain_text_input" and answer["multiline"] is True
    assert answer["max_length"] == 3000
    if prompt.kind == "kudos":
        users = inputs[modals.RECIPIENTS]["element"]
        assert users["type"] == "multi_users_select"
        assert users["max_selected_items"] == 10
        assert raw["title"]["text"] == "Give kudos"
    else:
        assert modals.RECIPIENTS not in inputs
    assert prompt.text in blocks_text(raw["blocks"])


def test_fear_modal_says_anonymous() -> None:
    fear = catalogue.find_prompt("vision.enlist.2")
    assert fear is not None and fear[2].kind == "fear"
    raw = modals.response_modal(fear[2], _context(fear[2])).to_dict()
    body = blocks_text(raw["blocks"]).lower()
    assert "anonymous" in body
    assert "with your name" not in body
    assert raw["title"]["text"] == "Share a worry"


def test_response_modal_for_a_huge_prompt_text() -> None:
    prompt = catalogue.Prompt("x.y.1", HUGE, "idea")
    view = modals.response_modal(prompt, _context(prompt))
    raw = view.to_dict()
    assert len(raw["blocks"][0]["text"]["text"]) <= 3000


def test_modal_context_round_trip_without_prompt() -> None:
    ctx = modals.ModalContext("C1", "heart.recognise.1", None, None)
    assert modals.ModalContext.load(ctx.dump()) == ctx


def _state(text: str | None, users: list[str] | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {modals.ANSWER: {modals.ANSWER: {"type": "plain_text_input"}}}
    if text is not None:
        values[modals.ANSWER][modals.ANSWER]["value"] = text
    if users is not None:
        values[modals.RECIPIENTS] = {
            modals.RECIPIENTS: {"type": "multi_users_select", "selected_users": users}
        }
    return {"state": {"values": values}}


def test_read_answer() -> None:
    answer = modals.read_answer(_state("  we shipped  ", ["U1", "U2"]))
    assert answer == modals.Answer("we shipped", ("U1", "U2"))
    assert modals.read_answer(_state("text")) == modals.Answer("text", ())
    assert modals.read_answer(_state("y" * 5000)).text == "y" * 3000


@pytest.mark.parametrize("view", [_state(None), _state("   \n "), {}, {"state": {}}])
def test_read_answer_blank_is_a_user_error(view: dict[str, Any]) -> None:
    with pytest.raises(UserError, match="Please write an answer"):
        modals.read_answer(view)


def test_one_day_style() -> None:
    from datetime import date

    today = date(2026, 11, 30)
    assert blocks.day(date(2026, 12, 4), today) == "Fri 4 Dec"
    assert blocks.day(date(2027, 1, 8), today) == "Fri 8 Jan 2027"
    assert blocks.day(date(2026, 12, 4)) == "Fri 4 Dec 2026"
    assert blocks.days(date(2026, 11, 23), date(2026, 11, 29), today) == "23–29 Nov"
    assert blocks.days(date(2026, 11, 28), date(2026, 12, 4), today) == "28 Nov – 4 Dec"
    assert blocks.days(date(2026, 12, 28), date(2027, 1, 3), today) == "28 Dec 2026 – 3 Jan 2027"
